import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { signUp } from '../workspaces/sign-up'
import { feedQuerySchema, listFeed } from './list-feed'
import { recordBillingEvents } from './record-billing-events'

// A contact's feed (F15) as the contact page reads it: newest first, pages that neither skip nor
// repeat items (several share a second), filtered by type, never another workspace's contact.

async function contactWithFeed(count: number) {
  const { workspaceId } = await signUp(db, { name: 'Flo', email: `flo-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({ data: { workspaceId, mode: 'test', keyKind: 'secret', keySealed: 'x', keyHint: 'sk_test_…x', status: 'active' } })
  const contact = await db.contact.create({ data: { workspaceId, email: `c-${randomUUID()}@example.com`, lastActivityAt: new Date('2026-03-05T00:00:00Z') } })
  const base = Date.UTC(2026, 2, 1)
  for (let i = 0; i < count; i++) {
    // Two events per second: the cursor must break ties on id.
    const type = i % 3 === 0 ? 'charge.failed' : 'invoice.paid'
    await recordBillingEvents(db, { workspaceId, connectionId: connection.id, contactId: contact.id, stripeEventId: `evt_${i}`, occurredAt: new Date(base + Math.floor(i / 2) * 1000), isHistorical: false, objectType: 'charge', objectId: `ch_${i}`, livemode: false, items: [{ type, summary: `item ${i}`, amount: 100 * i, currency: 'usd' }] })
  }
  return { workspaceId, contactId: contact.id }
}
const q = (over: Record<string, string> = {}) => feedQuerySchema.parse(over)

describe('listFeed', () => {
  test('pages of 4 over 11 items: newest first, every item exactly once, then no cursor', async () => {
    const { workspaceId, contactId } = await contactWithFeed(11)
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = await listFeed(db, { workspaceId, contactId, query: q({ limit: '4', ...(before && { before }) }) })
      seen.push(...page.items.map((i) => i.summary))
      before = page.nextCursor ?? undefined
      pages += 1
      expect(page.lastActivityAt).toBe('2026-03-05T00:00:00.000Z')
    } while (before)
    expect(pages).toBe(3)
    // The same order as one query over everything (ties in a second broken by id), no page overlap.
    const all = await db.billingEvent.findMany({ where: { contactId }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] })
    expect(seen).toEqual(all.map((r) => r.summary))
    expect(seen[0]).toBe('item 10')
    expect(new Set(seen).size).toBe(11)
  })

  test('a type filter, with labels and links', async () => {
    const { workspaceId, contactId } = await contactWithFeed(7)
    const page = await listFeed(db, { workspaceId, contactId, query: q({ types: 'charge.failed' }) })
    expect(page.items.map((i) => i.summary)).toEqual(['item 6', 'item 3', 'item 0'])
    expect(page.items[0]).toMatchObject({ label: 'Payment failed', amount: 600, currency: 'usd', stripeObjectId: 'ch_6', stripeUrl: expect.stringContaining('ch_6') })
  })

  test('another workspace’s contact does not exist here; a forged cursor is a 400', async () => {
    const { contactId } = await contactWithFeed(1)
    const other = await contactWithFeed(1)
    await expect(listFeed(db, { workspaceId: other.workspaceId, contactId, query: q() })).rejects.toMatchObject({ code: 'not_found' })
    await expect(listFeed(db, { workspaceId: other.workspaceId, contactId: other.contactId, query: q({ before: 'not-a-cursor' }) })).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
