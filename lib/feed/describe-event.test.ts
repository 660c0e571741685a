import { describe, expect, test } from 'vitest'
import { describeStripeEvent, type FeedItem } from './describe-event'

// The sentence a person reads on a contact's feed (F15) for each Stripe event type we describe.
const MAR_3 = Date.UTC(2026, 2, 3) / 1000

describe('describeStripeEvent: event type + object → feed items', () => {
  test.each<[string, string, Record<string, unknown>, FeedItem[]]>([
    ['failed payment with a decline code', 'charge.failed', { amount: 4900, currency: 'usd', failure_code: 'card_declined' }, [{ type: 'charge.failed', summary: 'Payment of $49.00 failed — card declined', amount: 4900, currency: 'usd' }]],
    ['zero-decimal currency: ¥1,000 is 1000 minor units', 'charge.succeeded', { amount: 1000, currency: 'jpy' }, [{ type: 'charge.succeeded', summary: 'Payment of ¥1,000 succeeded', amount: 1000, currency: 'jpy' }]],
    ['full refund', 'charge.refunded', { amount: 4900, amount_refunded: 4900, currency: 'usd' }, [{ type: 'charge.refunded', summary: 'Refunded $49.00', amount: 4900, currency: 'usd' }]],
    ['partial refund of $10.00 of $49.00', 'charge.refunded', { amount: 4900, amount_refunded: 1000, currency: 'usd' }, [{ type: 'charge.refunded', summary: 'Partially refunded $10.00', amount: 1000, currency: 'usd' }]],
    ['upcoming invoice (no id) with its date', 'invoice.upcoming', { amount_due: 9800, currency: 'usd', next_payment_attempt: MAR_3 }, [{ type: 'invoice.upcoming', summary: 'Upcoming invoice of $98.00 on Mar 3, 2026', amount: 9800, currency: 'usd' }]],
    ['invoice payment failed, third attempt', 'invoice.payment_failed', { amount_due: 4900, currency: 'eur', attempt_count: 3 }, [{ type: 'invoice.payment_failed', summary: 'Payment of €49.00 failed (attempt 3)', amount: 4900, currency: 'eur' }]],
    ['checkout completed', 'checkout.session.completed', { amount_total: 2500, currency: 'usd' }, [{ type: 'checkout.completed', summary: 'Checkout completed — $25.00', amount: 2500, currency: 'usd' }]],
    ['trial will end', 'customer.subscription.trial_will_end', { trial_end: MAR_3 }, [{ type: 'trial.will_end', summary: 'Trial ends on Mar 3, 2026', amount: null, currency: null }]],
    ['customer deleted says the contact and history are kept', 'customer.deleted', {}, [{ type: 'customer.deleted', summary: 'Stripe customer deleted — unlinked from this contact; its Stripe fields (status, plan, MRR) are cleared, its history is kept', amount: null, currency: null }]],
    ['an event we do not describe', 'invoice.finalized', { amount_due: 100, currency: 'usd' }, []],
  ])('%s', (_name, type, object, expected) => {
    expect(describeStripeEvent(type, object)).toEqual(expected)
  })
})
