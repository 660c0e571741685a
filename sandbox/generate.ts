// Deterministic sample data: N customers with two years of realistic billing history
// (trials, renewals, failed and refunded payments, cancellations) and the last 30 days of events.

import {
  attachCard,
  type BillingContext,
  cancelSubscription,
  convertTrial,
  createCustomer,
  createSubscription,
  expireIncompleteSubscription,
  finalizeInvoice,
  attemptPayment,
  refundCharge,
  renewSubscription,
  scheduleCancel,
  setSubscriptionStatus,
} from './billing'
import type Stripe from 'stripe'
import { type CatalogIds, createCatalog } from './catalog'
import type { Wire } from './objects'
import { Random } from './random'
import type { CheckoutSessionRec, CustomerRec, EventRec, InvoiceRec, ObjectType, RecordState, SubscriptionRec } from './records'
import type { Account } from './store'

const DAY = 86_400
/** Stripe keeps events for 30 days; older history exists only as objects. */
export const EVENT_RETENTION = 30 * DAY
const HISTORY = 730 * DAY

const FIRST = ['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'chris', 'karen', 'lena', 'mateo', 'yuki', 'amara', 'noah', 'ingrid', 'omar', 'priya', 'liam', 'sofia']
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'nguyen', 'kim', 'muller', 'rossi', 'dubois', 'tanaka', 'okafor', 'silva', 'novak']
const DOMAINS = ['example.com', 'acme.io', 'mail.test', 'startup.dev', 'corp.example', 'shop.test']
const CITIES = [
  { city: 'San Francisco', state: 'CA', country: 'US', postal: '94103' },
  { city: 'New York', state: 'NY', country: 'US', postal: '10001' },
  { city: 'Austin', state: 'TX', country: 'US', postal: '73301' },
  { city: 'London', state: null, country: 'GB', postal: 'EC1A 1BB' },
  { city: 'Berlin', state: null, country: 'DE', postal: '10115' },
  { city: 'Paris', state: null, country: 'FR', postal: '75001' },
  { city: 'Toronto', state: 'ON', country: 'CA', postal: 'M5H 2N2' },
]

type Outcome = 'trialing' | 'active' | 'past_due' | 'canceled' | 'incomplete_expired' | 'incomplete' | 'paused'

const OUTCOMES: Record<Outcome, number> = {
  trialing: 7,
  active: 50,
  past_due: 8,
  canceled: 28,
  incomplete_expired: 3,
  incomplete: 1,
  paused: 3,
}

export interface GenerateOptions {
  customers: number
  seed: number
  /**
   * Extra customers billed in yen (a zero-decimal currency: ¥3,000 is `3000`), drawn from their
   * own random stream after everything else, so the `customers` above are the same with or
   * without them. Default 0.
   */
  jpyCustomers?: number
  /** End of the generated history (unix seconds); the account's clock starts here. */
  now: number
}

