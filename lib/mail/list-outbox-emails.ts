import type { Db } from '../db'

export const outboxListLimit = 100

/** The workspace's latest emails, newest first, for the outbox page. */
export async function listOutboxEmails(db: Db, workspaceId: string) {
  const rows = await db.outboxEmail.findMany({
    where: { workspaceId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: outboxListLimit,
    select: { id: true, to: true, subject: true, text: true, transport: true, error: true, createdAt: true, sentAt: true },
  })
  return rows.map((e) => ({ ...e, createdAt: e.createdAt.toISOString(), sentAt: e.sentAt?.toISOString() ?? null }))
}
export type OutboxEmailItem = Awaited<ReturnType<typeof listOutboxEmails>>[number]
