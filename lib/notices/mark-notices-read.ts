import { z } from 'zod'
import type { Db } from '../db'

export const markNoticesReadSchema = z.object({
  /** Omitted: every unread notice. An empty list marks nothing. */
  ids: z.array(z.string().min(1), 'Send ids as a list of notice ids.').max(100, 'Mark at most 100 notices at a time, or omit ids to mark all.').optional(),
})
export type MarkNoticesRead = z.infer<typeof markNoticesReadSchema>

/**
 * Marks the person's own notices in this workspace as read. Ids of other people's notices, or
 * of another workspace's, match nothing: they are skipped, not reported, so ids reveal nothing.
 */
export async function markNoticesRead(db: Db, args: { workspaceId: string; userId: string; ids?: string[]; now: Date }): Promise<{ updated: number }> {
  const { count } = await db.notice.updateMany({
    where: { workspaceId: args.workspaceId, userId: args.userId, readAt: null, ...(args.ids && { id: { in: args.ids } }) },
    data: { readAt: args.now },
  })
  return { updated: count }
}
