// PATCH|DELETE /api/members/:memberId — change a member's role or remove them (admins only)
import { z } from 'zod'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'
import { changeMemberRole, changeRoleSchema, removeMember } from '@/lib/workspaces/members'

const params = z.object({ memberId: z.string().min(1) })

export const PATCH = withWorkspace({ permission: 'manage_members', params, body: changeRoleSchema }, async ({ context, params, body }) => {
  await changeMemberRole(db(), { workspaceId: context.workspaceId, membershipId: params.memberId, role: body.role })
  return { ok: true }
})

export const DELETE = withWorkspace({ permission: 'manage_members', params }, async ({ context, params }) => {
  await removeMember(db(), { workspaceId: context.workspaceId, membershipId: params.memberId })
  return { ok: true }
})
