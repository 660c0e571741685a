// The catalog of every Stripe field Churnless maps to a contact attribute (SPEC F7). Keys are
// stable identifiers stored in mappings: never rename one, add a new key and retire the old one
// through `parseStoredMapping`. Targets are only defaults; the admin may rename them.

export const attributeTypes = ['string', 'number', 'boolean', 'date', 'money'] as const
/**
 * string · number · boolean · date (ISO 8601 string, UTC) · money (integer in the currency's
 * minor unit, e.g. cents; the currency is the contact's `stripe_currency` or the field's own
 * currency companion).
 */
export type AttributeType = (typeof attributeTypes)[number]

export const fieldGroups = ['customer', 'address', 'subscription', 'product', 'price', 'card', 'payment'] as const
export type FieldGroup = (typeof fieldGroups)[number]

/** How each group is titled wherever fields are listed (mapping, contact page). */
export const fieldGroupLabels: Record<FieldGroup, string> = {
  customer: 'Customer',
  address: 'Billing address',
  subscription: 'Subscription',
  product: 'Product',
  price: 'Plan / price',
  card: 'Card',
  payment: 'Payments',
}

export interface FieldDefinition {
  key: string
  target: string
  type: AttributeType
  group: FieldGroup
  label: string
  description: string
}

const PRIMARY = 'Taken from "the" subscription (see the rule beside the fields).'

