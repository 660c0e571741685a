import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import type { ZodError } from 'zod'
import { testDb as db } from '@/test/db'
import { AppError, toFailure } from '../errors'
import { type ContactListItem, type ContactSort, decodeCursor, encodeCursor, listContacts, listContactsQuerySchema, type SortDirection } from './list-contacts'
import { type ContactSeed, createWorkspaceWithConnection, insertContacts } from './test-support'

// Real PostgreSQL: the keyset queries, their tie-breaking and the workspace scope are SQL, so
// they are tested where they run.

let ws: string
let other: string
let seeds: ContactSeed[]
const tag = randomUUID().slice(0, 6)
const id = (n: number) => `ct_${tag}_${String(n).padStart(3, '0')}`

const day = (d: number) => new Date(Date.UTC(2025, 0, d, 12, 0, 0, 250))

beforeAll(async () => {
  ws = (await createWorkspaceWithConnection(db)).workspaceId
  other = (await createWorkspaceWithConnection(db)).workspaceId
  const statuses = ['active', 'active', 'past_due', 'trialing', 'canceled', null] as const
  // 40 contacts with heavy ties: 4 MRR values, created days shared by 3 contacts, a third never
  // active (NULL last activity) and the rest sharing 5 activity instants.
  seeds = Array.from({ length: 40 }, (_, i) => ({
    id: id(i),
    email: i % 10 === 9 ? null : `person${i}.${tag}@example.com`,
    name: `Person ${i}`,
    subscriptionStatus: statuses[i % statuses.length],
    mrr: BigInt([0, 900, 900, 4900][i % 4]!),
    currency: 'usd',
    stripeCreatedAt: i % 8 === 7 ? null : day(1 + Math.floor(i / 3)),
    createdAt: day(100),
    lastActivityAt: i % 3 === 0 ? null : day(200 + (i % 5)),
  }))
  seeds.push(
    { id: id(100), email: `ada.${tag}@example.com`, name: 'Zed Quinn', subscriptionStatus: 'active', createdAt: day(100) },
    { id: id(101), email: `zoe.${tag}@example.com`, name: `ADA ${tag} Lovelace`, subscriptionStatus: 'active', createdAt: day(100) },
    { id: id(102), email: `carla.ada.${tag}@example.com`, name: 'Carla', subscriptionStatus: 'active', createdAt: day(100) },
    { id: id(103), email: `a_b.${tag}@example.com`, name: 'Under Score', subscriptionStatus: 'active', createdAt: day(100) },
    { id: id(104), email: `axb.${tag}@example.com`, name: 'Not Under Score', subscriptionStatus: 'active', createdAt: day(100) },
  )
  await insertContacts(db, ws, seeds)
  // Another workspace with look-alike contacts: none may ever appear in `ws`.
  await insertContacts(db, other, [
    { id: `${id(0)}_other`, email: `ada.${tag}@example.com`, name: 'Other Ada', subscriptionStatus: 'past_due', mrr: 999_999n, createdAt: day(1) },
    { id: `${id(1)}_other`, email: `person1.${tag}@example.com`, name: 'Person 1', subscriptionStatus: 'active', createdAt: day(1) },
  ])
})

const base = (n: number) => seeds.filter((s) => s.id < id(100)).slice(0, n)

async function walk(sort: ContactSort, dir: SortDirection, limit: number, extra: { status?: 'active' } = {}) {
  const pages: ContactListItem[][] = []
  const cursors: (string | null)[] = []
  let after: string | undefined
  for (let guard = 0; guard < 100; guard++) {
    const page = await listContacts(db, ws, { sort, dir, limit, after, ...extra })
    pages.push(page.contacts)
    cursors.push(page.prevCursor)
    if (!page.nextCursor) break
    after = page.nextCursor
  }
  return { pages, cursors }
}

type Key = number | string
function keyOf(sort: ContactSort, c: ContactListItem): Key {
  if (sort === 'mrr') return c.mrr
  if (sort === 'created') return c.customerSince
  return c.lastActivityAt ?? '' // '' sorts before any ISO date, like -infinity
}

