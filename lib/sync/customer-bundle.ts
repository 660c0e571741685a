import type Stripe from 'stripe'
import type { DecimalLike } from './currency'

// The input of every derivation in lib/sync: one Stripe customer and what hangs off it, read
// from our mirror tables or straight from the SDK. The types name only the fields we read and
// accept every shape Stripe has sent for them (stripe-shapes/README.md, traps 2 and 6):
// - `current_period_*` on the subscription (pre-basil) or on each item (basil and later);
// - `discounts` (ids or objects) or the legacy single `discount`; a discount's coupon at
//   `source.coupon` (current) or `coupon` (older versions);
// - ids where a webhook sends ids, objects where a backfill used `expand[]`;
// - `*_decimal` as an SDK `Decimal` object or as the string JSON gives back.
// SDK objects (`Stripe.Subscription`, …) are assignable to these types; customer-bundle.test.ts
// proves it at compile time.

type Expandable<T> = string | T

/** A coupon, or the parts of one we read. */
export type BundleCoupon = Pick<Stripe.Coupon, 'id' | 'duration' | 'percent_off' | 'amount_off' | 'currency'> & {
  currency_options?: Record<string, { amount_off: number }> | null
  name?: string | null
}

export interface BundleDiscount {
  id?: string | null
  /** Current API versions: `source: { type: 'coupon', coupon }`. */
  source?: { type?: string; coupon?: Expandable<BundleCoupon> | null } | null
  /** Pre-2025 API versions: the coupon sits on the discount itself. */
  coupon?: Expandable<BundleCoupon> | null
  /** Set for `repeating` coupons: when the discount stops applying (unix seconds). */
  end?: number | null
  start?: number | null
}

export type BundleProduct = { id: string; name?: string | null; deleted?: unknown }

export interface BundlePriceTier {
  up_to: number | 'inf' | null
  unit_amount?: number | null
  unit_amount_decimal?: DecimalLike | null
  flat_amount?: number | null
  flat_amount_decimal?: DecimalLike | null
}

export interface BundlePrice {
  id: string
  currency: string
  nickname?: string | null
  product?: Expandable<BundleProduct> | null
  unit_amount?: number | null
  unit_amount_decimal?: DecimalLike | null
  billing_scheme?: string | null
  tiers_mode?: string | null
  /** Only present when the price was fetched with `expand[]=tiers` (or `data.tiers`). */
  tiers?: readonly BundlePriceTier[] | null
  recurring?: {
    interval: string
    interval_count?: number | null
    usage_type?: string | null
  } | null
  transform_quantity?: { divide_by: number; round: string } | null
  type?: string | null
}

export interface BundleSubscriptionItem {
  id: string
  price: BundlePrice
  quantity?: number | null
  discounts?: readonly Expandable<BundleDiscount>[] | null
  /** Basil and later. */
  current_period_start?: number | null
  current_period_end?: number | null
  /** Per-item trial (recent API versions). */
  current_trial?: { end_date?: number | null } | null
}

export interface BundleSubscription {
  id: string
  status: string
  created: number
  currency: string
  items: { data: readonly BundleSubscriptionItem[] }
  discounts?: readonly Expandable<BundleDiscount>[] | null
  /** Pre-basil single discount. */
  discount?: BundleDiscount | null
  default_payment_method?: Expandable<BundlePaymentMethod> | null
  trial_start?: number | null
  trial_end?: number | null
  canceled_at?: number | null
  cancel_at_period_end?: boolean | null
  /** Pre-basil. */
  current_period_start?: number | null
  current_period_end?: number | null
}

export interface BundleAddress {
  city?: string | null
  country?: string | null
  line1?: string | null
  line2?: string | null
  postal_code?: string | null
  state?: string | null
}

/** A card as a PaymentMethod carries it, or a legacy Card source (`card_…`, brand at top level). */
export interface BundlePaymentMethod {
  id: string
  object?: string
  type?: string
  card?: { brand?: string | null; exp_month?: number | null; exp_year?: number | null } | null
  brand?: string | null
  exp_month?: number | null
  exp_year?: number | null
}

export interface BundleCustomer {
  id: string
  email?: string | null
  name?: string | null
  phone?: string | null
  description?: string | null
  created: number
  balance?: number | null
  currency?: string | null
  delinquent?: boolean | null
  livemode: boolean
  address?: BundleAddress | null
  metadata?: Record<string, string> | null
  discount?: BundleDiscount | null
  invoice_settings?: { default_payment_method?: Expandable<BundlePaymentMethod> | null } | null
  default_source?: Expandable<BundlePaymentMethod> | null
}

export interface BundleCharge {
  id: string
  amount: number
  amount_captured?: number | null
  amount_refunded?: number | null
  captured?: boolean | null
  paid?: boolean | null
  status: string
  currency: string
  created: number
  description?: string | null
}

/** Lookups may be a Map (built in code) or a plain object (read back from JSON). */
export type Lookup<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>

