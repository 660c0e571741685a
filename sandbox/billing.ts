// Billing operations on records, shared by the generator (history) and the lifecycle control
// (runtime). Each operation mutates records and emits the events Stripe would, in Stripe's order.

import type Stripe from 'stripe'
import { addInterval, isMetered, itemAmount, priceInterval } from './catalog'
import { failureMessage } from './objects'
import type { Random } from './random'
import type {
  ChargeRec,
  CustomerRec,
  InvoiceLineRec,
  InvoiceRec,
  ObjectType,
  PaymentMethodRec,
  RefundRec,
  SubStatus,
  SubscriptionRec,
} from './records'
import type { Account } from './store'

export interface BillingContext {
  account: Account
  rng: Random
  /** Records the event; `previous` is Stripe's `data.previous_attributes`. */
  emit(type: string, objectType: ObjectType, id: string, at: number, previous?: Record<string, unknown>): void
  /** Generation loads unsorted and sorts once at the end; runtime inserts in order. */
  sorted: boolean
}

export interface NewCustomer {
  email: string | null
  name: string | null
  phone?: string | null
  description?: string | null
  address?: CustomerRec['address']
  metadata?: Record<string, string>
}

export function createCustomer(ctx: BillingContext, at: number, input: NewCustomer): CustomerRec {
  const { account, rng } = ctx
  const rec: CustomerRec = {
    id: rng.id('cus', 14),
    created: at,
    seq: account.nextSeq(),
    email: input.email,
    name: input.name,
    phone: input.phone ?? null,
    description: input.description ?? null,
    address: input.address ?? null,
    currency: null,
    balance: 0,
    delinquent: false,
    metadata: input.metadata ?? {},
    defaultPaymentMethod: null,
    invoicePrefix: rng.token(8).toUpperCase(),
    nextInvoiceSequence: 1,
    deleted: false,
  }
  account.customers.add(rec, ctx.sorted)
  ctx.emit('customer.created', 'customer', rec.id, at)
  return rec
}

const BRANDS = ['visa', 'visa', 'visa', 'mastercard', 'mastercard', 'amex'] as const
const LAST4: Record<string, string[]> = {
  visa: ['4242', '1881', '0077', '5556'],
  mastercard: ['4444', '5100', '8210'],
  amex: ['8431', '0005'],
}

export function attachCard(ctx: BillingContext, customer: CustomerRec, at: number): PaymentMethodRec {
  const { account, rng } = ctx
  const brand = rng.pick(BRANDS)
  const pm: PaymentMethodRec = {
    id: rng.id('pm'),
    created: at,
    seq: account.nextSeq(),
    customer: customer.id,
    brand,
    last4: rng.pick(LAST4[brand] as string[]),
    expMonth: rng.int(1, 12),
    expYear: new Date(at * 1000).getUTCFullYear() + rng.int(0, 5),
    country: 'US',
    fingerprint: rng.token(16),
  }
  account.paymentMethods.add(pm, ctx.sorted)
  ctx.emit('payment_method.attached', 'payment_method', pm.id, at)
  const previous = customer.defaultPaymentMethod
  customer.defaultPaymentMethod = pm.id
  ctx.emit('customer.updated', 'customer', customer.id, at, {
    invoice_settings: { default_payment_method: previous },
  })
  return pm
}

export interface NewSubscription {
  items: { price: string; quantity: number | null }[]
  trialDays?: number
  coupon?: { id: string; durationMonths: number | null } | null
  metadata?: Record<string, string>
  /** Outcome of the first payment when there is no trial. */
  firstPayment?: 'succeed' | 'fail'
}

function priceOf(account: Account, id: string): Stripe.Price {
  const p = account.prices.get(id)
  if (!p) throw new Error(`unknown price ${id}`)
  return p.obj
}

export function subscriptionInterval(account: Account, sub: SubscriptionRec) {
  return priceInterval(priceOf(account, (sub.items[0] as { price: string }).price))
}

