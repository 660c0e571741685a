import type Stripe from 'stripe'
import { completeSubscriptionItems } from './subscription-items'
import type { CustomerBundle } from '../sync/customer-bundle'

/**
 * One customer's bundle read straight from Stripe: a handful of calls, for the mapping preview
 * and for re-fetching the truth of a single customer. The backfill never uses this: it reads
 * account-wide lists instead of calling per customer.
 */
export async function fetchCustomerBundle(stripe: Stripe, customerId: string): Promise<CustomerBundle | null> {
  const customer = await stripe.customers.retrieve(customerId)
  if (customer.deleted) return null
  const [subscriptions, charges] = await Promise.all([
    stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 100 }),
    stripe.charges.list({ customer: customerId, limit: 100 }),
  ])
  for (const subscription of subscriptions.data) await completeSubscriptionItems(stripe, subscription)
  const productIds = new Set(subscriptions.data.flatMap((s) => s.items.data.map((i) => (typeof i.price.product === 'string' ? i.price.product : i.price.product.id))))
  // Product names need the recommended Products permission; without it they stay empty.
  const products = await Promise.all([...productIds].map((id) => stripe.products.retrieve(id).then((p) => ({ id: p.id, name: p.name }), () => null)))
  // Stripe sends `tiers` only when asked, and an item's price is too deep to expand them from a
  // subscriptions list (4 levels at most): the tiered ones are read once each.
  const tieredPriceIds = new Set(subscriptions.data.flatMap((s) => s.items.data.filter((i) => i.price.billing_scheme === 'tiered' && !i.price.tiers).map((i) => i.price.id)))
  const prices = await Promise.all([...tieredPriceIds].map((id) => stripe.prices.retrieve(id, { expand: ['tiers'] })))
  // Card fields come from the default payment method "when readable": F2 does not ask for the
  // payment-methods permission, so a 403 here just leaves them empty.
  const defaultPmId = customer.invoice_settings?.default_payment_method
  const defaultPm = typeof defaultPmId === 'string' ? await stripe.paymentMethods.retrieve(defaultPmId).catch(() => null) : defaultPmId
  return {
    customer,
    subscriptions: subscriptions.data,
    charges: charges.data,
    products: Object.fromEntries(products.flatMap((p) => (p ? [[p.id, p]] : []))),
    prices: Object.fromEntries(prices.map((p) => [p.id, p])),
    paymentMethods: defaultPm ? [defaultPm] : [],
  }
}
