import type Stripe from 'stripe'

// SPEC F2: what Churnless asks of a restricted key, and a harmless probe for each permission.
// Read permissions are probed with `limit=1` lists. Write permissions are probed with a request
// Stripe rejects for its parameters: Stripe checks the key's permission before validating the
// body, so a 400 proves the permission without creating anything, while a 403 names what is missing.

export type PermissionLevel = 'required' | 'recommended' | 'optional'

export type PermissionSpec = {
  id: string
  resource: string
  access: 'read' | 'write'
  level: PermissionLevel
  /** Stripe's name for it in restricted-key errors (Prices still use the legacy `plan` name). */
  stripeName: string
  /** What Churnless loses without it (recommended and optional ones). */
  without?: string
  probe: (stripe: Stripe) => Promise<unknown>
}

export const permissionSpecs: PermissionSpec[] = [
  { id: 'charges_read', resource: 'Charges', access: 'read', level: 'required', stripeName: 'rak_charge_read', probe: (s) => s.charges.list({ limit: 1 }) },
  { id: 'customers_read', resource: 'Customers', access: 'read', level: 'required', stripeName: 'rak_customer_read', probe: (s) => s.customers.list({ limit: 1 }) },
  { id: 'events_read', resource: 'Events', access: 'read', level: 'required', stripeName: 'rak_event_read', probe: (s) => s.events.list({ limit: 1 }) },
  { id: 'checkout_sessions_read', resource: 'Checkout Sessions', access: 'read', level: 'required', stripeName: 'rak_checkout_session_read', probe: (s) => s.checkout.sessions.list({ limit: 1 }) },
  { id: 'invoices_read', resource: 'Invoices', access: 'read', level: 'required', stripeName: 'rak_invoice_read', probe: (s) => s.invoices.list({ limit: 1 }) },
  { id: 'prices_read', resource: 'Prices', access: 'read', level: 'required', stripeName: 'rak_plan_read', probe: (s) => s.prices.list({ limit: 1 }) },
  { id: 'subscriptions_read', resource: 'Subscriptions', access: 'read', level: 'required', stripeName: 'rak_subscription_read', probe: (s) => s.subscriptions.list({ limit: 1 }) },
  {
    id: 'webhook_endpoints_write',
    resource: 'Webhook Endpoints',
    access: 'write',
    level: 'required',
    stripeName: 'rak_webhook_write',
    // An endpoint with no URL is invalid: permitted keys get a 400, nothing is created.
    probe: (s) => s.webhookEndpoints.create({ enabled_events: ['customer.created'] } as unknown as Stripe.WebhookEndpointCreateParams),
  },
  {
    id: 'products_read',
    resource: 'Products',
    access: 'read',
    level: 'recommended',
    stripeName: 'rak_product_read',
    without: 'Product names stay empty on contacts and in segments (product ids are still imported).',
    probe: (s) => s.products.list({ limit: 1 }),
  },
  {
    // Not in SPEC F2's list, so optional: expanding a discount (and its coupon) is what tells
    // MRR how much a subscription's coupon takes off (SPEC F10, "forever discounts subtracted").
    id: 'coupons_read',
    resource: 'Coupons',
    access: 'read',
    level: 'optional',
    stripeName: 'rak_coupon_read',
    without: 'Discounts cannot be subtracted from MRR: MRR is shown before discounts, and the contact page says which discount was not counted.',
    probe: (s) => s.coupons.list({ limit: 1 }),
  },
  {
    id: 'checkout_sessions_write',
    resource: 'Checkout Sessions',
    access: 'write',
    level: 'optional',
    stripeName: 'rak_checkout_session_write',
    without: 'You cannot send subscription offers (Stripe Checkout links) from a contact.',
    // A session without line items or mode is invalid: a 400 proves the permission.
    probe: (s) => s.checkout.sessions.create({} as Stripe.Checkout.SessionCreateParams),
  },
]

/** The last permission check stored on a connection (`stripe_connections.permissions`). */
export function isPermissionGranted(stored: unknown, id: string): boolean {
  return Array.isArray(stored) && stored.some((p) => p && typeof p === 'object' && (p as { id?: unknown }).id === id && (p as { status?: unknown }).status === 'granted')
}

/** Whether this connection's key may expand discounts and their coupons (the optional Coupons read). */
export const canReadCoupons = (connection: { permissions: unknown }): boolean => isPermissionGranted(connection.permissions, 'coupons_read')
