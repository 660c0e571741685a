import { formatMoney } from '../../feed/money'

// Lifecycle billing events (F15) come from a subscription's state transition — the row we held
// before the event and the state after it — never from an event's label or its irregular
// `previous_attributes` (stripe-shapes traps 1 and 5). Pure: data in, events out.

export type SubscriptionState = {
  id: string
  status: string
  cancelAtPeriodEnd: boolean
  /** Unix seconds of a scheduled cancellation (`cancel_at`), if any. */
  cancelAt: number | null
  trialEnd: number | null
  /** MRR of this subscription in minor units of `currency` (computed with lib/sync/mrr). */
  mrr: number
  currency: string
}

export const lifecycleEventTypes = [
  'trial.started',
  'trial.ended',
  'trial.converted',
  'trial.expired',
  'subscription.past_due',
  'subscription.reactivated',
  'subscription.scheduled_to_cancel',
  'subscription.expanded',
  'subscription.contracted',
] as const
export type LifecycleEventType = (typeof lifecycleEventTypes)[number]

export type LifecycleEvent = { type: LifecycleEventType; summary: string; amount: number | null; currency: string | null }

const PAYING = new Set(['active', 'past_due'])
/** A trial that ends into any of these never became a paying subscription. */
const TRIAL_LOST = new Set(['canceled', 'incomplete_expired', 'paused', 'unpaid', 'incomplete'])
/** Statuses from which a return to `active` is a reactivation. */
const LAPSED = new Set(['past_due', 'unpaid', 'paused', 'canceled', 'incomplete'])

export function deriveLifecycleEvents(previous: SubscriptionState | null, next: SubscriptionState): LifecycleEvent[] {
  const out: LifecycleEvent[] = []
  const add = (type: LifecycleEventType, summary: string, amount: number | null = null) => out.push({ type, summary, amount, currency: amount === null ? null : next.currency })
  const was = previous?.status ?? null
  const is = next.status

  if (is === 'trialing' && was !== 'trialing') add('trial.started', next.trialEnd ? `Trial started, ends ${formatDate(next.trialEnd)}` : 'Trial started')
  if (was === 'trialing' && is !== 'trialing') {
    add('trial.ended', 'Trial ended')
    if (is === 'active') add('trial.converted', next.mrr > 0 ? `Trial converted to a paid plan — ${formatMoney(next.mrr, next.currency)}/month` : 'Trial converted to a paid plan', next.mrr || null)
    else if (TRIAL_LOST.has(is)) add('trial.expired', `Trial expired without payment (now ${is.replace('_', ' ')})`)
  }
  if (is === 'past_due' && was !== 'past_due' && was !== null) add('subscription.past_due', 'Subscription is past due — the last payment failed')
  if (is === 'active' && was !== null && LAPSED.has(was)) add('subscription.reactivated', `Subscription active again (was ${was.replace('_', ' ')})`)

  const wasScheduled = Boolean(previous && (previous.cancelAtPeriodEnd || previous.cancelAt))
  const isScheduled = next.cancelAtPeriodEnd || next.cancelAt !== null
  if (previous && !wasScheduled && isScheduled && is !== 'canceled') add('subscription.scheduled_to_cancel', next.cancelAt ? `Scheduled to cancel on ${formatDate(next.cancelAt)}` : 'Scheduled to cancel at the end of the period')

  // MRR moves only count between two paying states in one currency: a trial converting or a
  // payment failing is its own event, not an expansion.
  if (previous && was !== null && PAYING.has(was) && PAYING.has(is) && previous.currency === next.currency && previous.mrr !== next.mrr) {
    const delta = next.mrr - previous.mrr
    const range = `${formatMoney(previous.mrr, next.currency)} → ${formatMoney(next.mrr, next.currency)}/month`
    if (delta > 0) add('subscription.expanded', `Plan expanded: ${range}`, delta)
    else add('subscription.contracted', `Plan contracted: ${range}`, delta)
  }
  return out
}

function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
}
