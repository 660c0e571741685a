import { describe, expect, test } from 'vitest'
import { compareSubscriptionPriority, pickPrimarySubscription, subscriptionStatusPriority } from './primary-subscription'
import { buildSubscription, unix } from './test-fixtures'

const OLD = unix('2024-01-01T00:00:00Z')
const NEW = unix('2025-06-01T00:00:00Z')

// Every ordered pair of statuses: the better one wins even when it is the older subscription.
const pairs = subscriptionStatusPriority.flatMap((better, i) =>
  subscriptionStatusPriority.slice(i + 1).map((worse) => ({ name: `${better} (older) beats ${worse} (newer)`, better, worse })),
)

describe('pickPrimarySubscription (SPEC F8)', () => {
  test('28 status pairs are covered', () => {
    expect(pairs).toHaveLength(28)
  })

  test.each(pairs)('$name', ({ better, worse }) => {
    const a = buildSubscription({ id: 'sub_better', status: better, created: OLD })
    const b = buildSubscription({ id: 'sub_worse', status: worse, created: NEW })
    expect(pickPrimarySubscription([a, b])?.id).toBe('sub_better')
    expect(pickPrimarySubscription([b, a])?.id).toBe('sub_better')
  })

  test.each(subscriptionStatusPriority.map((status) => ({ status })))('newest wins within $status', ({ status }) => {
    const older = buildSubscription({ id: 'sub_older', status, created: OLD })
    const newer = buildSubscription({ id: 'sub_newer', status, created: NEW })
    expect(pickPrimarySubscription([older, newer])?.id).toBe('sub_newer')
    expect(pickPrimarySubscription([newer, older])?.id).toBe('sub_newer')
  })

  test('same status and same second: the smaller id, whatever the input order', () => {
    const a = buildSubscription({ id: 'sub_A1', created: NEW })
    const b = buildSubscription({ id: 'sub_B2', created: NEW })
    expect(pickPrimarySubscription([a, b])?.id).toBe('sub_A1')
    expect(pickPrimarySubscription([b, a])?.id).toBe('sub_A1')
  })

  test('a status Stripe adds later ranks after incomplete_expired', () => {
    const known = buildSubscription({ id: 'sub_known', status: 'incomplete_expired', created: OLD })
    const unknown = buildSubscription({ id: 'sub_future', status: 'some_new_status', created: NEW })
    expect(pickPrimarySubscription([unknown, known])?.id).toBe('sub_known')
  })

  test('no subscriptions → null; one → that one', () => {
    expect(pickPrimarySubscription([])).toBeNull()
    expect(pickPrimarySubscription([buildSubscription({ id: 'sub_only', status: 'canceled' })])?.id).toBe('sub_only')
  })

  test('sorting with the comparator puts "the" subscription first', () => {
    const subs = [
      buildSubscription({ id: 'sub_c', status: 'canceled', created: NEW }),
      buildSubscription({ id: 'sub_t', status: 'trialing', created: NEW }),
      buildSubscription({ id: 'sub_a_old', status: 'active', created: OLD }),
      buildSubscription({ id: 'sub_a_new', status: 'active', created: NEW }),
    ]
    expect([...subs].sort(compareSubscriptionPriority).map((s) => s.id)).toEqual(['sub_a_new', 'sub_a_old', 'sub_t', 'sub_c'])
  })
})
