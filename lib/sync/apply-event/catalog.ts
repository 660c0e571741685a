import type { EventHandler } from './types'
import { retrieveOrNull } from './types'

// price.* / plan.* / product.*: the catalog behind plan names and tiered MRR. Touches no contact
// directly (the next event of each subscription recomputes with the new catalog).
export const priceEvents: EventHandler = {
  types: ['price.created', 'price.updated', 'price.deleted', 'plan.created', 'plan.updated', 'plan.deleted'],
  mirror: 'price',
  isDeletion: (type) => type.endsWith('.deleted'),
  customerIdsOf: () => [],
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.prices.retrieve(id, { expand: ['tiers'] })),
}

export const productEvents: EventHandler = {
  types: ['product.created', 'product.updated', 'product.deleted'],
  mirror: 'product',
  isDeletion: (type) => type === 'product.deleted',
  customerIdsOf: () => [],
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.products.retrieve(id)),
}
