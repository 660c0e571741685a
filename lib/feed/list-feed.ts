import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'
import { feedTypeLabels } from './describe-event'

// A contact's billing feed (F15, F22): newest first, keyset-paginated on (occurred_at, id),
// optionally filtered by type, with the contact's last activity. Scoped to the workspace: a
// contact of another workspace does not exist here.

export const feedQuerySchema = z.object({
  types: z
    .string()
    .max(1000)
    .optional()
    .transform((v) => (v ? v.split(',').map((t) => t.trim()).filter(Boolean) : [])),
  before: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1, 'limit must be at least 1').max(100, 'limit must be at most 100').default(25),
})
export type FeedQuery = z.infer<typeof feedQuerySchema>

export type FeedEntry = {
  id: string
  type: string
  label: string
  summary: string
  occurredAt: string
  amount: number | null
  currency: string | null
  isHistorical: boolean
  stripeObjectId: string | null
  stripeUrl: string | null
}

export type Feed = { items: FeedEntry[]; nextCursor: string | null; lastActivityAt: string | null; types: { type: string; label: string }[] }

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string().min(1) })

export async function listFeed(db: Db, args: { workspaceId: string; contactId: string; query: FeedQuery }): Promise<Feed> {
  const contact = await db.contact.findFirst({ where: { id: args.contactId, workspaceId: args.workspaceId }, select: { id: true, lastActivityAt: true } })
  if (!contact) throw new AppError('not_found', 'No contact with this id in your workspace.')
  let cursor: z.infer<typeof cursorSchema> | null = null
  if (args.query.before) {
    const parsed = cursorSchema.safeParse(decode(args.query.before))
    if (!parsed.success) throw new AppError('invalid_input', 'The feed cursor is not valid; reload the feed from the start.')
    cursor = parsed.data
  }
  const rows = await db.billingEvent.findMany({
    where: {
      workspaceId: args.workspaceId,
      contactId: contact.id,
      ...(args.query.types.length && { type: { in: args.query.types } }),
      ...(cursor && { OR: [{ occurredAt: { lt: new Date(cursor.at) } }, { occurredAt: new Date(cursor.at), id: { lt: cursor.id } }] }),
    },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: args.query.limit + 1,
  })
  const page = rows.slice(0, args.query.limit)
  const last = page.at(-1)
  return {
    items: page.map((r) => ({
      id: r.id,
      type: r.type,
      label: feedTypeLabels[r.type] ?? r.type,
      summary: r.summary,
      occurredAt: r.occurredAt.toISOString(),
      amount: r.amount === null ? null : Number(r.amount),
      currency: r.currency,
      isHistorical: r.isHistorical,
      stripeObjectId: r.stripeObject,
      stripeUrl: z.object({ url: z.string().url().nullable() }).safeParse(r.data).data?.url ?? null,
    })),
    nextCursor: rows.length > args.query.limit && last ? encode({ at: last.occurredAt.toISOString(), id: last.id }) : null,
    lastActivityAt: contact.lastActivityAt?.toISOString() ?? null,
    types: Object.entries(feedTypeLabels).map(([type, label]) => ({ type, label })),
  }
}

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
function decode(v: string): unknown {
  try {
    return JSON.parse(Buffer.from(v, 'base64url').toString('utf8'))
  } catch {
    return null
  }
}
