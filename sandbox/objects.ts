// Builders: compact records → Stripe objects as the pinned API version sends them on the wire.
// Typed with the SDK's own `Stripe.*` types (decimal fields travel as strings, hence `Wire`).

import type Stripe from 'stripe'
import type { Account } from './store'
import type {
  ChargeRec,
  CheckoutSessionRec,
  CustomerRec,
  DiscountRec,
  EventRec,
  InvoiceRec,
  ItemRec,
  PaymentMethodRec,
  RecordState,
  RefundRec,
  SubscriptionRec,
  WebhookEndpointRec,
} from './records'

/** The SDK types decimals as its `Decimal` class; on the wire they are strings. */
export type Wire<T> = T extends Stripe.Decimal
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T

export type Json = Record<string, unknown>

/** The API version of the installed SDK; every object is shaped for it. */
export const API_VERSION = '2026-10-28.endive'

const EMPTY_ADDRESS = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }

/** A payment method's or charge's billing details, from the customer they belong to. */
function billingDetailsOf(customer: { address?: CustomerRec['address']; email: string | null; name: string | null } | undefined) {
  return {
    address: customer?.address ? { ...customer.address, line2: null } : { ...EMPTY_ADDRESS },
    email: customer?.email ?? null,
    name: customer?.name ?? null,
    phone: null,
    tax_id: null,
  }
}

export function list<T>(data: T[], url: string, hasMore = false): Wire<Stripe.ApiList<T>> {
  return { object: 'list', data, has_more: hasMore, url } as unknown as Wire<Stripe.ApiList<T>>
}

export function buildCustomer(rec: CustomerRec): Wire<Stripe.Customer> {
  const address = rec.address ? { ...rec.address, line2: null, state: rec.address.state } : null
  return {
    id: rec.id,
    object: 'customer',
    address,
    balance: rec.balance,
    created: rec.created,
    currency: rec.currency,
    default_source: null,
    delinquent: rec.delinquent,
    description: rec.description,
    discount: null,
    email: rec.email,
    invoice_prefix: rec.invoicePrefix,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: rec.defaultPaymentMethod,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: { ...rec.metadata },
    name: rec.name,
    next_invoice_sequence: rec.nextInvoiceSequence,
    phone: rec.phone,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  }
}

export function buildDeleted(id: string, object: string): Json {
  return { id, object, deleted: true }
}

