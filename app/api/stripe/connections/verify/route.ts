// POST /api/stripe/connections/verify — wizard step 1: classify a pasted key and probe each permission
import { connectionDeps } from '@/lib/connections/deps'
import { verifyKey, verifyKeySchema } from '@/lib/connections/verify-key'
import { withWorkspace } from '@/lib/server/route'
import { apiBaseForKey } from '@/lib/stripe/sandbox-link'

export const POST = withWorkspace({ permission: 'manage_stripe', body: verifyKeySchema }, async ({ context, body }) =>
  verifyKey(connectionDeps(), {
    workspaceId: context.workspaceId,
    userId: context.userId,
    key: body.key,
    apiBase: body.key ? await apiBaseForKey(body.key) : null,
    connectionId: body.connectionId,
  }),
)
