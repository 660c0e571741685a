// GET /api/stripe/connections — the workspace's Stripe connections (keys masked)
import { listConnections } from '@/lib/connections/manage-connections'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ permission: 'manage_stripe' }, async ({ context }) => ({ connections: await listConnections(db(), context.workspaceId) }))