describe('keyset pagination', () => {
  for (const sort of ['created', 'mrr', 'last_activity'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      test(`sort ${sort} ${dir}: pages of 7 neither skip nor repeat across ties, and Previous walks back the same pages`, async () => {
        const { pages } = await walk(sort, dir, 7)
        const all = pages.flat()
        const mine = seeds.map((s) => s.id)
        expect(all.map((c) => c.id).sort()).toEqual([...mine].sort())
        expect(new Set(all.map((c) => c.id)).size).toBe(all.length)
        // Ordered by (key, id) in the requested direction.
        for (let i = 1; i < all.length; i++) {
          const [a, b] = [all[i - 1]!, all[i]!]
          const ka = keyOf(sort, a)
          const kb = keyOf(sort, b)
          const cmp = ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : 1
          expect(dir === 'asc' ? cmp : -cmp, `${a.id} before ${b.id}`).toBe(-1)
        }
        // From the last page, `before` cursors return exactly the earlier pages.
        let before = (await listContacts(db, ws, { sort, dir, limit: 7, after: undefined })).nextCursor
        expect(before).not.toBeNull()
        const second = await listContacts(db, ws, { sort, dir, limit: 7, after: before ?? undefined })
        const back = await listContacts(db, ws, { sort, dir, limit: 7, before: second.prevCursor ?? undefined })
        expect(back.contacts.map((c) => c.id)).toEqual(pages[0]!.map((c) => c.id))
        expect(back.prevCursor).toBeNull()
        before = null
      })
    }
  }

  test('a page from the middle going backwards keeps both cursors; the first page has no Previous, the last no Next', async () => {
    const { pages } = await walk('mrr', 'desc', 10)
    expect(pages.length).toBe(5) // 45 contacts
    const first = await listContacts(db, ws, { sort: 'mrr', dir: 'desc', limit: 10 })
    expect(first.prevCursor).toBeNull()
    const p2 = await listContacts(db, ws, { sort: 'mrr', dir: 'desc', limit: 10, after: first.nextCursor! })
    const p3 = await listContacts(db, ws, { sort: 'mrr', dir: 'desc', limit: 10, after: p2.nextCursor! })
    const back2 = await listContacts(db, ws, { sort: 'mrr', dir: 'desc', limit: 10, before: p3.prevCursor! })
    expect(back2.contacts.map((c) => c.id)).toEqual(p2.contacts.map((c) => c.id))
    expect(back2.prevCursor).not.toBeNull()
    expect(back2.nextCursor).not.toBeNull()
    const last = pages[pages.length - 1]!
    expect(last.length).toBe(5)
  })

  test('a first page carries the count; later pages do not pay for it', async () => {
    const first = await listContacts(db, ws, { limit: 5 })
    expect(first.count).toEqual({ value: 45, isCapped: false })
    const next = await listContacts(db, ws, { limit: 5, after: first.nextCursor! })
    expect(next.count).toBeNull()
    expect((await listContacts(db, ws, { status: 'past_due' })).count).toEqual({ value: base(40).filter((s) => s.subscriptionStatus === 'past_due').length, isCapped: false })
  })
})

describe('search and filter', () => {
  test('search is a case-insensitive prefix of the email or the name', async () => {
    const found = await listContacts(db, ws, { q: 'ADA' })
    // ada.… by email, "ADA … Lovelace" by name; not carla.ada.… (not a prefix), not other workspace's Ada.
    expect(found.contacts.map((c) => c.id).sort()).toEqual([id(100), id(101)])
    expect((await listContacts(db, ws, { q: `  zoe.${tag.toUpperCase()}  ` })).contacts.map((c) => c.id)).toEqual([id(101)])
  })

  test('% and _ in a search are literal characters, not wildcards', async () => {
    expect((await listContacts(db, ws, { q: 'a_b' })).contacts.map((c) => c.id)).toEqual([id(103)])
    expect((await listContacts(db, ws, { q: '%' })).contacts).toEqual([])
  })

  test('status filter returns only that status; "none" returns contacts without a subscription', async () => {
    const pastDue = await listContacts(db, ws, { status: 'past_due', limit: 100 })
    const expected = seeds.filter((s) => s.subscriptionStatus === 'past_due').map((s) => s.id)
    expect(pastDue.contacts.map((c) => c.id).sort()).toEqual(expected.sort())
    expect(pastDue.contacts.every((c) => c.subscriptionStatus === 'past_due')).toBe(true)
    const none = await listContacts(db, ws, { status: 'none', limit: 100 })
    expect(none.contacts.map((c) => c.id).sort()).toEqual(seeds.filter((s) => !s.subscriptionStatus).map((s) => s.id).sort())
  })

  test('search, status filter and keyset paging combine', async () => {
    const { pages } = await walk('created', 'asc', 3, { status: 'active' })
    const ids = pages.flat().map((c) => c.id)
    expect(ids.sort()).toEqual(seeds.filter((s) => s.subscriptionStatus === 'active').map((s) => s.id).sort())
  })
})

