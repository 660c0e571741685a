import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Db, Tx } from '../db'
import { AppError } from '../errors'
import type { Role } from '../generated/prisma/enums'

const invitationLifetimeMs = 7 * 24 * 60 * 60 * 1000

export const createInvitationSchema = z.object({ role: z.enum(['admin', 'marketer'], 'Choose admin or marketer.') })

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** Creates a single-use invite link token. The token is returned once; only its hash is kept. */
export async function createInvitation(db: Db, args: { workspaceId: string; createdById: string; role: Role; now: Date }) {
  const token = randomBytes(24).toString('base64url')
  const invitation = await db.invitation.create({
    data: {
      workspaceId: args.workspaceId,
      createdById: args.createdById,
      role: args.role,
      tokenHash: hashToken(token),
      expiresAt: new Date(args.now.getTime() + invitationLifetimeMs),
    },
  })
  return { token, invitation }
}

export type InvitationStatus = 'valid' | 'expired' | 'used' | 'revoked'

/** Looks an invite up by its token; unknown tokens are a 404 with a message a person understands. */
export async function getInvitation(db: Db | Tx, token: string, now: Date) {
  const invitation = token
    ? await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { workspace: { select: { name: true } } } })
    : null
  if (!invitation) throw new AppError('not_found', 'This invite link is not valid. Ask the person who invited you for a new one.')
  const status: InvitationStatus = invitation.revokedAt
    ? 'revoked'
    : invitation.acceptedAt
      ? 'used'
      : invitation.expiresAt <= now
        ? 'expired'
        : 'valid'
  return { invitation, status }
}

const statusMessages: Record<Exclude<InvitationStatus, 'valid'>, string> = {
  expired: 'This invite link has expired. Ask the person who invited you for a new one.',
  used: 'This invite link has already been used. Ask the person who invited you for a new one.',
  revoked: 'This invite link was withdrawn. Ask the person who invited you for a new one.',
}

export function invitationProblem(status: InvitationStatus): string | undefined {
  return status === 'valid' ? undefined : statusMessages[status]
}

/**
 * Redeems an invite for `userId` inside `tx`. The conditional update makes a token single-use
 * even when two people click it at the same moment.
 */
export async function acceptInvitation(tx: Tx, args: { token: string; userId: string; now: Date }) {
  const { invitation, status } = await getInvitation(tx, args.token, args.now)
  const problem = invitationProblem(status)
  if (problem) throw new AppError('gone', problem)
  const claimed = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null },
    data: { acceptedAt: args.now, acceptedById: args.userId },
  })
  if (claimed.count !== 1) throw new AppError('gone', statusMessages.used)
  const existing = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: args.userId } } })
  if (existing) throw new AppError('conflict', `You are already a member of ${invitation.workspace.name}.`)
  await tx.membership.create({ data: { workspaceId: invitation.workspaceId, userId: args.userId, role: invitation.role } })
  return { workspaceId: invitation.workspaceId, workspaceName: invitation.workspace.name, role: invitation.role }
}

export async function listPendingInvitations(db: Db, workspaceId: string, now: Date) {
  return db.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, role: true, expiresAt: true, createdAt: true, createdBy: { select: { name: true, email: true } } },
  })
}

export async function revokeInvitation(db: Db, args: { workspaceId: string; invitationId: string; now: Date }) {
  const { count } = await db.invitation.updateMany({
    where: { id: args.invitationId, workspaceId: args.workspaceId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: args.now },
  })
  if (count === 0) throw new AppError('not_found', 'No pending invitation with this id in your workspace.')
}