export function buildPaymentMethod(rec: PaymentMethodRec, customer: CustomerRec | undefined): Wire<Stripe.PaymentMethod> {
  return {
    id: rec.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetailsOf(customer),
    card: {
      brand: rec.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: rec.country,
      display_brand: rec.brand === 'amex' ? 'american_express' : rec.brand,
      exp_month: rec.expMonth,
      exp_year: rec.expYear,
      fingerprint: rec.fingerprint,
      funding: 'credit',
      generated_from: null,
      last4: rec.last4,
      networks: { available: [rec.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: rec.created,
    customer: rec.customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  }
}

function planFromPrice(price: Wire<Stripe.Price>): Wire<Stripe.Plan> {
  const recurring = price.recurring as NonNullable<Wire<Stripe.Price>['recurring']>
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: recurring.meter,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  }
}

export function buildDiscount(
  d: DiscountRec,
  owner: { customer: string; subscription?: string | null; invoice?: string | null },
): Wire<Stripe.Discount> {
  return {
    id: d.id,
    object: 'discount',
    checkout_session: null,
    customer: owner.customer,
    customer_account: null,
    end: d.end,
    invoice: owner.invoice ?? null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: d.coupon, type: 'coupon' },
    start: d.start,
    subscription: owner.subscription ?? null,
    subscription_item: null,
  }
}

/**
 * A price as Stripe sends it: without `tiers`, which Stripe includes only when asked for with
 * `expand[]=tiers` (`data.tiers` on lists; see `expandableField`). The stored object keeps them
 * for billing.
 */
export function buildPrice(stored: Stripe.Price): Wire<Stripe.Price> {
  const { tiers: _tiers, ...price } = stored as unknown as Wire<Stripe.Price>
  return price
}

function priceOf(account: Account, id: string): Wire<Stripe.Price> {
  const p = account.prices.get(id)
  if (!p) throw new Error(`sandbox: unknown price ${id}`)
  return buildPrice(p.obj)
}

/**
 * Fields Stripe leaves out unless expanded, though they are not ids: a price's `tiers`. Returns
 * null when `field` is not such a field of `node`; `{ value: undefined }` when it is but there is
 * nothing to add (a per-unit price has no tiers: Stripe accepts the expand and adds none).
 */
export function expandableField(account: Account, node: Record<string, unknown>, field: string): { value: unknown } | null {
  if (node.object === 'price' && field === 'tiers' && typeof node.id === 'string') {
    const stored = account.prices.get(node.id)?.obj as unknown as Wire<Stripe.Price> | undefined
    return { value: stored?.billing_scheme === 'tiered' ? stored.tiers : undefined }
  }
  return null
}

export function buildSubscriptionItem(account: Account, sub: SubscriptionRec, item: ItemRec): Wire<Stripe.SubscriptionItem> {
  const price = priceOf(account, item.price)
  const out: Wire<Stripe.SubscriptionItem> = {
    id: item.id,
    object: 'subscription_item',
    billing_thresholds: null,
    created: item.created,
    current_period_end: sub.periodEnd,
    current_period_start: sub.periodStart,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: planFromPrice(price),
    price,
    subscription: sub.id,
    tax_rates: [],
  }
  // Metered items have no quantity on the wire.
  if (item.quantity !== null) out.quantity = item.quantity
  return out
}

/** How many items Stripe embeds in a subscription (`items.has_more` beyond). */
export const EMBEDDED_ITEMS = 10

export function buildSubscription(account: Account, rec: SubscriptionRec): Wire<Stripe.Subscription> {
  const items = rec.items.map((i) => buildSubscriptionItem(account, rec, i))
  return {
    id: rec.id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: rec.billingCycleAnchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: rec.cancelAt,
    cancel_at_period_end: rec.cancelAtPeriodEnd,
    canceled_at: rec.canceledAt,
    cancellation_details: {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: rec.cancellationReason,
    },
    collection_method: 'charge_automatically',
    created: rec.created,
    currency: rec.currency,
    customer: rec.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: rec.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: rec.discount ? [rec.discount.id] : [],
    ended_at: rec.endedAt,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    // Like Stripe, a subscription embeds its first 10 items; the rest are listed on their own.
    items: list(items.slice(0, EMBEDDED_ITEMS), `/v1/subscription_items?subscription=${rec.id}`, items.length > EMBEDDED_ITEMS),
    latest_invoice: rec.latestInvoice,
    livemode: false,
    managed_payments: null,
    metadata: { ...rec.metadata },
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: rec.startDate,
    status: rec.status,
    test_clock: null,
    transfer_data: null,
    trial_end: rec.trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: rec.status === 'paused' ? 'pause' : 'create_invoice' },
    },
    trial_start: rec.trialStart,
  }
}

function lineDescription(account: Account, priceId: string, quantity: number, amount: number): string {
  const price = account.prices.get(priceId)?.obj
  const product = price ? account.products.get(String(price.product))?.obj.name : undefined
  const name = product ?? 'plan'
  return amount === 0 && quantity > 0 ? `Trial period for ${name}` : `${quantity} × ${name}`
}

