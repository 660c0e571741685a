import type { Db } from '../db'
import { type NoticeKind, noticeKindSchema } from './notify-admins'

// What the bell shows: the person's latest notices in the workspace they are acting in, and how
// many are unread in total (the badge counts beyond the 20 listed).

export const noticeListLimit = 20

export type NoticeItem = {
  id: string
  kind: NoticeKind
  title: string
  body: string
  href: string | null
  createdAt: string
  readAt: string | null
}

export type NoticeList = { notices: NoticeItem[]; unread: number }

export async function listNotices(db: Db, args: { workspaceId: string; userId: string }): Promise<NoticeList> {
  const mine = { workspaceId: args.workspaceId, userId: args.userId }
  const [rows, unread] = await Promise.all([
    db.notice.findMany({
      where: mine,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: noticeListLimit,
      select: { id: true, kind: true, title: true, body: true, href: true, createdAt: true, readAt: true },
    }),
    db.notice.count({ where: { ...mine, readAt: null } }),
  ])
  return {
    notices: rows.map((n) => ({
      ...n,
      // `kind` is a text column: anything unexpected is shown as an incident rather than hidden.
      kind: noticeKindSchema.catch('incident').parse(n.kind),
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
    unread,
  }
}