/** Creates a subscription as Stripe does for `charge_automatically` with `allow_incomplete`. */
export function createSubscription(
  ctx: BillingContext,
  customer: CustomerRec,
  at: number,
  input: NewSubscription,
): SubscriptionRec {
  const { account, rng } = ctx
  const first = priceOf(account, (input.items[0] as { price: string }).price)
  const trialEnd = input.trialDays ? at + input.trialDays * 86_400 : null
  const sub: SubscriptionRec = {
    id: rng.id('sub'),
    created: at,
    seq: account.nextSeq(),
    customer: customer.id,
    status: trialEnd ? 'trialing' : input.firstPayment === 'fail' ? 'incomplete' : 'active',
    currency: first.currency,
    items: input.items.map((i) => ({ id: rng.id('si', 14), created: at, price: i.price, quantity: i.quantity })),
    startDate: at,
    billingCycleAnchor: trialEnd ?? at,
    periodStart: at,
    periodEnd: trialEnd ?? addInterval(at, priceInterval(first)),
    trialStart: trialEnd ? at : null,
    trialEnd,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    cancellationReason: null,
    discount: input.coupon
      ? {
          id: rng.id('di'),
          coupon: input.coupon.id,
          start: at,
          end: input.coupon.durationMonths ? addInterval(at, 'month', input.coupon.durationMonths) : null,
        }
      : null,
    latestInvoice: null,
    defaultPaymentMethod: null,
    metadata: input.metadata ?? {},
  }
  if (customer.currency === null) customer.currency = sub.currency
  if (sub.discount) account.discountOwners.set(sub.discount.id, sub.id)
  account.subscriptions.add(sub, ctx.sorted)
  ctx.emit('customer.subscription.created', 'subscription', sub.id, at)
  const invoice = createInvoice(ctx, sub, at, 'subscription_create', Boolean(trialEnd))
  sub.latestInvoice = invoice.id
  finalizeInvoice(ctx, invoice, at)
  if (invoice.total === 0) markPaidWithoutCharge(ctx, invoice, at)
  else attemptPayment(ctx, invoice, at, input.firstPayment !== 'fail')
  return sub
}

export function discountApplies(sub: SubscriptionRec, at: number): boolean {
  return sub.discount !== null && (sub.discount.end === null || at < sub.discount.end)
}

/**
 * A draft invoice of a subscription for one period: its lines, the discount in force at `at`
 * (percent or amount off) and the customer's details. Not stored; `createInvoice` stores one,
 * the upcoming-invoice preview only shows it.
 */
export function draftInvoice(
  account: Account,
  sub: SubscriptionRec,
  args: { id: string; at: number; seq: number; reason: InvoiceRec['billingReason']; periodStart: number; periodEnd: number; quantityOf: (item: SubscriptionRec['items'][number], price: Stripe.Price) => number; isTrial?: boolean; nextPaymentAttempt?: number | null },
): InvoiceRec {
  const customer = account.customers.get(sub.customer)
  const lines: InvoiceLineRec[] = sub.items.map((item) => {
    const price = priceOf(account, item.price)
    const quantity = args.quantityOf(item, price)
    return { itemId: item.id, price: item.price, quantity, amount: args.isTrial ? 0 : itemAmount(price, quantity) }
  })
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0)
  let discountAmount = 0
  let couponId: string | null = null
  if (sub.discount && discountApplies(sub, args.at) && subtotal > 0) {
    const coupon = account.coupons.get(sub.discount.coupon)?.obj
    couponId = sub.discount.coupon
    if (coupon?.percent_off) discountAmount = Math.round((subtotal * coupon.percent_off) / 100)
    else if (coupon?.amount_off) discountAmount = Math.min(subtotal, coupon.amount_off)
  }
  return {
    id: args.id,
    created: args.at,
    seq: args.seq,
    customer: sub.customer,
    subscription: sub.id,
    number: null,
    currency: sub.currency,
    status: 'draft',
    billingReason: args.reason,
    periodStart: args.periodStart,
    periodEnd: args.periodEnd,
    lines,
    subtotal,
    discountAmount,
    discountId: couponId ? (sub.discount?.id ?? null) : null,
    couponId,
    total: subtotal - discountAmount,
    amountPaid: 0,
    attemptCount: 0,
    finalizedAt: null,
    paidAt: null,
    voidedAt: null,
    markedUncollectibleAt: null,
    nextPaymentAttempt: args.nextPaymentAttempt ?? null,
    charges: [],
    customerEmail: customer?.email ?? null,
    customerName: customer?.name ?? null,
  }
}

/** Creates a draft invoice for the subscription's current period. */
export function createInvoice(
  ctx: BillingContext,
  sub: SubscriptionRec,
  at: number,
  reason: InvoiceRec['billingReason'],
  isTrial = false,
  emitCreated = true,
): InvoiceRec {
  const { account, rng } = ctx
  const invoice = draftInvoice(account, sub, {
    id: rng.id('in'),
    at,
    seq: account.nextSeq(),
    reason,
    periodStart: sub.periodStart,
    periodEnd: sub.periodEnd,
    isTrial,
    // Metered usage is billed in arrears: nothing on the first invoice, usage afterwards.
    quantityOf: (item, price) => (isMetered(price) ? (reason === 'subscription_create' ? 0 : rng.int(0, 4000)) : (item.quantity ?? 1)),
  })
  account.invoices.add(invoice, ctx.sorted)
  if (emitCreated) ctx.emit('invoice.created', 'invoice', invoice.id, at)
  return invoice
}