export function buildInvoice(account: Account, rec: InvoiceRec): Wire<Stripe.Invoice> {
  const customer = account.customers.get(rec.customer)
  const lines = rec.lines.map(
    (l, index): Wire<Stripe.InvoiceLineItem> => ({
      id: `il_${rec.id.slice(3)}${index}`,
      object: 'line_item',
      amount: l.amount,
      currency: rec.currency,
      description: lineDescription(account, l.price, l.quantity, l.amount),
      discount_amounts: rec.discountId
        ? [{ amount: rec.subtotal > 0 ? Math.round((l.amount * rec.discountAmount) / rec.subtotal) : 0, discount: rec.discountId }]
        : [],
      discountable: true,
      discounts: [],
      invoice: rec.id,
      livemode: false,
      metadata: {},
      parent: rec.subscription
        ? {
            invoice_item_details: null,
            subscription_item_details: {
              invoice_item: null,
              proration: false,
              proration_details: { credited_items: null },
              subscription: rec.subscription,
              subscription_item: l.itemId ?? '',
            },
            type: 'subscription_item_details',
          }
        : null,
      period: { end: rec.periodEnd, start: rec.periodStart },
      pretax_credit_amounts: [],
      pricing: {
        price_details: { price: l.price, product: String(priceOf(account, l.price).product) },
        type: 'price_details',
        unit_amount_decimal: l.quantity > 0 ? String(l.amount / l.quantity) : '0',
      },
      quantity: l.quantity,
      quantity_decimal: String(l.quantity),
      subscription: rec.subscription,
      subtotal: l.amount,
      taxes: [],
    }),
  )
  const amountDue = rec.status === 'void' ? 0 : rec.total
  const amountRemaining = rec.status === 'paid' || rec.status === 'void' ? 0 : Math.max(0, amountDue - rec.amountPaid)
  const hosted = rec.status === 'draft' ? null : `https://invoice.stripe.com/i/acct_sandbox/${rec.id}`
  return {
    id: rec.id,
    object: 'invoice',
    account_country: 'US',
    account_name: account.name,
    account_tax_ids: null,
    amount_due: amountDue,
    amount_overpaid: 0,
    amount_paid: rec.amountPaid,
    amount_remaining: amountRemaining,
    amount_shipping: 0,
    application: null,
    attempt_count: rec.attemptCount,
    attempted: rec.attemptCount > 0,
    auto_advance: rec.status === 'open' || rec.status === 'draft',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: rec.billingReason,
    collection_method: 'charge_automatically',
    created: rec.created,
    currency: rec.currency,
    custom_fields: null,
    customer: rec.customer,
    customer_account: null,
    customer_address: customer?.address ? { ...customer.address, line2: null } : null,
    customer_email: rec.customerEmail,
    customer_name: rec.customerName,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: rec.discountId ? [rec.discountId] : [],
    due_date: null,
    effective_at: rec.finalizedAt,
    ending_balance: rec.status === 'draft' ? null : 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: hosted,
    invoice_pdf: hosted ? `${hosted}/pdf` : null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: list(lines, `/v1/invoices/${rec.id}/lines`),
    livemode: false,
    metadata: {},
    next_payment_attempt: rec.nextPaymentAttempt,
    number: rec.number,
    on_behalf_of: null,
    parent: rec.subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: {}, subscription: rec.subscription },
          type: 'subscription_details',
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: rec.periodEnd,
    period_start: rec.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: rec.status,
    status_transitions: {
      finalized_at: rec.finalizedAt,
      marked_uncollectible_at: rec.markedUncollectibleAt,
      paid_at: rec.paidAt,
      voided_at: rec.voidedAt,
    },
    subtotal: rec.subtotal,
    subtotal_excluding_tax: rec.subtotal,
    test_clock: null,
    total: rec.total,
    total_discount_amounts: rec.discountId ? [{ amount: rec.discountAmount, discount: rec.discountId }] : [],
    total_excluding_tax: rec.total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: rec.finalizedAt,
  }
}

const DECLINE_MESSAGES: Record<string, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
}

export function failureMessage(code: string): string {
  return DECLINE_MESSAGES[code] ?? 'Your card was declined.'
}