describe('workspace scope', () => {
  test("another workspace's contacts never appear, whatever the search, filter or sort", async () => {
    for (const input of [{}, { q: 'ada' }, { q: 'person1' }, { status: 'past_due' as const }, { sort: 'mrr' as const, dir: 'desc' as const }]) {
      const page = await listContacts(db, ws, { ...input, limit: 100 })
      expect(page.contacts.some((c) => c.id.endsWith('_other')), JSON.stringify(input)).toBe(false)
    }
    const theirs = await listContacts(db, other, { limit: 100 })
    expect(theirs.contacts.map((c) => c.id).sort()).toEqual([`${id(0)}_other`, `${id(1)}_other`])
  })

  test("a cursor made from another workspace's row only pages this workspace", async () => {
    const cursor = encodeCursor({ s: 'mrr', d: 'desc', k: '999999', i: `${id(0)}_other` })
    const page = await listContacts(db, ws, { sort: 'mrr', dir: 'desc', after: cursor, limit: 100 })
    expect(page.contacts.length).toBe(45)
    expect(page.contacts.some((c) => c.id.endsWith('_other'))).toBe(false)
  })
})

describe('bad input', () => {
  test.each([
    [{ limit: '0' }, 'limit: limit must be at least 1.'],
    [{ limit: '500' }, 'limit: limit may be at most 100.'],
    [{ limit: 'ten' }, 'limit: limit must be a number.'],
    [{ sort: 'email' }, 'sort: Sort by created, mrr or last_activity.'],
    [{ dir: 'up' }, 'dir: Use dir=asc or dir=desc.'],
    [{ status: 'gold' }, 'status: Choose a status: active, past_due, trialing, unpaid, incomplete, paused, canceled, incomplete_expired, none.'],
    [{ after: 'x', before: 'y' }, 'after: Send either after or before, not both.'],
  ])('query %o answers 400 with "%s"', (query, message) => {
    const result = listContactsQuerySchema.safeParse(query)
    expect(result.success).toBe(false)
    const failure = toFailure(result.error as ZodError)
    expect(failure).toMatchObject({ code: 'invalid_input', message })
  })

  test('a garbled, foreign-sort or injected cursor is a 400, never a database error', async () => {
    await expect(listContacts(db, ws, { after: 'not-base64-json' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('Start again from the first page') })
    const mrrCursor = encodeCursor({ s: 'mrr', d: 'desc', k: '900', i: id(1) })
    await expect(listContacts(db, ws, { sort: 'created', dir: 'desc', after: mrrCursor })).rejects.toMatchObject({ message: 'This page link belongs to another sort order. Start again from the first page.' })
    const injected = encodeCursor({ s: 'mrr', d: 'desc', k: "1); DROP TABLE contacts; --", i: id(1) })
    await expect(listContacts(db, ws, { sort: 'mrr', dir: 'desc', after: injected })).rejects.toBeInstanceOf(AppError)
    expect(() => decodeCursor(encodeCursor({ s: 'created', d: 'asc', k: '2025-13-45 99:00:00', i: 'x' }), 'created', 'asc')).toThrow(AppError)
    await expect(listContacts(db, ws, { sort: 'created', dir: 'asc', after: encodeCursor({ s: 'created', d: 'asc', k: 'yesterday', i: 'x' }) })).rejects.toMatchObject({ code: 'invalid_input' })
    expect(await db.contact.count({ where: { workspaceId: ws } })).toBe(45)
  })
})
