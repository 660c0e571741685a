// POST /api/stripe/connections/:connectionId/finish — wizard step 3: webhook endpoint, import choice, start syncing
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { finishConnection, finishConnectionSchema } from '@/lib/connections/finish-connection'
import { env } from '@/lib/env'
import { withWorkspace } from '@/lib/server/route'
import { inngest } from '@/inngest/client'

export const POST = withWorkspace(
  { permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: finishConnectionSchema.pick({ importChoice: true }) },
  ({ context, params, body }) =>
    finishConnection(
      { ...connectionDeps(), appUrl: env().APP_URL, emit: (event) => inngest.send(event) },
      { workspaceId: context.workspaceId, connectionId: params.connectionId, importChoice: body.importChoice },
    ),
)
