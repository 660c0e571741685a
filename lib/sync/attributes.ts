import { minorToDecimalString } from './currency'
import {
  type BundleCharge,
  type CustomerBundle,
  cardOf,
  defaultPaymentMethod,
  productOf,
  subscriptionPeriod,
} from './customer-bundle'
import type { FieldKey } from './fields'
import { computeMrr } from './mrr'
import { pickPrimarySubscription, statusRank } from './primary-subscription'

// The value of every F7 field for one Stripe customer, derived from the bundle alone so that a
// re-map or a corrected formula recomputes contacts without calling Stripe.

/** Dates are ISO 8601 strings in UTC; money is an integer in minor units. */
export type AttributeValue = string | number | boolean | null
export type DerivedAttributes = Record<FieldKey, AttributeValue>

export interface DeriveOptions {
  /** Becomes `customer.last_synced_at`; also decides which discounts and trials are current. */
  now: Date
  /** Workspace setting: subtract running `repeating` coupons from MRR (default false). */
  includeRepeatingDiscounts?: boolean
}

export function deriveAttributes(bundle: CustomerBundle, options: DeriveOptions): DerivedAttributes {
  const { customer } = bundle
  const charges = bundle.charges ?? []
  const primary = pickPrimarySubscription(bundle.subscriptions)
  const item = primary?.items.data[0] ?? null
  const price = item?.price ?? null
  const product = price ? productOf(price, bundle) : null
  const period = primary ? subscriptionPeriod(primary) : { start: null, end: null }
  const card = cardOf(defaultPaymentMethod(bundle, primary))
  const lastPayment = latest(charges.filter(isSuccessfulPayment))
  const lastFailure = latest(charges.filter((c) => c.status === 'failed'))
  const currency = contactCurrency(bundle)
  const mrr = computeMrr(bundle, { now: options.now, includeRepeatingDiscounts: options.includeRepeatingDiscounts })
  const spend = computeTotalSpend(charges)
  const lastPaymentAmount = lastPayment ? capturedAmount(lastPayment) : null
  const address = customer.address ?? null

  return {
    'customer.email': customer.email ?? null,
    'customer.name': customer.name ?? null,
    'customer.phone': customer.phone ?? null,
    'customer.description': customer.description ?? null,
    'customer.id': customer.id,
    'customer.created': isoFromUnix(customer.created),
    'customer.balance': customer.balance ?? null,
    'customer.currency': currency,
    'customer.delinquent': customer.delinquent ?? null,
    'customer.livemode': customer.livemode,
    'customer.mrr': currency ? (mrr[currency] ?? 0) : 0,
    'customer.total_spend': currency ? (spend[currency] ?? 0) : 0,
    'customer.last_synced_at': options.now.toISOString(),

    'address.city': address?.city ?? null,
    'address.line1': address?.line1 ?? null,
    'address.line2': address?.line2 ?? null,
    'address.state': address?.state ?? null,
    'address.country': address?.country ?? null,
    'address.postal_code': address?.postal_code ?? null,

    'subscription.id': primary?.id ?? null,
    'subscription.status': primary?.status ?? null,
    'subscription.created': isoFromUnix(primary?.created),
    'subscription.trial_start': isoFromUnix(primary?.trial_start),
    'subscription.trial_end': isoFromUnix(primary?.trial_end),
    'subscription.canceled_at': isoFromUnix(primary?.canceled_at),
    'subscription.current_period_start': isoFromUnix(period.start),
    'subscription.current_period_end': isoFromUnix(period.end),
    'subscription.cancel_at_period_end': primary ? (primary.cancel_at_period_end ?? false) : null,
    'subscription.count': bundle.subscriptions.length,
    'subscription.active_count': bundle.subscriptions.filter((s) => s.status === 'active').length,

    'product.id': product?.id ?? null,
    'product.name': product?.name ?? null,

    'price.id': price?.id ?? null,
    'price.nickname': price?.nickname ?? null,
    'price.unit_amount': price?.unit_amount ?? null,
    'price.unit_amount_decimal': price ? unitAmountDecimal(price.unit_amount_decimal, price.unit_amount, price.currency) : null,
    'price.currency': price?.currency.toLowerCase() ?? null,
    'price.interval': price?.recurring?.interval ?? null,
    'price.interval_count': price?.recurring ? (price.recurring.interval_count ?? 1) : null,

    'card.brand': card?.brand ?? null,
    'card.exp_month': card?.expMonth ?? null,
    'card.exp_year': card?.expYear ?? null,
    'card.expires_at': card ? cardExpiresAt(card.expMonth, card.expYear) : null,

    'payment.last_amount': lastPaymentAmount,
    'payment.last_amount_decimal': lastPayment && lastPaymentAmount !== null ? minorToDecimalString(lastPaymentAmount, lastPayment.currency) : null,
    'payment.last_currency': lastPayment?.currency.toLowerCase() ?? null,
    'payment.last_description': lastPayment?.description ?? null,
    'payment.last_date': isoFromUnix(lastPayment?.created),
    'payment.last_failed_date': isoFromUnix(lastFailure?.created),
  }
}

