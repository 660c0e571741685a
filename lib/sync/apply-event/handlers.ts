import { handledStripeEvents } from '../../stripe/webhook-events'
import { priceEvents, productEvents } from './catalog'
import { chargeEvents } from './charge'
import { checkoutSessionEvents } from './checkout-session'
import { customerEvents } from './customer'
import { invoiceEvents } from './invoice'
import { paymentMethodEvents } from './payment-method'
import { subscriptionEvents } from './subscription'
import type { EventHandler } from './types'

const all: EventHandler[] = [customerEvents, subscriptionEvents, invoiceEvents, chargeEvents, checkoutSessionEvents, priceEvents, productEvents, paymentMethodEvents]
const byType = new Map(all.flatMap((h) => h.types.map((t) => [t, h] as const)))

/** The handler of a Stripe event type; undefined for types we store as ignored. */
export function handlerFor(type: string): EventHandler | undefined {
  return byType.get(type)
}

/** Types the endpoint processes: those we subscribe to (and any family sibling that arrives). */
export function isHandledType(type: string): boolean {
  return byType.has(type) || (handledStripeEvents as readonly string[]).includes(type)
}

/** The customer an event is about, for the processing concurrency key ('-' when none). */
export function customerKeyOf(type: string, object: unknown): string {
  const handler = handlerFor(type)
  if (!handler || !object || typeof object !== 'object' || typeof (object as { id?: unknown }).id !== 'string') return '-'
  return handler.customerIdsOf(object as { id: string })[0] ?? '-'
}