export function buildCharge(account: Account, rec: ChargeRec): Wire<Stripe.Charge> {
  const pm = rec.paymentMethod ? account.paymentMethods.get(rec.paymentMethod) : undefined
  const customer = rec.customer ? account.customers.get(rec.customer) : undefined
  const succeeded = rec.status === 'succeeded'
  const refunds = (rec.refunds ?? []).map((id) => buildRefund(account.refunds.get(id) as RefundRec, rec))
  return {
    id: rec.id,
    object: 'charge',
    amount: rec.amount,
    amount_captured: succeeded ? rec.amount : 0,
    amount_refunded: rec.amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? `txn_${rec.id.slice(3)}` : null,
    billing_details: billingDetailsOf(customer),
    calculated_statement_descriptor: 'CHURNLESS SANDBOX',
    captured: succeeded,
    created: rec.created,
    currency: rec.currency,
    customer: rec.customer,
    description: rec.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: rec.failureCode,
    failure_message: rec.failureMessage,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: succeeded
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          seller_message: 'Payment complete.',
          type: 'authorized',
        }
      : {
          advice_code: 'try_again_later',
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: 'generic_decline',
          risk_level: 'normal',
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        },
    paid: succeeded,
    payment_intent: null,
    payment_method: rec.paymentMethod,
    payment_method_details: pm
      ? {
          card: {
            amount_authorized: succeeded ? rec.amount : null,
            authorization_code: null,
            brand: pm.brand,
            checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
            country: pm.country,
            exp_month: pm.expMonth,
            exp_year: pm.expYear,
            fingerprint: pm.fingerprint,
            funding: 'credit',
            installments: null,
            last4: pm.last4,
            mandate: null,
            network: pm.brand,
            network_token: { used: false },
            network_transaction_id: null,
            regulated_status: 'unregulated',
            three_d_secure: null,
            wallet: null,
          },
          type: 'card',
        } as Wire<Stripe.Charge.PaymentMethodDetails>
      : null,
    receipt_email: rec.receiptEmail,
    receipt_number: null,
    receipt_url: succeeded ? `https://pay.stripe.com/receipts/sandbox/${rec.id}` : null,
    refunded: rec.amountRefunded > 0 && rec.amountRefunded === rec.amount,
    refunds: list(refunds, `/v1/charges/${rec.id}/refunds`),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: rec.status,
    transfer_data: null,
    transfer_group: null,
  }
}

export function buildRefund(rec: RefundRec, charge: ChargeRec | undefined): Wire<Stripe.Refund> {
  return {
    id: rec.id,
    object: 'refund',
    amount: rec.amount,
    balance_transaction: `txn_${rec.id.slice(3)}`,
    charge: rec.charge,
    created: rec.created,
    currency: rec.currency,
    customer: charge?.customer ?? null,
    customer_account: null,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: {},
    payment_intent: null,
    payment_method: charge?.paymentMethod ?? null,
    reason: rec.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  }
}

export function buildCheckoutSession(rec: CheckoutSessionRec): Wire<Stripe.Checkout.Session> {
  const complete = rec.status === 'complete'
  return {
    id: rec.id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: rec.amountTotal,
    amount_total: rec.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: rec.cancelUrl,
    client_reference_id: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: rec.created,
    currency: rec.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: rec.customer,
    customer_account: null,
    customer_creation: rec.customer ? null : 'always',
    customer_details: complete
      ? {
          address: null,
          business_name: null,
          email: rec.customerEmail,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: 'none',
          tax_ids: [],
        }
      : null,
    customer_email: rec.customerEmail,
    discounts: rec.discounts.map((d) => ({ coupon: d.coupon, promotion_code: null })),
    expires_at: rec.expiresAt,
    integration_identifier: null,
    invoice: rec.invoice,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: { ...rec.metadata },
    mode: rec.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_status: complete ? 'paid' : 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: rec.status,
    submit_type: null,
    subscription: rec.subscription,
    success_url: rec.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: rec.status === 'open' ? `https://checkout.stripe.com/c/pay/${rec.id}` : null,
    wallet_options: null,
  }
}

export function buildWebhookEndpoint(rec: WebhookEndpointRec, withSecret: boolean): Wire<Stripe.WebhookEndpoint> {
  const out: Wire<Stripe.WebhookEndpoint> = {
    id: rec.id,
    object: 'webhook_endpoint',
    api_version: rec.apiVersion,
    application: null,
    created: rec.created,
    description: rec.description,
    enabled_events: [...rec.enabledEvents],
    livemode: false,
    metadata: { ...rec.metadata },
    status: rec.status,
    url: rec.url,
  }
  // Stripe returns the signing secret only in the response that creates the endpoint.
  if (withSecret) out.secret = rec.secret
  return out
}

