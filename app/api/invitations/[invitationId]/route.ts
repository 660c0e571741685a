// DELETE /api/invitations/:invitationId — withdraw a pending invite link (admins only)
import { z } from 'zod'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'
import { revokeInvitation } from '@/lib/workspaces/invitations'

export const DELETE = withWorkspace({ permission: 'manage_members', params: z.object({ invitationId: z.string().min(1) }) }, async ({ context, params }) => {
  await revokeInvitation(db(), { workspaceId: context.workspaceId, invitationId: params.invitationId, now: new Date() })
  return { ok: true }
})
