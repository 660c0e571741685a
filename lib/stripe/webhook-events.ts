// The Stripe event types Churnless handles, and so subscribes its webhook endpoint to (F3).
// Anything else that arrives is stored and acknowledged as ignored (F13).
export const handledStripeEvents = [
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'invoice.created',
  'invoice.finalized',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.upcoming',
  'charge.succeeded',
  'charge.failed',
  'charge.refunded',
  'checkout.session.completed',
  'price.created',
  'price.updated',
  'product.created',
  'product.updated',
  'payment_method.attached',
  'payment_method.updated',
] as const

export type HandledStripeEvent = (typeof handledStripeEvents)[number]

/** Metadata marking an endpoint as ours, so disconnect and repair never touch anyone else's. */
export const churnlessEndpointMetadata = (connectionId: string) => ({ managed_by: 'churnless', churnless_connection_id: connectionId })