export interface CustomerBundle {
  customer: BundleCustomer
  /** Every subscription of the customer, any status (list with `status=all`). */
  subscriptions: readonly BundleSubscription[]
  /** Products by id, for prices whose `product` is an id. */
  products?: Lookup<BundleProduct>
  /** Prices by id with `tiers` expanded, for tiered item prices that arrived without tiers. */
  prices?: Lookup<BundlePrice>
  /** Discounts by id, for `discounts` given as ids (webhook payloads). */
  discounts?: Lookup<BundleDiscount>
  /** Coupons by id, for discounts whose coupon is an id. */
  coupons?: Lookup<BundleCoupon>
  /**
   * False when the connection's key lacks the optional Coupons read permission, so discounts
   * could not be expanded: MRR then names that as the reason a discount was not counted.
   * Undefined when unknown (an id left unresolved for another reason).
   */
  couponsReadable?: boolean
  /** The customer's charges, any order, any status. */
  charges?: readonly BundleCharge[]
  /** The customer's payment methods; the default one is resolved from the customer or subscription. */
  paymentMethods?: readonly BundlePaymentMethod[]
}

export function lookup<T>(table: Lookup<T> | undefined, id: string): T | undefined {
  if (!table) return undefined
  if (table instanceof Map) return table.get(id)
  const record = table as Readonly<Record<string, T>>
  return Object.hasOwn(record, id) ? record[id] : undefined
}

export function idOf(value: Expandable<{ id?: string | null }> | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  return value.id ?? null
}

/**
 * Current billing period: on pre-basil payloads it sits on the subscription; from basil on it
 * sits on each item, and we take the first item that has one (items of one subscription share
 * their period unless it uses flexible billing with mixed intervals).
 */
export function subscriptionPeriod(sub: BundleSubscription): { start: number | null; end: number | null } {
  if (typeof sub.current_period_start === 'number' || typeof sub.current_period_end === 'number') {
    return { start: sub.current_period_start ?? null, end: sub.current_period_end ?? null }
  }
  const item = sub.items.data.find((i) => typeof i.current_period_start === 'number' || typeof i.current_period_end === 'number')
  return { start: item?.current_period_start ?? null, end: item?.current_period_end ?? null }
}

/** Resolves ids through the bundle; unresolvable ids are returned as `{ unresolved: id }`. */
export function resolveDiscounts(
  list: readonly Expandable<BundleDiscount>[] | null | undefined,
  legacy: BundleDiscount | null | undefined,
  bundle: Pick<CustomerBundle, 'discounts'>,
): Array<BundleDiscount | { unresolved: string }> {
  const out: Array<BundleDiscount | { unresolved: string }> = []
  const seen = new Set<string>()
  const push = (d: BundleDiscount | { unresolved: string }, id: string | null | undefined) => {
    if (id) {
      if (seen.has(id)) return
      seen.add(id)
    }
    out.push(d)
  }
  for (const entry of list ?? []) {
    if (typeof entry === 'string') {
      const found = lookup(bundle.discounts, entry)
      push(found ?? { unresolved: entry }, entry)
    } else push(entry, entry.id)
  }
  if (legacy) push(legacy, legacy.id)
  return out
}

/** The coupon behind a discount, in either shape; `{ unresolved }` when only its id is known. */
export function couponOf(
  discount: BundleDiscount,
  bundle: Pick<CustomerBundle, 'coupons'>,
): BundleCoupon | { unresolved: string } | null {
  const ref = discount.source?.coupon ?? discount.coupon ?? null
  if (ref === null) return null
  if (typeof ref !== 'string') return ref
  return lookup(bundle.coupons, ref) ?? { unresolved: ref }
}

/** `{ id, name }` of a price's product, expanded or looked up; name null when unknown. */
export function productOf(price: BundlePrice, bundle: Pick<CustomerBundle, 'products'>): { id: string; name: string | null } | null {
  const ref = price.product
  if (ref === null || ref === undefined) return null
  if (typeof ref === 'string') return { id: ref, name: lookup(bundle.products, ref)?.name ?? null }
  return { id: ref.id, name: ref.name ?? lookup(bundle.products, ref.id)?.name ?? null }
}

/** The price with `tiers` when either the item or the bundle's price table has them. */
export function priceWithTiers(price: BundlePrice, bundle: Pick<CustomerBundle, 'prices'>): BundlePrice {
  if (price.tiers && price.tiers.length > 0) return price
  const full = lookup(bundle.prices, price.id)
  return full?.tiers && full.tiers.length > 0 ? { ...price, tiers: full.tiers, tiers_mode: price.tiers_mode ?? full.tiers_mode } : price
}

/**
 * The default payment method: the customer's `invoice_settings.default_payment_method`, else
 * the given subscription's `default_payment_method`, else the customer's legacy
 * `default_source`. Ids are resolved against `bundle.paymentMethods`; null when unreadable.
 */
export function defaultPaymentMethod(bundle: CustomerBundle, subscription: BundleSubscription | null): BundlePaymentMethod | null {
  const candidates = [
    bundle.customer.invoice_settings?.default_payment_method,
    subscription?.default_payment_method,
    bundle.customer.default_source,
  ]
  for (const ref of candidates) {
    if (ref === null || ref === undefined) continue
    if (typeof ref !== 'string') return ref
    const found = bundle.paymentMethods?.find((pm) => pm.id === ref)
    if (found) return found
  }
  return null
}

/** Brand and expiry from a PaymentMethod (`card.*`) or a legacy Card source (top level). */
export function cardOf(pm: BundlePaymentMethod | null): { brand: string | null; expMonth: number | null; expYear: number | null } | null {
  if (!pm) return null
  if (pm.card) return { brand: pm.card.brand ?? null, expMonth: pm.card.exp_month ?? null, expYear: pm.card.exp_year ?? null }
  if (pm.object === 'card') return { brand: pm.brand ?? null, expMonth: pm.exp_month ?? null, expYear: pm.exp_year ?? null }
  return null
}