export function finalizeInvoice(ctx: BillingContext, invoice: InvoiceRec, at: number): void {
  const customer = ctx.account.customers.get(invoice.customer) as CustomerRec
  invoice.number = `${customer.invoicePrefix}-${String(customer.nextInvoiceSequence).padStart(4, '0')}`
  customer.nextInvoiceSequence += 1
  invoice.status = 'open'
  invoice.finalizedAt = at
  ctx.emit('invoice.finalized', 'invoice', invoice.id, at)
}

function markPaidWithoutCharge(ctx: BillingContext, invoice: InvoiceRec, at: number): void {
  invoice.status = 'paid'
  invoice.paidAt = at
  ctx.emit('invoice.paid', 'invoice', invoice.id, at)
  ctx.emit('invoice.payment_succeeded', 'invoice', invoice.id, at)
}

const FAILURE_CODES = ['card_declined', 'card_declined', 'insufficient_funds', 'expired_card'] as const

/** One payment attempt on an open invoice: a charge, then the invoice events. */
export function attemptPayment(
  ctx: BillingContext,
  invoice: InvoiceRec,
  at: number,
  succeed: boolean,
  failureCode?: string,
): ChargeRec {
  const { account, rng } = ctx
  const customer = account.customers.get(invoice.customer) as CustomerRec
  const code = succeed ? null : (failureCode ?? rng.pick(FAILURE_CODES))
  const charge: ChargeRec = {
    id: rng.id('ch'),
    created: at,
    seq: account.nextSeq(),
    customer: invoice.customer,
    invoice: invoice.id,
    amount: invoice.total,
    currency: invoice.currency,
    status: succeed ? 'succeeded' : 'failed',
    failureCode: code,
    failureMessage: code ? failureMessage(code) : null,
    amountRefunded: 0,
    refunds: null,
    paymentMethod: customer.defaultPaymentMethod,
    description: invoice.subscription ? 'Subscription update' : 'Invoice payment',
    receiptEmail: customer.email,
  }
  if (invoice.billingReason === 'subscription_create') charge.description = 'Subscription creation'
  account.charges.add(charge, ctx.sorted)
  invoice.charges.push(charge.id)
  invoice.attemptCount += 1
  if (succeed) {
    ctx.emit('charge.succeeded', 'charge', charge.id, at)
    invoice.status = 'paid'
    invoice.amountPaid = invoice.total
    invoice.paidAt = at
    invoice.nextPaymentAttempt = null
    ctx.emit('invoice.paid', 'invoice', invoice.id, at)
    ctx.emit('invoice.payment_succeeded', 'invoice', invoice.id, at)
  } else {
    ctx.emit('charge.failed', 'charge', charge.id, at)
    // Smart Retries: up to 4 attempts, roughly 3, 5 and 7 days apart.
    invoice.nextPaymentAttempt = invoice.attemptCount < 4 ? at + (1 + 2 * invoice.attemptCount) * 86_400 : null
    ctx.emit('invoice.payment_failed', 'invoice', invoice.id, at)
  }
  return charge
}

export function setSubscriptionStatus(
  ctx: BillingContext,
  sub: SubscriptionRec,
  status: SubStatus,
  at: number,
  extraPrevious: Record<string, unknown> = {},
): void {
  if (sub.status === status && Object.keys(extraPrevious).length === 0) return
  const previous: Record<string, unknown> = { ...extraPrevious }
  if (sub.status !== status) previous.status = sub.status
  sub.status = status
  ctx.emit('customer.subscription.updated', 'subscription', sub.id, at, previous)
  updateDelinquency(ctx, sub.customer, at)
}

/**
 * An incomplete subscription whose first invoice was never paid expires (Stripe: after 23 hours):
 * the open invoice is voided, then the subscription becomes incomplete_expired.
 */
export function expireIncompleteSubscription(ctx: BillingContext, sub: SubscriptionRec, openInvoice: InvoiceRec | undefined, at: number): void {
  if (openInvoice) {
    openInvoice.status = 'void'
    openInvoice.voidedAt = at
    openInvoice.nextPaymentAttempt = null
    ctx.emit('invoice.voided', 'invoice', openInvoice.id, at)
  }
  sub.endedAt = at
  setSubscriptionStatus(ctx, sub, 'incomplete_expired', at)
}

