// Lifecycle control: the things that happen to a Stripe account over time or by hand, each
// producing the events Stripe would, in Stripe's order.

import {
  attachCard,
  attemptPayment,
  cancelSubscription,
  convertTrial,
  createCustomer,
  createSubscription,
  expireIncompleteSubscription,
  finalizeInvoice,
  refundCharge,
  renewSubscription,
  scheduleCancel,
  setSubscriptionStatus,
} from './billing'
import { noSuch, StripeError } from './params'
import type { ChargeRec, CustomerRec, InvoiceRec, SubscriptionRec } from './records'
import type { AccountRuntime } from './sandbox'

const DAY = 86_400

export function getCustomerOrThrow(rt: AccountRuntime, id: string): CustomerRec {
  const c = rt.account.customers.get(id)
  if (!c || c.deleted) throw noSuch('customer', id)
  return c
}

export function getSubscriptionOrThrow(rt: AccountRuntime, id: string): SubscriptionRec {
  const s = rt.account.subscriptions.get(id)
  if (!s) throw noSuch('subscription', id)
  return s
}

function latestOpenInvoice(rt: AccountRuntime, sub: SubscriptionRec): InvoiceRec | undefined {
  const inv = sub.latestInvoice ? rt.account.invoices.get(sub.latestInvoice) : undefined
  return inv && inv.status === 'open' ? inv : undefined
}

function paymentSucceeds(rt: AccountRuntime, sub: SubscriptionRec): boolean {
  const customer = rt.account.customers.get(sub.customer)
  return !rt.failing.has(sub.id) && Boolean(customer?.defaultPaymentMethod)
}

function isEnded(sub: SubscriptionRec): boolean {
  return sub.status === 'canceled' || sub.status === 'incomplete_expired'
}

/**
 * Moves the account clock forward and runs everything that falls due on the way, across all
 * subscriptions in time order (earliest first; equal times in creation order), so events and
 * their webhook deliveries come in the order Stripe would send them.
 */
export function advanceClock(rt: AccountRuntime, seconds: number): { now: number } {
  if (!Number.isFinite(seconds) || seconds < 0) throw new StripeError(400, 'invalid_request_error', 'seconds must be a positive number', undefined, 'seconds')
  rt.account.clockOffset += Math.floor(seconds)
  const now = rt.account.now()
  const queue = new DueQueue()
  for (const sub of rt.account.subscriptions.all.items) {
    const step = nextStep(rt, sub)
    if (step && step.at <= now) queue.push(step.at, sub)
  }
  const steps = new Map<string, number>()
  for (let entry = queue.pop(); entry; entry = queue.pop()) {
    const { sub } = entry
    const step = nextStep(rt, sub)
    if (!step || step.at > now) continue
    // A subscription stuck in a loop would stall the clock: 1000 steps each at most.
    const count = (steps.get(sub.id) ?? 0) + 1
    steps.set(sub.id, count)
    if (count > 1000) continue
    step.run()
    const next = nextStep(rt, sub)
    if (next && next.at <= now) queue.push(next.at, sub)
  }
  return { now }
}

interface Step {
  /** When it falls due (unix seconds). */
  at: number
  run(): void
}

/** What happens next to a subscription and when, or null when nothing will without an action. */
function nextStep(rt: AccountRuntime, sub: SubscriptionRec): Step | null {
  const { ctx } = rt
  if (isEnded(sub)) return null
  if (sub.status === 'trialing' && sub.trialEnd !== null) {
    const trialEnd = sub.trialEnd
    const willEnd = trialEnd - 3 * DAY
    if (!rt.trialWillEndSent.has(sub.id) && willEnd >= sub.created) {
      return {
        at: willEnd,
        run: () => {
          rt.trialWillEndSent.add(sub.id)
          ctx.emit('customer.subscription.trial_will_end', 'subscription', sub.id, willEnd)
        },
      }
    }
    return {
      at: trialEnd,
      run: () => {
        const customer = rt.account.customers.get(sub.customer)
        if (!customer?.defaultPaymentMethod) {
          setSubscriptionStatus(ctx, sub, 'paused', trialEnd)
          ctx.emit('customer.subscription.paused', 'subscription', sub.id, trialEnd)
          return
        }
        convertTrial(ctx, sub, trialEnd, paymentSucceeds(rt, sub))
      },
    }
  }
  if (sub.status === 'incomplete') {
    const expiresAt = sub.created + 23 * 3600
    return {
      at: expiresAt,
      run: () => expireIncompleteSubscription(ctx, sub, latestOpenInvoice(rt, sub), expiresAt),
    }
  }
  let retry: Step | null = null
  if (sub.status === 'past_due' || sub.status === 'unpaid') {
    const invoice = latestOpenInvoice(rt, sub)
    const at = invoice?.nextPaymentAttempt
    if (invoice && at) {
      retry = {
        at,
        run: () => {
          const ok = paymentSucceeds(rt, sub)
          attemptPayment(ctx, invoice, at, ok)
          if (ok) setSubscriptionStatus(ctx, sub, 'active', at)
          else if (invoice.nextPaymentAttempt === null) {
            // Stripe's default once Smart Retries are exhausted: cancel the subscription.
            cancelSubscription(ctx, sub, at, 'payment_failed')
          }
        },
      }
    }
  }
  let periodEnd: Step | null = null
  if (sub.status === 'active' || sub.status === 'past_due') {
    const at = sub.periodEnd
    periodEnd = {
      at,
      run: () => {
        if (sub.cancelAtPeriodEnd) {
          cancelSubscription(ctx, sub, at, 'cancellation_requested')
          return
        }
        const invoice = renewSubscription(ctx, sub, at)
        finalizeInvoice(ctx, invoice, at)
        chargeInvoice(rt, sub, invoice, at)
      },
    }
  }
  // A retry due at the same moment as the period end runs first.
  if (retry && (!periodEnd || retry.at <= periodEnd.at)) return retry
  return periodEnd
}

