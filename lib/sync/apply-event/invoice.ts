import type { EventHandler } from './types'
import { customerOf, retrieveOrNull } from './types'

// invoice.*: `invoice.upcoming` has no id (stripe-shapes trap 3): it is not mirrored, only put on
// the feed. `invoice.deleted` (drafts) is a deletion.
export const invoiceEvents: EventHandler = {
  types: ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'invoice.payment_succeeded', 'invoice.updated', 'invoice.voided', 'invoice.deleted', 'invoice.upcoming'],
  mirror: 'invoice',
  isDeletion: (type) => type === 'invoice.deleted',
  customerIdsOf: customerOf,
  retrieve: (stripe, id) => retrieveOrNull(() => stripe.invoices.retrieve(id)),
}
