// GET /api/members — the members of the signed-in workspace (admins only)
import { withWorkspace } from '@/lib/server/route'
import { listMembers } from '@/lib/workspaces/members'
import { db } from '@/lib/db'

export const GET = withWorkspace({ permission: 'manage_members' }, async ({ context }) => ({ members: await listMembers(db(), context.workspaceId) }))