/** Subscriptions by due time, then creation order: a binary min-heap. */
class DueQueue {
  private readonly heap: { at: number; sub: SubscriptionRec }[] = []

  private less(a: { at: number; sub: SubscriptionRec }, b: { at: number; sub: SubscriptionRec }): boolean {
    return a.at < b.at || (a.at === b.at && a.sub.seq < b.sub.seq)
  }

  push(at: number, sub: SubscriptionRec): void {
    const heap = this.heap
    heap.push({ at, sub })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(heap[i] as (typeof heap)[number], heap[parent] as (typeof heap)[number])) break
      ;[heap[i], heap[parent]] = [heap[parent] as (typeof heap)[number], heap[i] as (typeof heap)[number]]
      i = parent
    }
  }

  pop(): { at: number; sub: SubscriptionRec } | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && this.less(heap[l] as (typeof heap)[number], heap[m] as (typeof heap)[number])) m = l
        if (r < heap.length && this.less(heap[r] as (typeof heap)[number], heap[m] as (typeof heap)[number])) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as (typeof heap)[number], heap[i] as (typeof heap)[number]]
        i = m
      }
    }
    return top
  }
}

function chargeInvoice(rt: AccountRuntime, sub: SubscriptionRec, invoice: InvoiceRec, at: number): void {
  const { ctx } = rt
  if (invoice.total === 0) {
    invoice.status = 'paid'
    invoice.paidAt = at
    ctx.emit('invoice.paid', 'invoice', invoice.id, at)
    ctx.emit('invoice.payment_succeeded', 'invoice', invoice.id, at)
    return
  }
  const ok = paymentSucceeds(rt, sub)
  attemptPayment(ctx, invoice, at, ok)
  if (!ok && sub.status === 'active') setSubscriptionStatus(ctx, sub, 'past_due', at)
}

export interface CreateCustomerInput {
  email?: string | null
  name?: string | null
  metadata?: Record<string, string>
  /** Attach a card and make it the default payment method (default true). */
  card?: boolean
  /** Also subscribe the customer to this price. */
  price?: string
  quantity?: number
  trialDays?: number
}

export function createCustomerAction(rt: AccountRuntime, input: CreateCustomerInput) {
  const now = rt.account.now()
  const customer = createCustomer(rt.ctx, now, { email: input.email ?? null, name: input.name ?? null, metadata: input.metadata })
  if (input.card !== false) attachCard(rt.ctx, customer, now)
  let subscription: SubscriptionRec | null = null
  if (input.price) {
    if (!rt.account.prices.get(input.price)) throw noSuch('price', input.price, 'price')
    subscription = createSubscription(rt.ctx, customer, now, {
      items: [{ price: input.price, quantity: input.quantity ?? 1 }],
      trialDays: input.trialDays,
      firstPayment: input.card === false ? 'fail' : 'succeed',
    })
  }
  return { customer: customer.id, subscription: subscription?.id ?? null }
}

export function startTrial(rt: AccountRuntime, customerId: string, price: string, trialDays = 14): SubscriptionRec {
  const customer = getCustomerOrThrow(rt, customerId)
  if (!rt.account.prices.get(price)) throw noSuch('price', price, 'price')
  return createSubscription(rt.ctx, customer, rt.account.now(), { items: [{ price, quantity: 1 }], trialDays })
}

