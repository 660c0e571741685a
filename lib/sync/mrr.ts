import { parseDecimal, roundHalfEven } from './currency'
import {
  type BundleCoupon,
  type BundleDiscount,
  type BundlePrice,
  type BundlePriceTier,
  type BundleSubscription,
  type BundleSubscriptionItem,
  type CustomerBundle,
  couponOf,
  priceWithTiers,
  productOf,
  resolveDiscounts,
} from './customer-bundle'

// SPEC F10: MRR per contact in minor units per currency, computed the way Stripe's billing
// analytics describe it — subscriptions in `active` or `past_due`, each licensed item's price ×
// quantity normalised to a month, forever discounts subtracted.
//
// Rounding: amounts stay exact (fractional minor units) through items, discounts and the sum,
// and each currency's total is rounded once, half to even. So three weekly 10.00 items give
// 3 × 4,333.33… = 13,000, not 3 × 4,333 = 12,999. Per-item amounts in the breakdown are the
// exact values; show them rounded for display and the total may differ from the sum of the
// rounded items by at most one minor unit per item.
//
// Currencies are never converted or mixed: the result has one entry per currency with at least
// one counted item.

export interface MrrOptions {
  /** Discounts whose `end` is at or before `now` no longer apply; item trials ending after `now` exclude the item. */
  now: Date
  /** Subtract `repeating` coupons while they run (a workspace setting; default false). */
  includeRepeatingDiscounts?: boolean
}

export type MrrInput = Pick<CustomerBundle, 'subscriptions' | 'products' | 'prices' | 'discounts' | 'coupons' | 'couponsReadable'> & {
  /** For the customer-level discount, which applies to subscriptions without a discount of their own. */
  customer?: Pick<CustomerBundle['customer'], 'discount'> | null
}

/** Subscription statuses whose items count towards MRR. */
export const mrrStatuses: readonly string[] = ['active', 'past_due']

export type MrrExclusion =
  | 'subscription_not_active' // canceled, unpaid, incomplete, paused, … (not active or past_due)
  | 'trialing' // the subscription is trialing, or the item has a trial running at `now`
  | 'metered' // usage-based: no fixed monthly amount
  | 'free' // price × quantity is zero
  | 'not_recurring' // a one-time price on a subscription item
  | 'tiers_missing' // tiered price delivered without `tiers` (fetch prices with expand[]=tiers)
  | 'unknown_interval'

export type DiscountSkipReason =
  | 'once' // applies to one invoice only: never part of MRR
  | 'repeating_not_included' // repeating coupons are counted only with the workspace setting
  | 'ended' // a repeating discount whose `end` has passed
  | 'currency_mismatch' // amount_off in another currency and no currency_options entry
  | 'unresolved' // only an id was available (discount or coupon not expanded nor in the bundle)
  | 'coupon_permission_missing' // only an id, because the key lacks the optional Coupons read permission
  | 'no_coupon'
  | 'unknown_duration' // a coupon duration this version does not know

/** Why a discount was not subtracted, in words for the contact page. */
export const discountSkipLabels: Record<DiscountSkipReason, string> = {
  once: 'applies to one invoice only',
  repeating_not_included: 'repeating discounts are not counted (workspace setting)',
  ended: 'ended',
  currency_mismatch: 'in another currency',
  unresolved: 'its coupon is not known yet',
  coupon_permission_missing: 'needs the Coupons read permission on the Stripe key',
  no_coupon: 'no coupon',
  unknown_duration: 'unknown duration',
}

export interface MrrAppliedDiscount {
  discountId: string | null
  couponId: string | null
  level: 'item' | 'subscription' | 'customer'
  duration: string
  percentOff: number | null
  amountOff: number | null
  /** Monthly amount this discount removed from the item, exact minor units. */
  monthlyAmount: number
}

export interface MrrSkippedDiscount {
  subscriptionId: string
  itemId: string | null
  discountId: string | null
  couponId: string | null
  level: 'item' | 'subscription' | 'customer'
  reason: DiscountSkipReason
}

