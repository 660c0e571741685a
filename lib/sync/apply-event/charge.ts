import type { EventHandler } from './types'
import { customerOf, retrieveOrNull } from './types'

// charge.*: payments drive last payment, last failed payment and total spend.
export const chargeEvents: EventHandler = {
  types: ['charge.succeeded', 'charge.failed', 'charge.refunded', 'charge.captured', 'charge.updated', 'charge.pending', 'charge.expired'],
  mirror: 'charge',
  customerIdsOf: customerOf,
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.charges.retrieve(id)),
}