export interface GenerateResult {
  catalog: CatalogIds
  counts: Record<string, number>
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

/**
 * A copy of the record of an object whose fields change over its life, as it is at this moment
 * of the simulation: the event's `data.object` is built from it, so a renewal event shows the
 * period it started, not the one current at the end of history. Objects that never change
 * after the event (payment methods, refunds, sessions, catalog) are built from the record.
 */
function stateNow(account: Account, type: ObjectType, id: string): RecordState | null {
  if (type === 'subscription') {
    const s = account.subscriptions.get(id) as SubscriptionRec
    return {
      type,
      rec: { ...s, items: s.items.map((i) => ({ ...i })), discount: s.discount && { ...s.discount }, metadata: { ...s.metadata } },
    }
  }
  if (type === 'invoice') {
    const i = account.invoices.get(id) as InvoiceRec
    return { type, rec: { ...i, lines: i.lines.map((l) => ({ ...l })), charges: [...i.charges] } }
  }
  if (type === 'charge') {
    const c = account.charges.get(id)
    return c ? { type, rec: { ...c, refunds: c.refunds && [...c.refunds] } } : null
  }
  if (type === 'customer') {
    const c = account.customers.get(id) as CustomerRec
    return { type, rec: { ...c, address: c.address && { ...c.address }, metadata: { ...c.metadata } } }
  }
  return null
}

export function generateAccount(account: Account, options: GenerateOptions): GenerateResult {
  const rng = new Random(options.seed)
  const eventRng = new Random(options.seed ^ 0x5eed5eed)
  const anchor = options.now
  const cutoff = anchor - EVENT_RETENTION
  const ctx: BillingContext = {
    account,
    rng,
    sorted: false,
    emit(type, objectType, id, at, previous) {
      if (at < cutoff || at > anchor) return
      const event: EventRec = {
        id: eventRng.id('evt'),
        created: at,
        seq: account.nextSeq(),
        type,
        objectType,
        objectId: id,
        snapshot: null,
        state: stateNow(account, objectType, id),
        previousAttributes: previous ?? null,
        pendingWebhooks: 0,
        deliverySuccess: true,
        requestId: null,
      }
      account.events.add(event, false)
    },
  }

  const catalog = createCatalog(account, rng, anchor - HISTORY - 60 * DAY)
  const planWeights: Record<keyof CatalogIds, number> = {
    starterMonthly: 25,
    starterAnnual: 8,
    proMonthly: 25,
    proAnnual: 8,
    proWeekly: 4,
    proMonthlyEur: 6,
    teamSeats: 12,
    volumeTiered: 5,
    apiMetered: 0,
    forever20: 0,
    repeating50: 0,
  }
  const emails: string[] = []

  for (let n = 0; n < options.customers; n++) {
    const created = anchor - Math.floor(rng.next() * HISTORY) - 1
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    let email: string | null = `${first}.${last}${n}@${rng.pick(DOMAINS)}`
    const emailKind = rng.weighted({ plain: 85, none: 4, mixed: 8, duplicate: 2, duplicateMixed: 1 })
    if (emailKind === 'none') email = null
    else if (emailKind === 'mixed') email = `${capitalize(first)}.${capitalize(last)}${n}@${rng.pick(DOMAINS).toUpperCase()}`
    else if ((emailKind === 'duplicate' || emailKind === 'duplicateMixed') && emails.length > 0) {
      const other = rng.pick(emails)
      email = emailKind === 'duplicate' ? other : other.toUpperCase()
    }
    if (email && emailKind !== 'duplicate' && emailKind !== 'duplicateMixed') emails.push(email)
    const place = rng.chance(0.6) ? rng.pick(CITIES) : null
    const customer = createCustomer(ctx, created, {
      email,
      name: rng.chance(0.9) ? `${capitalize(first)} ${capitalize(last)}` : null,
      phone: rng.chance(0.2) ? `+1555${String(rng.int(0, 9_999_999)).padStart(7, '0')}` : null,
      description: rng.chance(0.05) ? 'Imported from legacy billing' : null,
      address: place
        ? { line1: `${rng.int(1, 999)} Market Street`, city: place.city, state: place.state, postal_code: place.postal, country: place.country }
        : null,
      metadata: rng.chance(0.3) ? { user_id: `usr_${n}` } : {},
    })
    const hasCard = rng.chance(0.85)
    if (hasCard) attachCard(ctx, customer, created + 30)

    const subCount = rng.weighted({ zero: 15, one: 75, two: 10 })
    const count = subCount === 'zero' ? 0 : subCount === 'one' ? 1 : 2
    for (let s = 0; s < count; s++) {
      let outcome = rng.weighted(OUTCOMES)
      if (!hasCard && outcome !== 'trialing' && outcome !== 'incomplete_expired') {
        outcome = rng.chance(0.4) ? 'paused' : 'canceled'
      }
      const start = created + 60 + (s === 0 ? rng.int(0, 3 * DAY) : rng.int(DAY, 200 * DAY))
      simulateSubscription(ctx, customer, Math.min(start, anchor - 120), outcome, hasCard, catalog, planWeights, anchor)
    }
  }

  if (options.jpyCustomers) generateJpyCustomers(ctx, catalog, options.jpyCustomers, options.seed, anchor)

  account.customers.sortAll()
  account.subscriptions.sortAll()
  account.invoices.sortAll()
  account.charges.sortAll()
  account.refunds.sortAll()
  account.paymentMethods.sortAll()
  account.checkoutSessions.sortAll()
  account.events.sortAll()
  return {
    catalog,
    counts: {
      customers: account.customers.size,
      subscriptions: account.subscriptions.size,
      invoices: account.invoices.size,
      charges: account.charges.size,
      refunds: account.refunds.size,
      events: account.events.size,
    },
  }
}

/**
 * Customers of a yen price, from an independent random stream (ids included): generated after
 * the main history, they change none of its objects, only add their own.
 */
function generateJpyCustomers(main: BillingContext, catalog: CatalogIds, count: number, seed: number, anchor: number): void {
  const rng = new Random((seed ^ 0x4a505921) >>> 0)
  const ctx: BillingContext = { ...main, rng }
  const { account } = ctx
  const pro = account.prices.get(catalog.proMonthly)?.obj.product as string
  const created = anchor - HISTORY - 60 * DAY
  const id = rng.id('price')
  account.prices.add({ id, created, seq: account.nextSeq(), obj: yenPrice(id, pro, created) })
  // The JPY price in the slot of the euro one: a single-currency plan with no metered add-on.
  const yenCatalog: CatalogIds = { ...catalog, proMonthlyEur: id }
  const weights = { starterMonthly: 0, starterAnnual: 0, proMonthly: 0, proAnnual: 0, proWeekly: 0, proMonthlyEur: 1, teamSeats: 0, volumeTiered: 0, apiMetered: 0, forever20: 0, repeating50: 0 }
  for (let n = 0; n < count; n++) {
    const at = anchor - Math.floor(rng.next() * HISTORY) - 1
    const first = rng.pick(FIRST)
    const last = rng.pick(LAST)
    const customer = createCustomer(ctx, at, {
      email: `${first}.${last}.jp${n}@example.jp`,
      name: `${capitalize(first)} ${capitalize(last)}`,
      address: { line1: `${rng.int(1, 9)}-${rng.int(1, 30)} Marunouchi`, city: 'Tokyo', state: null, postal_code: '100-0005', country: 'JP' },
    })
    attachCard(ctx, customer, at + 30)
    const outcome: Outcome = rng.weighted({ active: 70, canceled: 20, past_due: 10 })
    simulateSubscription(ctx, customer, Math.min(at + 60 + rng.int(0, 3 * DAY), anchor - 120), outcome, true, yenCatalog, weights, anchor)
  }
}

function yenPrice(id: string, product: string, created: number): Stripe.Price {
  const price: Wire<Stripe.Price> = {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created,
    currency: 'jpy',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: 'proMonthlyJpy',
    metadata: {},
    nickname: 'Pro monthly (JPY)',
    product,
    recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    // Zero-decimal: ¥3,000 is 3000, not 300000.
    unit_amount: 3000,
    unit_amount_decimal: '3000',
  }
  return price as unknown as Stripe.Price
}

function simulateSubscription(
  ctx: BillingContext,
  customer: CustomerRec,
  startIn: number,
  outcome: Outcome,
  hasCard: boolean,
  catalog: CatalogIds,
  planWeights: Record<keyof CatalogIds, number>,
  anchor: number,
): void {
  const { rng, account } = ctx
  let start = startIn
  if (outcome === 'trialing') start = anchor - rng.int(3600, 13 * DAY)
  if (outcome === 'incomplete') start = anchor - rng.int(60, 20 * 3600)
  if (outcome === 'paused') start = Math.min(start, anchor - rng.int(15 * DAY, 90 * DAY))
  start = Math.max(start, customer.created + 60)
  if (start >= anchor) start = anchor - 60

  const planKey = rng.weighted(planWeights)
  const price = catalog[planKey]
  const quantity = planKey === 'teamSeats' ? rng.int(2, 25) : planKey === 'volumeTiered' ? rng.int(1, 40) : 1
  const items: { price: string; quantity: number | null }[] = [{ price, quantity }]
  if (planKey === 'proMonthly' && rng.chance(0.1)) items.push({ price: catalog.apiMetered, quantity: null })
  const couponRoll = rng.next()
  const coupon =
    couponRoll < 0.07
      ? { id: catalog.forever20, durationMonths: null }
      : couponRoll < 0.12
        ? { id: catalog.repeating50, durationMonths: 3 }
        : null
  const hasTrial = outcome === 'trialing' || outcome === 'paused' || (outcome !== 'incomplete' && outcome !== 'incomplete_expired' && (!hasCard || rng.chance(0.35)))
  const trialExpires = outcome === 'canceled' && hasTrial && (!hasCard || rng.chance(0.4))

  if (!hasTrial && rng.chance(0.3)) {
    const session: CheckoutSessionRec = {
      id: rng.id('cs_test', 58),
      created: start - 120,
      seq: account.nextSeq(),
      customer: customer.id,
      customerEmail: customer.email,
      mode: 'subscription',
      status: 'complete',
      lineItems: items.map((i) => ({ price: i.price, quantity: i.quantity ?? 1 })),
      subscription: null,
      invoice: null,
      amountTotal: 0,
      currency: account.prices.get(price)?.obj.currency ?? 'usd',
      successUrl: 'https://example.com/success',
      cancelUrl: 'https://example.com/cancel',
      expiresAt: start - 120 + DAY,
      discounts: coupon ? [{ coupon: coupon.id }] : [],
      metadata: {},
    }
    account.checkoutSessions.add(session, false)
    const sub = runSubscription()
    session.subscription = sub.id
    session.invoice = sub.latestInvoice
    const firstInvoice = sub.latestInvoice ? account.invoices.get(sub.latestInvoice) : undefined
    session.amountTotal = firstInvoice?.total ?? 0
    ctx.emit('checkout.session.completed', 'checkout.session', session.id, start)
    return
  }
  runSubscription()

  function runSubscription(): SubscriptionRec {
    const sub = createSubscription(ctx, customer, start, {
      items,
      trialDays: hasTrial ? 14 : undefined,
      coupon,
      firstPayment: outcome === 'incomplete' || outcome === 'incomplete_expired' ? 'fail' : 'succeed',
    })
    if (outcome === 'incomplete') return sub
    if (outcome === 'incomplete_expired') {
      const expiredAt = start + 23 * 3600
      if (expiredAt <= anchor) expireIncompleteSubscription(ctx, sub, account.invoices.get(sub.latestInvoice as string) as InvoiceRec, expiredAt)
      return sub
    }
    const cancelAt = outcome === 'canceled' ? start + Math.floor(rng.next() * (anchor - start)) : null
    const endAt = cancelAt ?? anchor
    const failureCancel = outcome === 'canceled' && rng.chance(0.3)
    if (hasTrial && sub.trialEnd !== null) {
      const willEnd = sub.trialEnd - 3 * DAY
      if (willEnd <= anchor && willEnd > start) ctx.emit('customer.subscription.trial_will_end', 'subscription', sub.id, willEnd)
      if (sub.trialEnd > anchor) return sub
      if (outcome === 'paused') {
        setSubscriptionStatus(ctx, sub, 'paused', sub.trialEnd)
        ctx.emit('customer.subscription.paused', 'subscription', sub.id, sub.trialEnd)
        return sub
      }
      if (trialExpires) {
        cancelSubscription(ctx, sub, sub.trialEnd, 'cancellation_requested')
        return sub
      }
      if (sub.trialEnd > endAt) {
        cancelSubscription(ctx, sub, endAt, 'cancellation_requested')
        return sub
      }
      convertTrial(ctx, sub, sub.trialEnd, true)
    }
    const scheduled = outcome === 'canceled' && !failureCancel && rng.chance(0.5)
    while (sub.periodEnd <= endAt) {
      const at = sub.periodEnd
      const invoice = renewSubscription(ctx, sub, at)
      const finalizeAt = at + 3600
      // Stripe finalizes renewal invoices about an hour after creating them.
      if (finalizeAt > anchor) return sub
      finalizeInvoice(ctx, invoice, finalizeAt)
      const isLast = sub.periodEnd > endAt
      if (isLast && (outcome === 'past_due' || failureCancel) && invoice.total > 0) {
        dun(sub, invoice, finalizeAt, failureCancel)
        return sub
      }
      if (invoice.total === 0) {
        invoice.status = 'paid'
        invoice.paidAt = finalizeAt
        ctx.emit('invoice.paid', 'invoice', invoice.id, finalizeAt)
        continue
      }
      if (rng.chance(0.05) && finalizeAt + 3 * DAY < Math.min(anchor, sub.periodEnd)) {
        attemptPayment(ctx, invoice, finalizeAt, false)
        setSubscriptionStatus(ctx, sub, 'past_due', finalizeAt)
        const retryAt = finalizeAt + 3 * DAY
        const charge = attemptPayment(ctx, invoice, retryAt, true)
        setSubscriptionStatus(ctx, sub, 'active', retryAt)
        maybeRefund(charge.id)
      } else {
        const charge = attemptPayment(ctx, invoice, finalizeAt, true)
        maybeRefund(charge.id)
      }
    }
    if (outcome === 'canceled' && cancelAt !== null) {
      if (scheduled) {
        scheduleCancel(ctx, sub, cancelAt)
        if (sub.periodEnd <= anchor) cancelSubscription(ctx, sub, sub.periodEnd, 'cancellation_requested')
      } else {
        cancelSubscription(ctx, sub, cancelAt, 'cancellation_requested')
      }
    } else if (outcome === 'active' && rng.chance(0.06)) {
      // Still active, but the customer asked to stop at the end of the period.
      const at = Math.max(sub.periodStart + 60, anchor - rng.int(60, 10 * DAY))
      if (at < anchor) scheduleCancel(ctx, sub, at)
    }
    return sub
  }

  /** Smart Retries after a failed renewal: past_due, up to 4 attempts, then unpaid or canceled. */
  function dun(sub: SubscriptionRec, invoice: InvoiceRec, firstAt: number, cancelAfter: boolean): void {
    attemptPayment(ctx, invoice, firstAt, false)
    setSubscriptionStatus(ctx, sub, 'past_due', firstAt)
    while (invoice.nextPaymentAttempt !== null && invoice.nextPaymentAttempt <= anchor) {
      attemptPayment(ctx, invoice, invoice.nextPaymentAttempt, false)
    }
    if (invoice.attemptCount >= 4) {
      const at = (account.charges.get(invoice.charges[invoice.charges.length - 1] as string)?.created ?? firstAt) + 60
      if (cancelAfter) {
        invoice.status = 'uncollectible'
        invoice.markedUncollectibleAt = at
        ctx.emit('invoice.marked_uncollectible', 'invoice', invoice.id, at)
        cancelSubscription(ctx, sub, at, 'payment_failed')
      } else {
        setSubscriptionStatus(ctx, sub, 'unpaid', at)
      }
    }
  }

  function maybeRefund(chargeId: string): void {
    if (!rng.chance(0.02)) return
    const charge = account.charges.get(chargeId)
    if (!charge || charge.amount === 0) return
    const at = charge.created + rng.int(3600, 10 * DAY)
    if (at > anchor) return
    refundCharge(ctx, charge, rng.chance(0.6) ? charge.amount : Math.floor(charge.amount / 2), at)
  }
}

