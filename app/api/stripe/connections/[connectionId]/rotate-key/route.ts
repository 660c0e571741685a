// POST /api/stripe/connections/:connectionId/rotate-key — swap in a new key of the same account (no re-import)
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { rotateConnectionKey, rotateKeySchema } from '@/lib/connections/manage-connections'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: rotateKeySchema }, ({ context, params, body }) =>
  rotateConnectionKey(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, key: body.key }),
)
