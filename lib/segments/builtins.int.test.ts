import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { builtinDefinitions, builtinKeys } from './builtins'
import { recomputeSegment } from './membership'
import { previewRule } from './preview'
import { ensureBuiltinSegments, listSegments } from './segments-service'
import { createTestWorkspace, days, insertContacts, memberNames } from './test-support'

// Each F18 built-in on a hand-built set of contacts, with its expected members by name.
const now = new Date('2026-03-01T12:00:00.000Z')
const ago = (n: number) => new Date(now.getTime() - days(n))

// Each fixture is a contact the sync can produce: `status`/`trialEnd`/`lastPaymentAt` are "the"
// subscription's and the representative customer's; `statuses`, `earliestTrialEnd` and `hasPaid`
// span every subscription and customer (defaults: one subscription, one customer).
const fixtures = [
  { name: 'Alice', status: 'trialing', lastActivityAt: ago(1), trialEnd: ago(-5), stripeCreatedAt: ago(10) },
  { name: 'Bob', status: 'trialing', lastActivityAt: ago(3), trialEnd: ago(-5), stripeCreatedAt: ago(40) },
  { name: 'Carol', status: 'trialing', lastActivityAt: null, trialEnd: ago(-1), stripeCreatedAt: ago(40) },
  { name: 'Dan', status: 'active', activeCount: 1, lastActivityAt: ago(1), lastPaymentAt: ago(5), stripeCreatedAt: ago(400), mrr: 4900 },
  { name: 'Erin', status: 'past_due', activeCount: 0, lastActivityAt: ago(20), lastPaymentAt: ago(35), stripeCreatedAt: ago(400), mrr: 12000 },
  { name: 'Frank', status: 'active', activeCount: 2, lastActivityAt: null, lastPaymentAt: ago(3), stripeCreatedAt: ago(90), mrr: 9900 },
  { name: 'Gina', status: 'canceled', trialEnd: ago(10), stripeCreatedAt: ago(24) },
  { name: 'Hank', status: 'canceled', trialEnd: ago(10), lastPaymentAt: ago(9), totalSpend: 4900, stripeCreatedAt: ago(60) },
  { name: 'Ivy', status: 'unpaid', lastPaymentAt: ago(70), stripeCreatedAt: ago(200) },
  { name: 'Jack', linked: false, status: null, lastActivityAt: ago(1) },
  { name: 'Kim', status: 'incomplete_expired', stripeCreatedAt: ago(50) },
  // The trial ended without a payment method and Stripe paused the subscription: an expired trial, not churned.
  { name: 'Leo', status: 'paused', trialEnd: ago(5), stripeCreatedAt: ago(45) },
  // "The" subscription is a new incomplete one; an older one was canceled: churned (none active/trialing/past_due).
  { name: 'Mia', status: 'incomplete', statuses: ['incomplete', 'canceled'], stripeCreatedAt: ago(20) },
  // Pays on an active subscription; an older trial ended on a canceled one: neither expired trial nor churned.
  { name: 'Ned', status: 'active', statuses: ['active', 'canceled'], earliestTrialEnd: ago(100), lastActivityAt: ago(2), lastPaymentAt: ago(4), stripeCreatedAt: ago(300) },
  // Trial ended on a canceled subscription; a second Stripe customer of the same contact paid once: not "never paid".
  { name: 'Olga', status: 'canceled', trialEnd: ago(30), hasPaid: true, stripeCreatedAt: ago(100) },
  // "The" subscription never had a trial; another (canceled) one's trial ended 20 days ago, nothing was paid.
  { name: 'Pam', status: 'canceled', trialEnd: null, earliestTrialEnd: ago(20), stripeCreatedAt: ago(60) },
  // Pays for one product and trials another: in "Current trials" too.
  { name: 'Quinn', status: 'active', statuses: ['active', 'trialing'], lastActivityAt: ago(5), lastPaymentAt: ago(6), stripeCreatedAt: ago(200) },
]

const expected: Record<(typeof builtinKeys)[number], string[]> = {
  syncing_with_stripe: ['Alice', 'Bob', 'Carol', 'Dan', 'Erin', 'Frank', 'Gina', 'Hank', 'Ivy', 'Kim', 'Leo', 'Mia', 'Ned', 'Olga', 'Pam', 'Quinn'],
  current_trials: ['Alice', 'Bob', 'Carol', 'Quinn'],
  slipping_trials: ['Bob', 'Carol', 'Quinn'],
  expired_trials: ['Gina', 'Leo', 'Pam'],
  customers: ['Dan', 'Erin', 'Frank', 'Ned', 'Quinn'],
  slipping_customers: ['Erin', 'Frank'],
  churned_customers: ['Gina', 'Hank', 'Ivy', 'Kim', 'Mia', 'Olga', 'Pam'],
  past_due: ['Erin'],
  active_subscribers: ['Dan', 'Frank', 'Ned', 'Quinn'],
  new_stripe_customers: ['Alice', 'Gina', 'Mia'],
}

describe('built-in segments (F18)', () => {
  test('are created once per workspace, even when asked again (reconnect)', async () => {
    const ws = await createTestWorkspace(db)
    const first = await ensureBuiltinSegments({ db, workspaceId: ws.id })
    const again = await ensureBuiltinSegments({ db, workspaceId: ws.id })
    expect(first.created).toHaveLength(10)
    expect(again.created).toEqual([])
    const list = await listSegments(db, ws.id)
    expect(list.map((s) => s.name)).toEqual(builtinDefinitions().map((d) => d.name))
    expect(list.every((s) => s.builtinKey)).toBe(true)
  })

  test.each(builtinKeys.map((k) => [k]))('%s has exactly the expected members', async (key) => {
    const ws = await createTestWorkspace(db)
    // A second workspace with the same contacts proves nothing leaks across workspaces.
    const other = await createTestWorkspace(db)
    await insertContacts(db, ws.id, fixtures)
    await insertContacts(db, other.id, fixtures)
    await ensureBuiltinSegments({ db, workspaceId: ws.id })
    const segment = await db.segment.findFirstOrThrow({ where: { workspaceId: ws.id, builtinKey: key } })
    await recomputeSegment({ db, segmentId: segment.id, now, cause: 'test', chunkSize: 5 })
    expect(await memberNames(db, segment.id)).toEqual(expected[key])
    const after = await db.segment.findUniqueOrThrow({ where: { id: segment.id } })
    expect(after.memberCount).toBe(expected[key].length)
    expect(after.recomputeProgress).toBeNull()
    const preview = await previewRule({ db, workspaceId: ws.id, rule: segment.rule, now })
    expect(preview).toMatchObject({ ok: true, count: expected[key].length })
  })
})
