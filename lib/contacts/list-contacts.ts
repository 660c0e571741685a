import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'
import { Prisma } from '../generated/prisma/client'
import { subscriptionStatusPriority } from '../sync/primary-subscription'

// The contacts list (SPEC F22): search, status filter, three sort orders, keyset pagination.
// It must stay fast at 1,000,000 contacts in one workspace, so every page is one index range
// scan of `limit + 1` rows: no OFFSET, no count of everything on every page.
//
// Choices (indexes in prisma/migrations/20261122072000_contacts_indexes):
// - Sort keys are `(key, id)` with `id` as the stable tiebreak; each has an index
//   (workspace_id, key, id), and the cursor is the last row's (key, id), compared as a row value
//   so PostgreSQL turns it into an index range condition.
//   · created       = COALESCE(stripe_created_at, created_at): "customer since" for Stripe
//                     contacts (a backfill creates every contact in the same minute, so the
//                     contact's own created_at would say nothing), the contact's own date otherwise.
//   · mrr           = mrr (minor units of each contact's currency; currencies are not converted).
//   · last_activity = COALESCE(last_activity_at, '-infinity'): never-active contacts sort as
//                     the least recently active, so NULLs have a place a cursor can point at.
// - Search is a prefix match on lower(email) or lower(name) (btree, text_pattern_ops): cheap at
//   1M rows, no extension (pg_trgm is not in PGlite), and what people type — the start of an
//   email or a name. A pasted Stripe customer id (cus_…) also finds its contact. Substring
//   search ("contains") would need pg_trgm: a later addition if people ask for it.
// - The count is exact up to COUNT_CAP and "more than COUNT_CAP" beyond it, and only computed
//   for a first page, so paging never pays for it.
//
// Measured on PostgreSQL 15 here (2 cores), 1,000,000 contacts in one workspace + 200,000 in
// another, statuses in the sandbox's mix, EXPLAIN (ANALYZE, BUFFERS), warm cache:
//   first page, created desc ............ Index Scan Backward contacts_list_created_idx, 0.16 ms
//   deep page inside the mrr = 0 tie ..... Index Only Scan, Cond ROW(mrr, id) < ROW(…), 0.15 ms
//   last activity asc in the NULL block .. Index Scan contacts_list_last_activity_idx, 0.14 ms
//   status canceled, mrr desc, page n .... Index Only Scan contacts_list_status_mrr_idx, 0.17 ms
//     (without the status indexes: 634 ms, 367,703 rows read and discarded)
//   search "grace" (10 % match), created .. walks contacts_list_created_idx + filter, 0.77 ms
//   search "grace.c4ca" (1 row) .......... BitmapOr of both search indexes, 0.21 ms
//   count capped at 10,000 ............... 6.8 ms (an exact count of 1M: 205 ms, so we cap)
// Known slow shape: a prefix matching a few thousand contacts that all sit at the far end of
// the chosen order can make the planner walk the sort index; still bounded by one index scan.

export const contactSortKeys = ['created', 'mrr', 'last_activity'] as const
export type ContactSort = (typeof contactSortKeys)[number]
export const sortDirections = ['asc', 'desc'] as const
export type SortDirection = (typeof sortDirections)[number]

/** Filter values: every Stripe subscription status, and `none` for contacts without a subscription. */
export const statusFilterValues = [...subscriptionStatusPriority, 'none'] as const
export type StatusFilter = (typeof statusFilterValues)[number]

export const COUNT_CAP = 10_000
export const MAX_PAGE_SIZE = 100

const cursorPayloadSchema = z.object({
  s: z.enum(contactSortKeys),
  d: z.enum(sortDirections),
  /** The sort key as PostgreSQL printed it (exact: no float or time-zone round trip). */
  k: z.string().max(64),
  i: z.string().min(1).max(64),
})
type CursorPayload = z.infer<typeof cursorPayloadSchema>

const badCursor = 'The page link is not valid (it may be from an older version). Start again from the first page.'

