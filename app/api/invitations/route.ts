// GET|POST /api/invitations — list pending invite links or create one (admins only)
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { withWorkspace } from '@/lib/server/route'
import { createInvitation, createInvitationSchema, listPendingInvitations } from '@/lib/workspaces/invitations'

export const GET = withWorkspace({ permission: 'manage_members' }, async ({ context }) => ({
  invitations: await listPendingInvitations(db(), context.workspaceId, new Date()),
}))

export const POST = withWorkspace({ permission: 'manage_members', body: createInvitationSchema }, async ({ context, body }) => {
  const { token, invitation } = await createInvitation(db(), { workspaceId: context.workspaceId, createdById: context.userId, role: body.role, now: new Date() })
  // The link is shown once: only the token's hash is stored.
  return { id: invitation.id, role: invitation.role, expiresAt: invitation.expiresAt, url: new URL(`/invite/${token}`, env().APP_URL).toString() }
})
