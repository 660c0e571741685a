import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { evaluateContacts, recomputeSegment, sweepTimeEdges } from '../segments/membership'
import { RULE_VERSION, type Rule } from '../segments/rule-schema'
import { createTestWorkspace, days, insertContacts } from '../segments/test-support'
import { getContact } from './get-contact'

// The contact page's segments (SPEC F19): current memberships AND every entry and exit with its
// time and cause, as the membership engine recorded them.
const t0 = new Date('2026-05-01T10:00:00.000Z')
const and = (...conditions: Rule['root']['conditions']): Rule => ({ version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions } })

describe('contact page: segment memberships and their history', () => {
  test('lists current memberships and every entry/exit, newest first, with time and cause in words; a deleted segment stays in the history', async () => {
    const ws = await createTestWorkspace(db, 'Contact segments')
    const ids = await insertContacts(db, ws.id, [{ name: 'Hugo History', status: 'active', lastActivityAt: t0 }])
    const id = ids.get('Hugo History') as string
    const pastDue = await db.segment.create({ data: { workspaceId: ws.id, name: 'Past due', rule: and({ kind: 'subscription_status', operator: 'any_in', statuses: ['past_due'] }) } })
    const paying = await db.segment.create({ data: { workspaceId: ws.id, name: 'Paying', rule: and({ kind: 'subscription_status', operator: 'any_in', statuses: ['active', 'past_due'] }) } })
    const quiet = await db.segment.create({
      data: { workspaceId: ws.id, name: 'Quiet for a week', rule: and({ kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'more_than_days_ago', days: 7 }) },
    })
    const doomed = await db.segment.create({ data: { workspaceId: ws.id, name: 'Doomed', rule: and({ kind: 'attribute', attribute: 'name', type: 'string', operator: 'starts_with', value: 'Hugo' }) } })
    await recomputeSegment({ db, segmentId: doomed.id, now: new Date(t0.getTime() - 3_600_000), cause: 'segment:created' })
    for (const s of [pastDue, paying, quiet]) await recomputeSegment({ db, segmentId: s.id, now: t0, cause: 'segment:created' })

    // Stripe: past due, then active again; a week without activity passes; a segment is deleted.
    await db.contact.update({ where: { id }, data: { subscriptionStatus: 'past_due', subscriptionStatuses: ['past_due'] } })
    await evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now: new Date(t0.getTime() + days(1)), cause: 'stripe:evt_failed' })
    await db.contact.update({ where: { id }, data: { subscriptionStatus: 'active', subscriptionStatuses: ['active'] } })
    await evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now: new Date(t0.getTime() + days(2)), cause: 'stripe:evt_recovered' })
    await sweepTimeEdges({ db, workspaceId: ws.id, now: new Date(t0.getTime() + days(8)) })
    await db.segment.delete({ where: { id: doomed.id } })

    const detail = await getContact(db, { workspaceId: ws.id, contactId: id, now: new Date(t0.getTime() + days(9)) })
    expect(detail.segments.map((s) => [s.name, s.causeLabel]).sort()).toEqual([
      ['Paying', 'Segment created'],
      ['Quiet for a week', 'Time passed (scheduled check)'],
    ])
    expect(detail.segmentHistory.map((h) => [h.at, h.kind, h.segmentName, h.causeLabel])).toEqual([
      [new Date(t0.getTime() + days(8)).toISOString(), 'entered', 'Quiet for a week', 'Time passed (scheduled check)'],
      [new Date(t0.getTime() + days(2)).toISOString(), 'exited', 'Past due', 'Stripe event evt_recovered'],
      [new Date(t0.getTime() + days(1)).toISOString(), 'entered', 'Past due', 'Stripe event evt_failed'],
      [t0.toISOString(), 'entered', 'Paying', 'Segment created'],
      [new Date(t0.getTime() - 3_600_000).toISOString(), 'entered', null, 'Segment created'],
    ])
    expect(detail.segmentHistory[1]?.cause).toBe('stripe:evt_recovered')

    // Another workspace cannot open the contact, so not its history either.
    const other = await createTestWorkspace(db, 'Elsewhere')
    await expect(getContact(db, { workspaceId: other.id, contactId: id, now: t0 })).rejects.toThrow('does not exist in this workspace')
  })
})