export function convertTrialNow(rt: AccountRuntime, subId: string): SubscriptionRec {
  const sub = getSubscriptionOrThrow(rt, subId)
  if (sub.status !== 'trialing') throw new StripeError(400, 'invalid_request_error', `Subscription ${subId} is ${sub.status}, not trialing.`)
  convertTrial(rt.ctx, sub, rt.account.now(), paymentSucceeds(rt, sub))
  return sub
}

/** The card declines from now on (until recovered); a payment is attempted now and fails. */
export function failPayment(rt: AccountRuntime, subId: string): SubscriptionRec {
  const sub = getSubscriptionOrThrow(rt, subId)
  if (isEnded(sub)) throw new StripeError(400, 'invalid_request_error', `Subscription ${subId} has ended.`)
  rt.failing.add(sub.id)
  const now = rt.account.now()
  if (sub.status === 'trialing') {
    convertTrial(rt.ctx, sub, now, false)
    return sub
  }
  const open = latestOpenInvoice(rt, sub)
  if (open) {
    attemptPayment(rt.ctx, open, now, false)
    if (sub.status === 'active') setSubscriptionStatus(rt.ctx, sub, 'past_due', now)
    return sub
  }
  // End the current period now: the renewal invoice is the one that fails.
  sub.periodEnd = now
  const invoice = renewSubscription(rt.ctx, sub, now)
  finalizeInvoice(rt.ctx, invoice, now)
  chargeInvoice(rt, sub, invoice, now)
  return sub
}

/** The customer fixes their card: the open invoice is paid and the subscription is active. */
export function recoverPayment(rt: AccountRuntime, subId: string): SubscriptionRec {
  const sub = getSubscriptionOrThrow(rt, subId)
  rt.failing.delete(sub.id)
  const invoice = latestOpenInvoice(rt, sub)
  if (!invoice) throw new StripeError(400, 'invalid_request_error', `Subscription ${subId} has no open invoice to pay.`)
  const now = rt.account.now()
  attemptPayment(rt.ctx, invoice, now, true)
  if (sub.status !== 'active') setSubscriptionStatus(rt.ctx, sub, 'active', now)
  return sub
}

export function cancelAction(rt: AccountRuntime, subId: string, atPeriodEnd: boolean): SubscriptionRec {
  const sub = getSubscriptionOrThrow(rt, subId)
  if (isEnded(sub)) throw new StripeError(400, 'invalid_request_error', `A canceled subscription can only update its cancellation_details and metadata.`)
  const now = rt.account.now()
  if (atPeriodEnd) scheduleCancel(rt.ctx, sub, now)
  else cancelSubscription(rt.ctx, sub, now, 'cancellation_requested')
  return sub
}

export function refundAction(rt: AccountRuntime, chargeId: string, amount?: number): string {
  const charge = rt.account.charges.get(chargeId) as ChargeRec | undefined
  if (!charge) throw noSuch('charge', chargeId, 'charge')
  if (charge.status !== 'succeeded') throw new StripeError(400, 'invalid_request_error', `Charge ${chargeId} has not succeeded; it cannot be refunded.`, 'charge_not_refundable')
  const remaining = charge.amount - charge.amountRefunded
  const value = amount ?? remaining
  if (value <= 0 || value > remaining) {
    throw new StripeError(400, 'invalid_request_error', `Refund amount (${value}) is greater than unrefunded amount on charge (${remaining})`, 'amount_too_large', 'amount')
  }
  return refundCharge(rt.ctx, charge, value, rt.account.now()).id
}

export function changeEmail(rt: AccountRuntime, customerId: string, email: string | null): CustomerRec {
  const customer = getCustomerOrThrow(rt, customerId)
  const previous = customer.email
  if (previous === email) return customer
  customer.email = email
  rt.account.customers.reindex(customer, 'email', previous)
  rt.ctx.emit('customer.updated', 'customer', customer.id, rt.account.now(), { email: previous })
  return customer
}

/** Stripe cancels the customer's subscriptions, then deletes the customer. */
export function deleteCustomer(rt: AccountRuntime, customerId: string): void {
  const customer = getCustomerOrThrow(rt, customerId)
  const now = rt.account.now()
  for (const sub of [...rt.account.subscriptions.listFor('customer', customer.id).items]) {
    if (!isEnded(sub)) cancelSubscription(rt.ctx, sub, now, 'cancellation_requested')
  }
  rt.ctx.emit('customer.deleted', 'customer', customer.id, now)
  customer.deleted = true
  rt.account.customers.hide(customer)
}
