import type { EventHandler } from './types'
import { customerOf } from './types'

// payment_method.attached / updated: not mirrored (card fields come from the customer's default
// payment method on the next customer or subscription event); the contact is recomputed.
export const paymentMethodEvents: EventHandler = {
  types: ['payment_method.attached', 'payment_method.updated', 'payment_method.detached', 'payment_method.automatically_updated'],
  mirror: null,
  customerIdsOf: customerOf,
}