/** Query string of GET /api/contacts; also the input of `listContacts`. */
export const listContactsQuerySchema = z
  .object({
    q: z.string().trim().max(200, 'Search for at most 200 characters.').optional(),
    status: z.enum(statusFilterValues, { error: `Choose a status: ${statusFilterValues.join(', ')}.` }).optional(),
    sort: z.enum(contactSortKeys, { error: 'Sort by created, mrr or last_activity.' }).default('created'),
    dir: z.enum(sortDirections, { error: 'Use dir=asc or dir=desc.' }).default('desc'),
    limit: z.coerce
      .number({ error: 'limit must be a number.' })
      .int('limit must be a whole number.')
      .min(1, 'limit must be at least 1.')
      .max(MAX_PAGE_SIZE, `limit may be at most ${MAX_PAGE_SIZE}.`)
      .default(50),
    after: z.string().max(400).optional(),
    before: z.string().max(400).optional(),
  })
  .refine((v) => !(v.after && v.before), { message: 'Send either after or before, not both.', path: ['after'] })
export type ListContactsQuery = z.input<typeof listContactsQuerySchema>

export interface ContactListItem {
  id: string
  email: string | null
  name: string | null
  subscriptionStatus: string | null
  /** Minor units of `currency`. */
  mrr: number
  currency: string | null
  isStripeLinked: boolean
  /** ISO dates. */
  customerSince: string
  lastActivityAt: string | null
  trialEnd: string | null
  cancelAtPeriodEnd: boolean
}

export interface ContactListPage {
  contacts: ContactListItem[]
  /** Cursor of the page after this one; null on the last page. */
  nextCursor: string | null
  /** Cursor of the page before this one; null on the first page. */
  prevCursor: string | null
  /** First pages only: how many contacts match (exact up to COUNT_CAP). */
  count: { value: number; isCapped: boolean } | null
}

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url')
}

export function decodeCursor(raw: string, sort: ContactSort, dir: SortDirection): CursorPayload {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw new AppError('invalid_input', badCursor, { after: badCursor })
  }
  const parsed = cursorPayloadSchema.safeParse(json)
  if (!parsed.success) throw new AppError('invalid_input', badCursor, { after: badCursor })
  const c = parsed.data
  if (c.s !== sort || c.d !== dir) {
    const message = 'This page link belongs to another sort order. Start again from the first page.'
    throw new AppError('invalid_input', message, { after: message })
  }
  // The key must read back as its type, or PostgreSQL would answer a 500 on the cast.
  const isValidKey =
    sort === 'mrr'
      ? /^-?\d{1,18}$/.test(c.k)
      : c.k === '-infinity' || (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(c.k) && !Number.isNaN(Date.parse(`${c.k.replace(' ', 'T')}Z`)))
  if (!isValidKey) throw new AppError('invalid_input', badCursor, { after: badCursor })
  return c
}

// The same expressions as the indexes (PostgreSQL matches expression indexes textually).
const sortExpression: Record<ContactSort, Prisma.Sql> = {
  created: Prisma.sql`COALESCE(c.stripe_created_at, c.created_at)`,
  mrr: Prisma.sql`c.mrr`,
  last_activity: Prisma.sql`COALESCE(c.last_activity_at, '-infinity'::timestamp(3))`,
}
const keyCast: Record<ContactSort, Prisma.Sql> = {
  created: Prisma.sql`timestamp(3)`,
  mrr: Prisma.sql`bigint`,
  last_activity: Prisma.sql`timestamp(3)`,
}

