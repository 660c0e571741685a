// PATCH|DELETE /api/stripe/connections/:connectionId — make primary, or disconnect (keep / anonymise / delete data)
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { disconnectConnection, disconnectSchema, setPrimaryConnection } from '@/lib/connections/manage-connections'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

const params = z.object({ connectionId: z.string() })

export const PATCH = withWorkspace({ permission: 'manage_stripe', params, body: z.object({ isPrimary: z.literal(true, 'Only { "isPrimary": true } can be set here.') }) }, async ({ context, params }) => {
  await setPrimaryConnection(db(), { workspaceId: context.workspaceId, role: context.role, connectionId: params.connectionId })
  return { ok: true }
})

export const DELETE = withWorkspace({ permission: 'manage_stripe', params, body: disconnectSchema }, ({ context, params, body }) =>
  disconnectConnection(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, data: body.data }),
)
