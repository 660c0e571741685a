// GET /api/stripe/connections — the workspace's Stripe connections (keys masked)
import { listConnections } from '@/lib/connections/manage-connections'
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ permission: 'manage_stripe' }, async ({ context }) => ({ connections: await listConnections(db(), context.workspaceId, { appUrl: env().APP_URL }) }))