export interface MrrBreakdownItem {
  subscriptionId: string
  subscriptionStatus: string
  itemId: string
  priceId: string
  product: { id: string; name: string | null } | null
  currency: string
  quantity: number
  interval: string | null
  intervalCount: number
  /** Price × quantity for one billing period (tiers applied), exact minor units; null when not computed. */
  periodAmount: number | null
  /** periodAmount normalised to a month, before discounts. */
  grossMonthly: number
  /** Sum of the discounts' monthly amounts. */
  discountMonthly: number
  /** grossMonthly − discountMonthly: what this item adds to MRR (0 when excluded). Exact, may be fractional. */
  monthlyAmount: number
  discounts: MrrAppliedDiscount[]
  /** Why the item adds nothing; null when counted. */
  excludedReason: MrrExclusion | null
}

export interface MrrBreakdown {
  items: MrrBreakdownItem[]
  skippedDiscounts: MrrSkippedDiscount[]
  /** Per currency, integer minor units: the exact sum of counted items, rounded half to even. */
  totals: Record<string, number>
}

// Months per interval as a fraction (numerator, denominator): a year is 12 months, a week
// 12/52 of one, a day 12/365 — SPEC F10's "year ÷ 12, week × 52 ÷ 12, day × 365 ÷ 12".
const PER_MONTH: Record<string, [number, number]> = {
  month: [1, 1],
  year: [1, 12],
  week: [52, 12],
  day: [365, 12],
}

/** MRR in minor units per currency (`{ usd: 4900 }`). See computeMrrBreakdown for the parts. */
export function computeMrr(input: MrrInput, options: MrrOptions): Record<string, number> {
  return computeMrrBreakdown(input, options).totals
}

/**
 * Item-by-item MRR, for the contact page: each item of every subscription with its monthly
 * amount, the discounts taken off it, or the reason it does not count.
 */
export function computeMrrBreakdown(input: MrrInput, options: MrrOptions): MrrBreakdown {
  const nowSeconds = Math.floor(options.now.getTime() / 1000)
  const items: MrrBreakdownItem[] = []
  const skippedDiscounts: MrrSkippedDiscount[] = []
  const exact: Record<string, number> = {}

  for (const sub of input.subscriptions) {
    const rows = sub.items.data.map((item) => itemRow(sub, item, input, nowSeconds))
    const counted = rows.filter((r) => r.row.excludedReason === null)

    // Stripe applies item discounts before subscription discounts.
    for (const r of counted) {
      const itemDiscounts = resolveDiscounts(r.item.discounts, null, input)
      for (const d of itemDiscounts) {
        applyDiscount(d, 'item', [r], sub, input, options, nowSeconds, skippedDiscounts)
      }
    }

    // A subscription's own discounts override the customer's; the customer's apply otherwise.
    const subDiscounts = resolveDiscounts(sub.discounts, sub.discount, input)
    const level = subDiscounts.length > 0 ? 'subscription' : 'customer'
    const discounts = subDiscounts.length > 0 ? subDiscounts : resolveDiscounts(null, input.customer?.discount, input)
    if (counted.length > 0) {
      for (const d of discounts) applyDiscount(d, level, counted, sub, input, options, nowSeconds, skippedDiscounts)
    }

    for (const r of rows) {
      if (r.row.excludedReason === null) {
        r.row.discountMonthly = r.row.grossMonthly - r.periodNet * r.perMonth
        r.row.monthlyAmount = Math.max(0, r.periodNet * r.perMonth)
        exact[r.row.currency] = (exact[r.row.currency] ?? 0) + r.row.monthlyAmount
      }
      items.push(r.row)
    }
  }

  const totals: Record<string, number> = {}
  for (const [currency, value] of Object.entries(exact)) totals[currency] = roundHalfEven(value)
  return { items, skippedDiscounts, totals }
}

interface WorkingRow {
  item: BundleSubscriptionItem
  row: MrrBreakdownItem
  /** Remaining amount per billing period after the discounts applied so far. */
  periodNet: number
  /** Factor from one billing period to one month. */
  perMonth: number
}

