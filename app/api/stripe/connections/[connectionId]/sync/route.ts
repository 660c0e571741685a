// GET|POST /api/stripe/connections/:connectionId/sync — import progress per object type; "Re-sync now"
import { z } from 'zod'
import { getConnectionOrThrow } from '@/lib/connections/connection-deps'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'
import { resyncNow } from '@/lib/webhooks/resync-now'
import { getSyncProgress } from '@/lib/sync/backfill/get-sync-progress'
import { inngest } from '@/inngest/client'

const params = z.object({ connectionId: z.string() })

export const GET = withWorkspace({ permission: 'manage_stripe', params }, async ({ context, params }) => {
  await getConnectionOrThrow(db(), context.workspaceId, params.connectionId)
  return getSyncProgress(db(), { connectionId: params.connectionId, now: new Date() })
})

export const POST = withWorkspace({ permission: 'manage_stripe', params }, ({ context, params }) =>
  resyncNow({ db: db(), emit: (event) => inngest.send(event) }, { workspaceId: context.workspaceId, connectionId: params.connectionId }),
)
