import { z } from 'zod'
import type { Db, Tx } from '../db'
import { AppError } from '../errors'

export const changeRoleSchema = z.object({ role: z.enum(['admin', 'marketer'], 'Choose admin or marketer.') })

export async function listMembers(db: Db, workspaceId: string) {
  const members = await db.membership.findMany({
    where: { workspaceId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  })
  return members.map((m) => ({ id: m.id, role: m.role, joinedAt: m.createdAt.toISOString(), userId: m.user.id, name: m.user.name, email: m.user.email }))
}
export type Member = Awaited<ReturnType<typeof listMembers>>[number]

/**
 * Role changes and removals share one rule: a workspace always keeps at least one admin.
 * The check and the write run in one serializable transaction so two admins demoting each
 * other at once cannot both succeed.
 */
async function withAdminGuard(db: Db, workspaceId: string, membershipId: string, change: 'promote' | 'demote' | 'remove', write: (tx: Tx) => Promise<unknown>) {
  return db.$transaction(
    async (tx) => {
      const member = await tx.membership.findFirst({ where: { id: membershipId, workspaceId } })
      if (!member) throw new AppError('not_found', 'No member with this id in your workspace.')
      if (member.role === 'admin' && change !== 'promote') {
        const admins = await tx.membership.count({ where: { workspaceId, role: 'admin' } })
        if (admins <= 1) {
          throw new AppError('conflict', change === 'remove' ? 'The last admin cannot be removed. Make someone else an admin first.' : 'The last admin cannot become a marketer. Make someone else an admin first.')
        }
      }
      await write(tx)
    },
    { isolationLevel: 'Serializable' },
  )
}

export async function changeMemberRole(db: Db, args: { workspaceId: string; membershipId: string; role: 'admin' | 'marketer' }) {
  await withAdminGuard(db, args.workspaceId, args.membershipId, args.role === 'admin' ? 'promote' : 'demote', (tx) =>
    tx.membership.update({ where: { id: args.membershipId }, data: { role: args.role } }),
  )
}

export async function removeMember(db: Db, args: { workspaceId: string; membershipId: string }) {
  await withAdminGuard(db, args.workspaceId, args.membershipId, 'remove', (tx) => tx.membership.delete({ where: { id: args.membershipId } }))
}
