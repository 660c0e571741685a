import type { EventHandler } from './types'
import { retrieveOrNull } from './types'

// customer.created / updated / deleted. Identity (new customer → matched contact, email change
// → same contact, deletion → unlinked, history kept) is recomputeContacts' job (F9).
export const customerEvents: EventHandler = {
  types: ['customer.created', 'customer.updated', 'customer.deleted'],
  mirror: 'customer',
  isDeletion: (type) => type === 'customer.deleted',
  customerIdsOf: (object) => [object.id],
  // A deleted customer is still retrievable as `{ id, deleted: true }`.
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.customers.retrieve(id)),
}