function itemRow(sub: BundleSubscription, item: BundleSubscriptionItem, input: MrrInput, nowSeconds: number): WorkingRow {
  const price = priceWithTiers(item.price, input)
  const recurring = price.recurring ?? null
  const intervalCount = recurring?.interval_count && recurring.interval_count > 0 ? recurring.interval_count : 1
  const quantity = item.quantity ?? 1
  const row: MrrBreakdownItem = {
    subscriptionId: sub.id,
    subscriptionStatus: sub.status,
    itemId: item.id,
    priceId: price.id,
    product: productOf(price, input),
    currency: (price.currency || sub.currency).toLowerCase(),
    quantity,
    interval: recurring?.interval ?? null,
    intervalCount,
    periodAmount: null,
    grossMonthly: 0,
    discountMonthly: 0,
    monthlyAmount: 0,
    discounts: [],
    excludedReason: null,
  }
  const working: WorkingRow = { item, row, periodNet: 0, perMonth: 0 }
  const exclude = (reason: MrrExclusion) => {
    row.excludedReason = reason
    return working
  }

  if (sub.status === 'trialing') return exclude('trialing')
  if (!mrrStatuses.includes(sub.status)) return exclude('subscription_not_active')
  if (!recurring) return exclude('not_recurring')
  if (recurring.usage_type === 'metered') return exclude('metered')
  if (typeof item.current_trial?.end_date === 'number' && item.current_trial.end_date > nowSeconds) return exclude('trialing')
  const factor = PER_MONTH[recurring.interval]
  if (!factor) return exclude('unknown_interval')

  const periodAmount = priceForQuantity(price, transformQuantity(quantity, price))
  if (periodAmount === 'tiers_missing') return exclude('tiers_missing')
  row.periodAmount = periodAmount
  if (periodAmount <= 0) return exclude('free')

  working.perMonth = factor[0] / (factor[1] * intervalCount)
  working.periodNet = periodAmount
  row.grossMonthly = periodAmount * working.perMonth
  return working
}

/** `transform_quantity` (e.g. "per 10 seats, rounded up") applies to licensed quantities too. */
function transformQuantity(quantity: number, price: BundlePrice): number {
  const t = price.transform_quantity
  if (!t || !(t.divide_by > 0)) return quantity
  const q = quantity / t.divide_by
  return t.round === 'up' ? Math.ceil(q) : Math.floor(q)
}

function priceForQuantity(price: BundlePrice, quantity: number): number | 'tiers_missing' {
  const isTiered = price.billing_scheme === 'tiered'
  if (!isTiered) {
    const unit = parseDecimal(price.unit_amount_decimal) ?? price.unit_amount ?? 0
    return unit * quantity
  }
  if (!price.tiers || price.tiers.length === 0) return 'tiers_missing'
  return tieredAmount(price.tiers, price.tiers_mode === 'volume' ? 'volume' : 'graduated', quantity)
}

const upTo = (t: BundlePriceTier) => (t.up_to === null || t.up_to === 'inf' ? Number.POSITIVE_INFINITY : t.up_to)
const tierUnit = (t: BundlePriceTier) => parseDecimal(t.unit_amount_decimal) ?? t.unit_amount ?? 0
const tierFlat = (t: BundlePriceTier) => parseDecimal(t.flat_amount_decimal) ?? t.flat_amount ?? 0

/**
 * Stripe tiers, `up_to: null` (or "inf") meaning no upper bound.
 * - graduated: each tier prices the units that fall in it, plus its flat amount when any unit does;
 * - volume: the tier containing the whole quantity prices every unit, plus its flat amount.
 * A quantity of 0 costs 0 in both modes here (no tier is reached).
 */
export function tieredAmount(tiers: readonly BundlePriceTier[], mode: 'graduated' | 'volume', quantity: number): number {
  if (quantity <= 0) return 0
  const sorted = [...tiers].sort((a, b) => upTo(a) - upTo(b))
  if (mode === 'volume') {
    const tier = sorted.find((t) => quantity <= upTo(t)) ?? sorted[sorted.length - 1]
    return quantity * tierUnit(tier) + tierFlat(tier)
  }
  let total = 0
  let lower = 0
  for (const tier of sorted) {
    if (quantity <= lower) break
    const units = Math.min(quantity, upTo(tier)) - lower
    total += units * tierUnit(tier) + tierFlat(tier)
    lower = upTo(tier)
  }
  return total
}