function updateDelinquency(ctx: BillingContext, customerId: string, at: number): void {
  const customer = ctx.account.customers.get(customerId)
  if (!customer || customer.deleted) return
  const subs = ctx.account.subscriptions.listFor('customer', customerId).items
  const delinquent = subs.some((s) => s.status === 'past_due' || s.status === 'unpaid')
  if (delinquent !== customer.delinquent) {
    customer.delinquent = delinquent
    ctx.emit('customer.updated', 'customer', customer.id, at, { delinquent: !delinquent })
  }
}

/**
 * Period end: Stripe moves the period (a `customer.subscription.updated` that changes only the
 * items' periods and `latest_invoice`), creates the invoice, finalizes it about an hour later
 * and charges it. Returns the new invoice; the caller decides the payment outcome.
 */
export function renewSubscription(ctx: BillingContext, sub: SubscriptionRec, at: number): InvoiceRec {
  const interval = subscriptionInterval(ctx.account, sub)
  const prevStart = sub.periodStart
  const prevEnd = sub.periodEnd
  const prevInvoice = sub.latestInvoice
  sub.periodStart = sub.periodEnd
  sub.periodEnd = addInterval(sub.periodStart, interval)
  const invoice = createInvoice(ctx, sub, at, 'subscription_cycle', false, false)
  sub.latestInvoice = invoice.id
  ctx.emit('customer.subscription.updated', 'subscription', sub.id, at, {
    items: {
      data: sub.items.map((i) => ({ id: i.id, current_period_start: prevStart, current_period_end: prevEnd })),
    },
    latest_invoice: prevInvoice,
  })
  ctx.emit('invoice.created', 'invoice', invoice.id, at)
  return invoice
}

/** Trial end with a payment method: the first paid period starts. */
export function convertTrial(ctx: BillingContext, sub: SubscriptionRec, at: number, succeed = true): InvoiceRec {
  const interval = subscriptionInterval(ctx.account, sub)
  const prevStart = sub.periodStart
  const prevEnd = sub.periodEnd
  const prevInvoice = sub.latestInvoice
  sub.periodStart = at
  sub.periodEnd = addInterval(at, interval)
  sub.billingCycleAnchor = at
  if (sub.trialEnd !== null && sub.trialEnd > at) sub.trialEnd = at
  const invoice = createInvoice(ctx, sub, at, 'subscription_cycle', false, false)
  sub.latestInvoice = invoice.id
  const previousStatus = sub.status
  sub.status = succeed ? 'active' : 'past_due'
  ctx.emit('customer.subscription.updated', 'subscription', sub.id, at, {
    status: previousStatus,
    items: { data: sub.items.map((i) => ({ id: i.id, current_period_start: prevStart, current_period_end: prevEnd })) },
    latest_invoice: prevInvoice,
  })
  ctx.emit('invoice.created', 'invoice', invoice.id, at)
  finalizeInvoice(ctx, invoice, at)
  if (invoice.total === 0) markPaidWithoutCharge(ctx, invoice, at)
  else attemptPayment(ctx, invoice, at, succeed)
  updateDelinquency(ctx, sub.customer, at)
  return invoice
}

export function cancelSubscription(
  ctx: BillingContext,
  sub: SubscriptionRec,
  at: number,
  reason: SubscriptionRec['cancellationReason'] = 'cancellation_requested',
): void {
  sub.status = 'canceled'
  sub.canceledAt = sub.canceledAt ?? at
  sub.endedAt = at
  sub.cancellationReason = reason
  ctx.emit('customer.subscription.deleted', 'subscription', sub.id, at)
  // Stripe voids nothing here; open invoices stay open. The customer may stop being delinquent.
  updateDelinquency(ctx, sub.customer, at)
}

export function scheduleCancel(ctx: BillingContext, sub: SubscriptionRec, at: number): void {
  sub.cancelAtPeriodEnd = true
  sub.cancelAt = sub.periodEnd
  sub.canceledAt = at
  ctx.emit('customer.subscription.updated', 'subscription', sub.id, at, {
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
  })
}

export function refundCharge(ctx: BillingContext, charge: ChargeRec, amount: number, at: number): RefundRec {
  const { account, rng } = ctx
  const refund: RefundRec = {
    id: rng.id('re'),
    created: at,
    seq: account.nextSeq(),
    charge: charge.id,
    amount,
    currency: charge.currency,
    reason: 'requested_by_customer',
  }
  account.refunds.add(refund, ctx.sorted)
  const previous = { amount_refunded: charge.amountRefunded, refunded: charge.amountRefunded === charge.amount && charge.amount > 0 }
  charge.amountRefunded += amount
  charge.refunds = [...(charge.refunds ?? []), refund.id]
  ctx.emit('charge.refunded', 'charge', charge.id, at, previous)
  ctx.emit('refund.created', 'refund', refund.id, at)
  return refund
}
