import { formatMoney } from './money'

// The billing events a Stripe event puts on a contact's feed directly (F15), as a sentence a
// person reads ("Payment of $49.00 failed — card declined"). Lifecycle events (trial converted,
// past due, …) are derived from state transitions in lib/sync/apply-event/derive-lifecycle.ts.
// Pure: the event type and the object in, feed items out.

export type FeedItem = { type: string; summary: string; amount: number | null; currency: string | null }

/** Feed labels, shared by the feed UI and its type filter. */
export const feedTypeLabels: Record<string, string> = {
  'customer.created': 'Became a customer',
  'customer.updated': 'Customer updated',
  'customer.deleted': 'Customer deleted',
  'subscription.created': 'Subscription created',
  'subscription.updated': 'Subscription updated',
  'subscription.canceled': 'Subscription canceled',
  'subscription.paused': 'Subscription paused',
  'subscription.resumed': 'Subscription resumed',
  'subscription.past_due': 'Past due',
  'subscription.reactivated': 'Reactivated',
  'subscription.scheduled_to_cancel': 'Scheduled to cancel',
  'subscription.expanded': 'Expanded',
  'subscription.contracted': 'Contracted',
  'trial.started': 'Trial started',
  'trial.ended': 'Trial ended',
  'trial.will_end': 'Trial ending soon',
  'trial.converted': 'Trial converted',
  'trial.expired': 'Trial expired',
  'charge.succeeded': 'Payment succeeded',
  'charge.failed': 'Payment failed',
  'charge.refunded': 'Refund',
  'invoice.created': 'Invoice created',
  'invoice.paid': 'Invoice paid',
  'invoice.payment_failed': 'Invoice payment failed',
  'invoice.upcoming': 'Upcoming invoice',
  'checkout.completed': 'Checkout completed',
}

type Obj = Record<string, unknown>
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)

export function describeStripeEvent(type: string, object: Obj): FeedItem[] {
  const currency = str(object.currency)
  const money = (amount: number | null) => (amount !== null && currency ? formatMoney(amount, currency) : null)
  const item = (t: string, summary: string, amount: number | null = null): FeedItem[] => [{ type: t, summary, amount, currency: amount === null ? null : currency }]
  switch (type) {
    case 'customer.created':
      return item('customer.created', 'Became a Stripe customer')
    case 'customer.updated':
      return item('customer.updated', 'Customer details updated in Stripe')
    case 'customer.deleted':
      return item('customer.deleted', 'Stripe customer deleted — unlinked from this contact; its Stripe fields (status, plan, MRR) are cleared, its history is kept')
    case 'customer.subscription.created': {
      const plan = planName(object)
      return item('subscription.created', `Subscribed${plan ? ` to ${plan}` : ''} (${String(object.status ?? 'unknown').replace('_', ' ')})`)
    }
    case 'customer.subscription.updated':
      return item('subscription.updated', `Subscription updated (${String(object.status ?? 'unknown').replace('_', ' ')})`)
    case 'customer.subscription.deleted':
      return item('subscription.canceled', 'Subscription canceled')
    case 'customer.subscription.paused':
      return item('subscription.paused', 'Subscription paused')
    case 'customer.subscription.resumed':
      return item('subscription.resumed', 'Subscription resumed')
    case 'customer.subscription.trial_will_end': {
      const end = num(object.trial_end)
      return item('trial.will_end', end ? `Trial ends on ${formatDate(end)}` : 'Trial ends soon')
    }
    case 'charge.succeeded': {
      const amount = num(object.amount)
      return item('charge.succeeded', `Payment of ${money(amount) ?? 'an amount'} succeeded`, amount)
    }
    case 'charge.failed': {
      const amount = num(object.amount)
      const why = failureReason(object)
      return item('charge.failed', `Payment of ${money(amount) ?? 'an amount'} failed${why ? ` — ${why}` : ''}`, amount)
    }
    case 'charge.refunded': {
      const amount = num(object.amount_refunded)
      const full = amount !== null && amount === num(object.amount)
      return item('charge.refunded', `${full ? 'Refunded' : 'Partially refunded'} ${money(amount) ?? 'a payment'}`, amount)
    }
    case 'invoice.created': {
      const amount = num(object.amount_due)
      return item('invoice.created', `Invoice for ${money(amount) ?? 'an amount'} created`, amount)
    }
    case 'invoice.paid': {
      const amount = num(object.amount_paid)
      return item('invoice.paid', `Invoice of ${money(amount) ?? 'an amount'} paid`, amount)
    }
    case 'invoice.payment_failed': {
      const amount = num(object.amount_due)
      const attempt = num(object.attempt_count)
      return item('invoice.payment_failed', `Payment of ${money(amount) ?? 'an invoice'} failed${attempt && attempt > 1 ? ` (attempt ${attempt})` : ''}`, amount)
    }
    case 'invoice.upcoming': {
      const amount = num(object.amount_due)
      const at = num(object.next_payment_attempt) ?? num(object.period_end)
      return item('invoice.upcoming', `Upcoming invoice of ${money(amount) ?? 'an amount'}${at ? ` on ${formatDate(at)}` : ''}`, amount)
    }
    case 'checkout.session.completed': {
      const amount = num(object.amount_total)
      return item('checkout.completed', `Checkout completed${money(amount) ? ` — ${money(amount)}` : ''}`, amount)
    }
    default:
      return []
  }
}

const failureText: Record<string, string> = {
  card_declined: 'card declined',
  insufficient_funds: 'insufficient funds',
  expired_card: 'card expired',
  incorrect_cvc: 'incorrect CVC',
  processing_error: 'processing error at the bank',
  lost_card: 'card reported lost',
  stolen_card: 'card reported stolen',
}

function failureReason(charge: Obj): string | null {
  const code = str(charge.failure_code)
  if (code) return failureText[code] ?? code.replaceAll('_', ' ')
  return str(charge.failure_message)
}

function planName(subscription: Obj): string | null {
  const items = (subscription.items as { data?: { price?: { nickname?: unknown } }[] } | undefined)?.data ?? []
  const first = items[0]?.price?.nickname
  return typeof first === 'string' && first ? first : null
}

function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
}
