import type { EventHandler } from './types'
import { customerOf, retrieveOrNull } from './types'

// customer.subscription.*: `deleted` means canceled — Stripe still returns the object with
// status `canceled`, and churn segments need it — so it is applied as an update, not a deletion.
export const subscriptionEvents: EventHandler = {
  types: [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.trial_will_end',
    'customer.subscription.paused',
    'customer.subscription.resumed',
  ],
  mirror: 'subscription',
  customerIdsOf: customerOf,
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.subscriptions.retrieve(id)),
}