type Eligibility =
  | { ok: true; discountId: string | null; coupon: BundleCoupon }
  | { ok: false; discountId: string | null; couponId: string | null; reason: DiscountSkipReason }

/** Whether a discount counts towards MRR now: forever always, repeating by setting while it runs, once never. */
function eligibility(entry: BundleDiscount | { unresolved: string }, input: MrrInput, options: MrrOptions, nowSeconds: number): Eligibility {
  // Without the permission, ids are all there is: say why, so the gross MRR is explained.
  const unresolved: DiscountSkipReason = input.couponsReadable === false ? 'coupon_permission_missing' : 'unresolved'
  if ('unresolved' in entry) return { ok: false, discountId: entry.unresolved, couponId: null, reason: unresolved }
  const discountId = entry.id ?? null
  const coupon = couponOf(entry, input)
  const no = (reason: DiscountSkipReason, couponId: string | null): Eligibility => ({ ok: false, discountId, couponId, reason })
  if (coupon === null) return no('no_coupon', null)
  if ('unresolved' in coupon) return no(unresolved, coupon.unresolved)
  switch (coupon.duration) {
    case 'forever':
      return { ok: true, discountId, coupon }
    case 'repeating':
      if (!options.includeRepeatingDiscounts) return no('repeating_not_included', coupon.id)
      if (typeof entry.end === 'number' && entry.end <= nowSeconds) return no('ended', coupon.id)
      return { ok: true, discountId, coupon }
    case 'once':
      return no('once', coupon.id)
    default:
      return no('unknown_duration', coupon.id)
  }
}

function applyDiscount(
  entry: BundleDiscount | { unresolved: string },
  level: 'item' | 'subscription' | 'customer',
  rows: WorkingRow[],
  sub: BundleSubscription,
  input: MrrInput,
  options: MrrOptions,
  nowSeconds: number,
  skipped: MrrSkippedDiscount[],
): void {
  const itemId = level === 'item' ? (rows[0]?.row.itemId ?? null) : null
  const e = eligibility(entry, input, options, nowSeconds)
  if (!e.ok) {
    skipped.push({ subscriptionId: sub.id, itemId, discountId: e.discountId, couponId: e.couponId, level, reason: e.reason })
    return
  }
  const { coupon, discountId } = e
  const base = { discountId, couponId: coupon.id, level, duration: coupon.duration, percentOff: coupon.percent_off ?? null }
  if (typeof coupon.percent_off === 'number' && coupon.percent_off > 0) {
    for (const r of rows) {
      const off = (r.periodNet * Math.min(coupon.percent_off, 100)) / 100
      r.periodNet -= off
      r.row.discounts.push({ ...base, amountOff: null, monthlyAmount: off * r.perMonth })
    }
    return
  }
  const amountOff = amountOffIn(coupon, sub.currency)
  if (amountOff === null) {
    skipped.push({ subscriptionId: sub.id, itemId, discountId, couponId: coupon.id, level, reason: 'currency_mismatch' })
    return
  }
  // amount_off is per invoice (one billing period of the subscription): shared between the
  // counted items in proportion to what each still costs per period, then normalised per item.
  const remaining = rows.reduce((sum, r) => sum + r.periodNet, 0)
  if (remaining <= 0) return
  const applied = Math.min(amountOff, remaining)
  for (const r of rows) {
    const off = (applied * r.periodNet) / remaining
    r.periodNet -= off
    r.row.discounts.push({ ...base, amountOff, monthlyAmount: off * r.perMonth })
  }
}

function amountOffIn(coupon: BundleCoupon, currency: string): number | null {
  if (typeof coupon.amount_off !== 'number') return null
  const cur = currency.toLowerCase()
  if (coupon.currency?.toLowerCase() === cur) return coupon.amount_off
  const option = coupon.currency_options?.[cur]
  return typeof option?.amount_off === 'number' ? option.amount_off : null
}