export const fieldCatalog = [
  // Customer
  { key: 'customer.email', target: 'stripe_email', type: 'string', group: 'customer', label: 'Email', description: 'The Stripe customer’s email as Stripe holds it (contacts are matched on it case-insensitively).' },
  { key: 'customer.name', target: 'stripe_name', type: 'string', group: 'customer', label: 'Name', description: 'The Stripe customer’s full name.' },
  { key: 'customer.phone', target: 'stripe_phone', type: 'string', group: 'customer', label: 'Phone', description: 'The Stripe customer’s phone number.' },
  { key: 'customer.description', target: 'stripe_description', type: 'string', group: 'customer', label: 'Description', description: 'The free-text description on the Stripe customer.' },
  { key: 'customer.id', target: 'stripe_customer_id', type: 'string', group: 'customer', label: 'Stripe customer ID', description: 'The Stripe customer id (cus_…).' },
  { key: 'customer.created', target: 'stripe_customer_created_at', type: 'date', group: 'customer', label: 'Customer created', description: 'When the customer was created in Stripe.' },
  { key: 'customer.balance', target: 'stripe_balance', type: 'money', group: 'customer', label: 'Balance', description: 'Customer credit balance in minor units; negative is credit Stripe applies to the next invoice, positive is owed.' },
  { key: 'customer.currency', target: 'stripe_currency', type: 'string', group: 'customer', label: 'Currency', description: 'The customer’s billing currency (lowercase ISO code); when Stripe has none yet, the currency of "the" subscription, else of the latest successful payment. MRR and total spend are in this currency.' },
  { key: 'customer.delinquent', target: 'stripe_delinquent', type: 'boolean', group: 'customer', label: 'Delinquent', description: 'Stripe’s flag that the latest invoice charge failed or an invoice is past due.' },
  { key: 'customer.livemode', target: 'stripe_livemode', type: 'boolean', group: 'customer', label: 'Live mode', description: 'True for live-mode customers, false for test mode.' },
  { key: 'customer.mrr', target: 'stripe_mrr', type: 'money', group: 'customer', label: 'MRR', description: 'Monthly recurring revenue in minor units of the customer’s currency, summed over active and past-due subscriptions (see the per-item breakdown on the contact).' },
  { key: 'customer.total_spend', target: 'stripe_total_spend', type: 'money', group: 'customer', label: 'Total spend', description: 'Sum of successful, captured payments minus refunds, in minor units of the customer’s currency; payments in other currencies are not converted and not counted.' },
  { key: 'customer.last_synced_at', target: 'stripe_last_synced_at', type: 'date', group: 'customer', label: 'Last synced at', description: 'When Churnless last derived these attributes from Stripe data.' },
  // Billing address
  { key: 'address.city', target: 'stripe_address_city', type: 'string', group: 'address', label: 'City', description: 'Billing address city.' },
  { key: 'address.line1', target: 'stripe_address_line1', type: 'string', group: 'address', label: 'Address line 1', description: 'Billing address first line (street, PO box or company name).' },
  { key: 'address.line2', target: 'stripe_address_line2', type: 'string', group: 'address', label: 'Address line 2', description: 'Billing address second line (apartment, suite, unit or building).' },
  { key: 'address.state', target: 'stripe_address_state', type: 'string', group: 'address', label: 'Region / state', description: 'Billing address state, county, province or region.' },
  { key: 'address.country', target: 'stripe_address_country', type: 'string', group: 'address', label: 'Country', description: 'Billing address country (two-letter ISO code).' },
  { key: 'address.postal_code', target: 'stripe_address_postal_code', type: 'string', group: 'address', label: 'Postal code', description: 'Billing address ZIP or postal code.' },
  // Subscription
  { key: 'subscription.id', target: 'stripe_subscription_id', type: 'string', group: 'subscription', label: 'Subscription ID', description: `The subscription id (sub_…). ${PRIMARY}` },
  { key: 'subscription.status', target: 'stripe_subscription_status', type: 'string', group: 'subscription', label: 'Subscription status', description: `trialing, active, past_due, unpaid, incomplete, paused, canceled or incomplete_expired. ${PRIMARY}` },
  { key: 'subscription.created', target: 'stripe_subscription_created_at', type: 'date', group: 'subscription', label: 'Subscription created', description: `When the subscription was created. ${PRIMARY}` },
  { key: 'subscription.trial_start', target: 'stripe_trial_start', type: 'date', group: 'subscription', label: 'Trial start', description: `When the trial began, if the subscription had one. ${PRIMARY}` },
  { key: 'subscription.trial_end', target: 'stripe_trial_end', type: 'date', group: 'subscription', label: 'Trial end', description: `When the trial ends or ended. ${PRIMARY}` },
  { key: 'subscription.canceled_at', target: 'stripe_canceled_at', type: 'date', group: 'subscription', label: 'Canceled at', description: `When the subscription was canceled (or cancellation was requested, when it cancels at period end). ${PRIMARY}` },
  { key: 'subscription.current_period_start', target: 'stripe_current_period_start', type: 'date', group: 'subscription', label: 'Current period start', description: `Start of the current billing period (from the first item on current Stripe API versions). ${PRIMARY}` },
  { key: 'subscription.current_period_end', target: 'stripe_current_period_end', type: 'date', group: 'subscription', label: 'Current period end', description: `End of the current billing period: the next renewal date (from the first item on current Stripe API versions). ${PRIMARY}` },
  { key: 'subscription.cancel_at_period_end', target: 'stripe_cancel_at_period_end', type: 'boolean', group: 'subscription', label: 'Cancels at period end', description: `True when the subscription is scheduled to cancel when the current period ends. ${PRIMARY}` },
  { key: 'subscription.count', target: 'stripe_subscription_count', type: 'number', group: 'subscription', label: 'Subscriptions', description: 'Number of subscriptions of this customer in any status, canceled ones included.' },
  { key: 'subscription.active_count', target: 'stripe_active_subscription_count', type: 'number', group: 'subscription', label: 'Active subscriptions', description: 'Number of subscriptions in status active (past_due and trialing are not counted).' },
  // Product
  { key: 'product.id', target: 'stripe_product_id', type: 'string', group: 'product', label: 'Product ID', description: `Product (prod_…) of the first item of "the" subscription.` },
  { key: 'product.name', target: 'stripe_product_name', type: 'string', group: 'product', label: 'Product name', description: 'Name of that product; empty when the key may not read Products.' },
  // Price
  { key: 'price.id', target: 'stripe_price_id', type: 'string', group: 'price', label: 'Plan / price ID', description: `Price (price_…) or legacy plan id of the first item of "the" subscription.` },
  { key: 'price.nickname', target: 'stripe_price_nickname', type: 'string', group: 'price', label: 'Price nickname', description: 'The price’s internal nickname.' },
  { key: 'price.unit_amount', target: 'stripe_price_unit_amount', type: 'money', group: 'price', label: 'Unit amount', description: 'Price per unit per billing interval in minor units (4900 for 49.00); empty for tiered prices and sub-minor-unit prices.' },
  { key: 'price.unit_amount_decimal', target: 'stripe_price_unit_amount_decimal', type: 'string', group: 'price', label: 'Unit amount (decimal)', description: 'Price per unit in major units as exact text ("49.00", JPY "500"); unlike Stripe’s own unit_amount_decimal this is not in cents.' },
  { key: 'price.currency', target: 'stripe_price_currency', type: 'string', group: 'price', label: 'Price currency', description: 'The price’s currency (lowercase ISO code).' },
  { key: 'price.interval', target: 'stripe_price_interval', type: 'string', group: 'price', label: 'Billing interval', description: 'day, week, month or year.' },
  { key: 'price.interval_count', target: 'stripe_price_interval_count', type: 'number', group: 'price', label: 'Interval count', description: 'Number of intervals between bills (3 with month = quarterly).' },
  // Card — expiry as two numbers plus a date: numbers for display and equality, the date so a
  // segment can say "card expires in the next 30 days".
  { key: 'card.brand', target: 'stripe_card_brand', type: 'string', group: 'card', label: 'Card brand', description: 'Brand of the default payment method’s card (visa, mastercard, amex, …).' },
  { key: 'card.exp_month', target: 'stripe_card_exp_month', type: 'number', group: 'card', label: 'Card expiry month', description: 'Expiry month of the default card, 1–12.' },
  { key: 'card.exp_year', target: 'stripe_card_exp_year', type: 'number', group: 'card', label: 'Card expiry year', description: 'Expiry year of the default card, four digits.' },
  { key: 'card.expires_at', target: 'stripe_card_expires_at', type: 'date', group: 'card', label: 'Card expires at', description: 'First instant (UTC) after the default card’s expiry month, when it stops working: 08/2030 → 2030-09-01T00:00:00Z.' },
  // Payments
  { key: 'payment.last_amount', target: 'stripe_last_payment_amount', type: 'money', group: 'payment', label: 'Last payment amount', description: 'Captured amount of the most recent successful payment, in minor units of its own currency.' },
  { key: 'payment.last_amount_decimal', target: 'stripe_last_payment_amount_decimal', type: 'string', group: 'payment', label: 'Last payment amount (decimal)', description: 'The same amount in major units as exact text ("49.00", JPY "500").' },
  { key: 'payment.last_currency', target: 'stripe_last_payment_currency', type: 'string', group: 'payment', label: 'Last payment currency', description: 'Currency of the most recent successful payment.' },
  { key: 'payment.last_description', target: 'stripe_last_payment_description', type: 'string', group: 'payment', label: 'Last payment description', description: 'Description of the most recent successful payment.' },
  { key: 'payment.last_date', target: 'stripe_last_payment_at', type: 'date', group: 'payment', label: 'Last payment date', description: 'When the most recent successful payment was made.' },
  { key: 'payment.last_failed_date', target: 'stripe_last_failed_payment_at', type: 'date', group: 'payment', label: 'Last failed payment date', description: 'When the most recent failed payment attempt was made.' },
] as const satisfies readonly FieldDefinition[]

export type FieldKey = (typeof fieldCatalog)[number]['key']

export const fieldKeys: readonly FieldKey[] = fieldCatalog.map((f) => f.key)

const byKey = new Map<string, FieldDefinition>(fieldCatalog.map((f) => [f.key, f]))

export function isFieldKey(key: string): key is FieldKey {
  return byKey.has(key)
}

export function getFieldDefinition(key: string): FieldDefinition | undefined {
  return byKey.get(key)
}
