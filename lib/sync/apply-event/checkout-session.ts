import type { EventHandler } from './types'
import { customerOf, retrieveOrNull } from './types'

export const checkoutSessionEvents: EventHandler = {
  types: ['checkout.session.completed', 'checkout.session.expired', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed'],
  mirror: 'checkout_session',
  customerIdsOf: customerOf,
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.checkout.sessions.retrieve(id)),
}
