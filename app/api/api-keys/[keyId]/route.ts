// DELETE /api/api-keys/:keyId — revoke an API key (calls with it fail at once)
import { z } from 'zod'
import { apiKeyIdSchema, revokeApiKey } from '@/lib/activity/api-keys'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

export const DELETE = withWorkspace({ permission: 'manage_api_keys', params: z.object({ keyId: apiKeyIdSchema }) }, async ({ context, params }) =>
  revokeApiKey(db(), { workspaceId: context.workspaceId, keyId: params.keyId }),
)