/**
 * The currency the contact's money attributes are expressed in: the customer's own currency
 * (Stripe sets it with the first subscription or invoice), else the currency of "the"
 * subscription, else of the latest successful payment; null when none is known.
 */
export function contactCurrency(bundle: CustomerBundle): string | null {
  const own = bundle.customer.currency
  if (own) return own.toLowerCase()
  const primary = pickPrimarySubscription(bundle.subscriptions)
  if (primary?.currency) return primary.currency.toLowerCase()
  const payment = latest((bundle.charges ?? []).filter(isSuccessfulPayment))
  return payment?.currency.toLowerCase() ?? null
}

/**
 * Total spend per currency in minor units: successful, captured charges (captured amount)
 * minus what was refunded on them. Failed, pending and authorised-but-uncaptured charges count
 * nothing. Currencies are kept apart; the `customer.total_spend` attribute takes the contact's
 * currency and ignores the others (never converted).
 */
export function computeTotalSpend(charges: readonly BundleCharge[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of charges) {
    if (!isSuccessfulPayment(c)) continue
    const cur = c.currency.toLowerCase()
    out[cur] = (out[cur] ?? 0) + capturedAmount(c) - (c.amount_refunded ?? 0)
  }
  return out
}

function isSuccessfulPayment(c: BundleCharge): boolean {
  return c.status === 'succeeded' && c.captured !== false && c.paid !== false
}

function capturedAmount(c: BundleCharge): number {
  return typeof c.amount_captured === 'number' && c.amount_captured > 0 ? c.amount_captured : c.amount
}

/** Newest by `created` (whole seconds, often equal), then the larger id, whatever the input order. */
function latest<T extends { created: number; id: string }>(list: readonly T[]): T | null {
  let best: T | null = null
  for (const x of list) {
    if (!best || x.created > best.created || (x.created === best.created && x.id > best.id)) best = x
  }
  return best
}

function isoFromUnix(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null
}

function unitAmountDecimal(decimal: unknown, unitAmount: number | null | undefined, currency: string): string | null {
  if (decimal !== null && decimal !== undefined) {
    const s = minorToDecimalString(String(decimal), currency)
    if (s !== null) return s
  }
  return typeof unitAmount === 'number' ? minorToDecimalString(unitAmount, currency) : null
}

/** A card works through the last day of its expiry month: it expires at the first instant of the next month (UTC). */
function cardExpiresAt(month: number | null, year: number | null): string | null {
  if (!month || !year || month < 1 || month > 12) return null
  return new Date(Date.UTC(year, month, 1)).toISOString()
}

/**
 * Facts over ALL of a customer's subscriptions and payments, for segment rules that the single
 * "the" subscription (F8) cannot answer (SPEC F18): "and none active/trialing/past_due", "had a
 * trial that ended", "never paid". A contact with several customers combines them with
 * `combineSubscriptionFacts`.
 */
export type SubscriptionFacts = {
  /** Distinct statuses of every subscription, in F8's order (unknown statuses last, sorted). */
  statuses: string[]
  /**
   * ISO time of the earliest trial end among subscriptions that had a trial: its `trial_end`, or
   * `ended_at` when the subscription ended (canceled) before the trial would have. Null when no
   * subscription had a trial. "Had a trial that ended" = this is before now.
   */
  earliestTrialEnd: string | null
  /** At least one successful, captured payment. */
  hasPaid: boolean
}

export function deriveSubscriptionFacts(bundle: Pick<CustomerBundle, 'subscriptions' | 'charges'>): SubscriptionFacts {
  let earliest: number | null = null
  for (const s of bundle.subscriptions) {
    if (typeof s.trial_end !== 'number') continue
    const endedAt = (s as { ended_at?: number | null }).ended_at
    const end = typeof endedAt === 'number' && endedAt < s.trial_end ? endedAt : s.trial_end
    if (earliest === null || end < earliest) earliest = end
  }
  return {
    statuses: sortStatuses(bundle.subscriptions.map((s) => s.status)),
    earliestTrialEnd: isoFromUnix(earliest),
    hasPaid: (bundle.charges ?? []).some(isSuccessfulPayment),
  }
}

/** The facts of a contact from those of its customers: every status, the earliest trial end, paid by any. */
export function combineSubscriptionFacts(list: readonly SubscriptionFacts[]): SubscriptionFacts {
  const ends = list.map((f) => f.earliestTrialEnd).filter((e): e is string => e !== null)
  return {
    statuses: sortStatuses(list.flatMap((f) => f.statuses)),
    earliestTrialEnd: ends.length ? ends.reduce((a, b) => (b < a ? b : a)) : null,
    hasPaid: list.some((f) => f.hasPaid),
  }
}

/** Distinct statuses in F8's priority order (unknown ones last, sorted), so equal sets compare equal. */
function sortStatuses(statuses: readonly string[]): string[] {
  return [...new Set(statuses)].sort((a, b) => statusRank(a) - statusRank(b) || (a < b ? -1 : a > b ? 1 : 0))
}