export function buildAccount(account: Account): Wire<Stripe.Account> {
  return {
    id: account.id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: null,
      minority_owned_business_designation: null,
      name: account.name,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: 'company',
    charges_enabled: true,
    country: 'US',
    created: 1_600_000_000,
    default_currency: 'usd',
    details_submitted: true,
    email: null,
    payouts_enabled: true,
    settings: null,
    type: 'standard',
  } as Wire<Stripe.Account>
}

/** Builds any stored object by id, or undefined when the id is unknown. */
export function buildById(account: Account, id: string): Json | undefined {
  const prefix = id.slice(0, id.indexOf('_'))
  switch (prefix) {
    case 'cus': {
      const c = account.customers.get(id)
      if (!c) return undefined
      return (c.deleted ? buildDeleted(id, 'customer') : buildCustomer(c)) as Json
    }
    case 'sub': {
      const s = account.subscriptions.get(id)
      return s ? (buildSubscription(account, s) as Json) : undefined
    }
    case 'in': {
      const i = account.invoices.get(id)
      return i ? (buildInvoice(account, i) as Json) : undefined
    }
    case 'ch': {
      const c = account.charges.get(id)
      return c ? (buildCharge(account, c) as Json) : undefined
    }
    case 're': {
      const r = account.refunds.get(id)
      return r ? (buildRefund(r, account.charges.get(r.charge)) as Json) : undefined
    }
    case 'pm': {
      const p = account.paymentMethods.get(id)
      return p ? (buildPaymentMethod(p, p.customer ? account.customers.get(p.customer) : undefined) as Json) : undefined
    }
    case 'cs': {
      const s = account.checkoutSessions.get(id)
      return s ? (buildCheckoutSession(s) as Json) : undefined
    }
    case 'price': {
      const p = account.prices.get(id)
      return p ? (buildPrice(p.obj) as Json) : undefined
    }
    case 'prod':
      return account.products.get(id)?.obj as Json | undefined
    case 'di': {
      const s = account.subscriptions.get(account.discountOwners.get(id) ?? '')
      return s?.discount?.id === id ? (buildDiscount(s.discount, { customer: s.customer, subscription: s.id }) as Json) : undefined
    }
    default: {
      const coupon = account.coupons.get(id)
      return coupon?.obj as Json | undefined
    }
  }
}

/** Which permission resource an object id belongs to (for expand checks). */
export function resourceOfId(id: string): string | null {
  const prefix = id.slice(0, id.indexOf('_'))
  const map: Record<string, string> = {
    cus: 'customer',
    sub: 'subscription',
    si: 'subscription',
    in: 'invoice',
    ch: 'charge',
    re: 'refund',
    pm: 'payment_method',
    cs: 'checkout_session',
    price: 'plan',
    prod: 'product',
    di: 'coupon',
  }
  return map[prefix] ?? null
}

/** An object as it was when a generated event happened, from the copy of its record then. */
function buildFromState(account: Account, state: RecordState): Json {
  switch (state.type) {
    case 'subscription':
      return buildSubscription(account, state.rec) as Json
    case 'invoice':
      return buildInvoice(account, state.rec) as Json
    case 'charge':
      return buildCharge(account, state.rec) as Json
    case 'customer':
      return buildCustomer(state.rec) as Json
  }
}

/** The event as Stripe sends it: snapshot of the object then, and what changed. */
export function buildEvent(account: Account, rec: EventRec): Wire<Stripe.EventBase> & { data: { object: Json; previous_attributes?: Json } } {
  let object: Json
  if (rec.snapshot) object = rec.snapshot as Json
  else if (rec.state) object = buildFromState(account, rec.state)
  else object = buildById(account, rec.objectId) ?? buildDeleted(rec.objectId, rec.objectType)
  const data: { object: Json; previous_attributes?: Json } = { object }
  if (rec.previousAttributes) data.previous_attributes = rec.previousAttributes
  return {
    id: rec.id,
    object: 'event',
    api_version: API_VERSION,
    created: rec.created,
    data: data as unknown as Stripe.Event.Data,
    livemode: false,
    pending_webhooks: rec.pendingWebhooks,
    request: { id: rec.requestId, idempotency_key: null },
    type: rec.type as Stripe.Event.Type,
  } as Wire<Stripe.EventBase> & { data: { object: Json; previous_attributes?: Json } }
}