/** `abc_%` → `abc\_\%%`: the person's text matched literally, as a prefix. */
function prefixPattern(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`
}

function filters(workspaceId: string, q: string | undefined, status: StatusFilter | undefined): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`c.workspace_id = ${workspaceId}`]
  if (status === 'none') where.push(Prisma.sql`c.subscription_status IS NULL`)
  else if (status) where.push(Prisma.sql`c.subscription_status = ${status}`)
  if (q) {
    const pattern = prefixPattern(q)
    const byText = Prisma.sql`lower(c.email) LIKE ${pattern} ESCAPE '\\' OR lower(c.name) LIKE ${pattern} ESCAPE '\\'`
    where.push(
      /^cus_\w+$/.test(q)
        ? Prisma.sql`(${byText} OR c.id IN (SELECT l.contact_id FROM contact_stripe_links l WHERE l.workspace_id = ${workspaceId} AND l.customer_id = ${q}))`
        : Prisma.sql`(${byText})`,
    )
  }
  return where
}

type Row = {
  id: string
  email: string | null
  name: string | null
  subscription_status: string | null
  mrr: bigint
  currency: string | null
  is_stripe_linked: boolean
  customer_since: Date
  last_activity_at: Date | null
  trial_end: Date | null
  cancel_at_period_end: boolean
  sort_key: string
}

/** One page of a workspace's contacts. Throws AppError('invalid_input') for a bad cursor. */
export async function listContacts(db: Db, workspaceId: string, input: ListContactsQuery = {}): Promise<ContactListPage> {
  const query = listContactsQuerySchema.parse(input)
  const { sort, dir, limit } = query
  const cursorRaw = query.after ?? query.before
  const cursor = cursorRaw ? decodeCursor(cursorRaw, sort, dir) : null
  const isBackwards = Boolean(query.before)

  const where = filters(workspaceId, query.q || undefined, query.status)
  const key = sortExpression[sort]
  // Walking backwards reads the index the other way and flips the rows afterwards.
  const readAscending = (dir === 'asc') !== isBackwards
  if (cursor) {
    const cmp = readAscending ? Prisma.sql`>` : Prisma.sql`<`
    where.push(Prisma.sql`(${key}, c.id) ${cmp} (${cursor.k}::${keyCast[sort]}, ${cursor.i})`)
  }
  const order = readAscending ? Prisma.sql`ASC` : Prisma.sql`DESC`

  const rows = await db.$queryRaw<Row[]>`
    SELECT c.id, c.email, c.name, c.subscription_status, c.mrr, c.currency, c.is_stripe_linked,
           COALESCE(c.stripe_created_at, c.created_at) AS customer_since, c.last_activity_at,
           c.trial_end, c.cancel_at_period_end, (${key})::text AS sort_key
    FROM contacts c
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${key} ${order}, c.id ${order}
    LIMIT ${limit + 1}`

  const hasMore = rows.length > limit
  const page = rows.slice(0, limit)
  if (isBackwards) page.reverse()
  const cursorOf = (r: Row | undefined) => (r ? encodeCursor({ s: sort, d: dir, k: r.sort_key, i: r.id }) : null)
  // Forwards: a next page exists when a row beyond the page did; a previous one when we came
  // from a cursor. Backwards: the reverse.
  const nextCursor = isBackwards ? cursorOf(page[page.length - 1]) : hasMore ? cursorOf(page[page.length - 1]) : null
  const prevCursor = isBackwards ? (hasMore ? cursorOf(page[0]) : null) : cursor ? cursorOf(page[0]) : null

  const count = cursor ? null : await countContacts(db, where.slice(0))
  return { contacts: page.map(toItem), nextCursor, prevCursor, count }
}

async function countContacts(db: Db, where: Prisma.Sql[]): Promise<{ value: number; isCapped: boolean }> {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (SELECT 1 FROM contacts c WHERE ${Prisma.join(where, ' AND ')} LIMIT ${COUNT_CAP + 1}) AS capped`
  const n = Number(row?.n ?? 0)
  return n > COUNT_CAP ? { value: COUNT_CAP, isCapped: true } : { value: n, isCapped: false }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

function toItem(r: Row): ContactListItem {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    subscriptionStatus: r.subscription_status,
    mrr: Number(r.mrr),
    currency: r.currency,
    isStripeLinked: r.is_stripe_linked,
    customerSince: r.customer_since.toISOString(),
    lastActivityAt: iso(r.last_activity_at),
    trialEnd: iso(r.trial_end),
    cancelAtPeriodEnd: r.cancel_at_period_end,
  }
}
