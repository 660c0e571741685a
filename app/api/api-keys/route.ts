// GET/POST /api/api-keys — list the workspace's API keys; create one (the key is in this answer only)
import { createApiKey, createApiKeySchema, listApiKeys } from '@/lib/activity/api-keys'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ permission: 'manage_api_keys' }, async ({ context }) => ({ keys: await listApiKeys(db(), context.workspaceId) }))

export const POST = withWorkspace({ permission: 'manage_api_keys', body: createApiKeySchema }, async ({ context, body }) =>
  createApiKey(db(), { workspaceId: context.workspaceId, userId: context.userId, name: body.name }),
)
