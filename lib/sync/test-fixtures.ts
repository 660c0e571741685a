// Builders for lib/sync tests, shaped like /work/shared/stripe-shapes/objects (current API
// shape unless the name says pre-basil). Values are realistic, not the fixtures' filler.
import type {
  BundleCharge,
  BundleCoupon,
  BundleCustomer,
  BundleDiscount,
  BundlePaymentMethod,
  BundlePrice,
  BundlePriceTier,
  BundleSubscription,
  BundleSubscriptionItem,
  CustomerBundle,
} from './customer-bundle'

export const NOW = new Date('2026-03-15T12:00:00.000Z')
export const NOW_S = Math.floor(NOW.getTime() / 1000)
export const DAY = 86_400

/** Unix seconds for an ISO date, for readable fixtures. */
export const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000)

export function buildCustomer(overrides: Partial<BundleCustomer> = {}): BundleCustomer {
  return {
    id: 'cus_QXg1o8vcGmoR32',
    object: 'customer',
    address: { city: 'San Francisco', country: 'US', line1: '1234 Fake Street', line2: null, postal_code: '94102', state: 'CA' },
    balance: 0,
    created: unix('2025-01-10T09:00:00Z'),
    currency: 'usd',
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: 'jenny@example.com',
    invoice_settings: { default_payment_method: null },
    livemode: false,
    metadata: {},
    name: 'Jenny Rosen',
    phone: '+15555555555',
    ...overrides,
  } as BundleCustomer
}

export interface PriceSpec {
  id?: string
  unit_amount?: number | null
  unit_amount_decimal?: string | null
  currency?: string
  interval?: 'day' | 'week' | 'month' | 'year'
  interval_count?: number
  usage_type?: 'licensed' | 'metered'
  billing_scheme?: 'per_unit' | 'tiered'
  tiers_mode?: 'graduated' | 'volume' | null
  tiers?: BundlePriceTier[]
  product?: BundlePrice['product']
  nickname?: string | null
  recurring?: null
  transform_quantity?: BundlePrice['transform_quantity']
}

export function buildPrice(spec: PriceSpec = {}): BundlePrice {
  const unit = spec.unit_amount === undefined ? 4900 : spec.unit_amount
  return {
    id: spec.id ?? 'price_1PgafmB7WZ01zgkW6dKueIc5',
    object: 'price',
    active: true,
    billing_scheme: spec.billing_scheme ?? 'per_unit',
    created: unix('2024-07-25T00:00:00Z'),
    currency: spec.currency ?? 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: spec.nickname ?? null,
    product: spec.product ?? 'prod_QXg1hqf4jFNsqG',
    recurring:
      spec.recurring === null
        ? null
        : { interval: spec.interval ?? 'month', interval_count: spec.interval_count ?? 1, meter: null, usage_type: spec.usage_type ?? 'licensed', trial_period_days: null },
    tax_behavior: 'unspecified',
    tiers_mode: spec.tiers_mode ?? null,
    ...(spec.tiers ? { tiers: spec.tiers } : {}),
    transform_quantity: spec.transform_quantity ?? null,
    type: spec.recurring === null ? 'one_time' : 'recurring',
    unit_amount: unit,
    unit_amount_decimal: spec.unit_amount_decimal !== undefined ? spec.unit_amount_decimal : unit === null ? null : String(unit),
  } as BundlePrice
}

export function buildItem(
  price: BundlePrice,
  opts: { id?: string; quantity?: number; discounts?: BundleSubscriptionItem['discounts']; period?: [number, number] | null; trialEnd?: number } = {},
): BundleSubscriptionItem {
  const period = opts.period === undefined ? [unix('2026-03-01T00:00:00Z'), unix('2026-04-01T00:00:00Z')] : opts.period
  return {
    id: opts.id ?? `si_${price.id.slice(-8)}`,
    object: 'subscription_item',
    created: unix('2025-02-01T00:00:00Z'),
    discounts: opts.discounts ?? [],
    metadata: {},
    price,
    quantity: opts.quantity ?? 1,
    subscription: 'sub_x',
    tax_rates: [],
    ...(period ? { current_period_start: period[0], current_period_end: period[1] } : {}),
    ...(opts.trialEnd ? { current_trial: { end_date: opts.trialEnd } } : {}),
  } as BundleSubscriptionItem
}

export interface SubscriptionSpec {
  id?: string
  status?: string
  created?: number
  currency?: string
  items?: BundleSubscriptionItem[]
  discounts?: BundleSubscription['discounts']
  trial_start?: number | null
  trial_end?: number | null
  canceled_at?: number | null
  cancel_at_period_end?: boolean
  default_payment_method?: BundleSubscription['default_payment_method']
}

/** Current (basil and later) shape: periods on the items, `discounts` array. */
export function buildSubscription(spec: SubscriptionSpec = {}): BundleSubscription {
  const id = spec.id ?? 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw'
  return {
    id,
    object: 'subscription',
    billing_cycle_anchor: unix('2025-02-01T00:00:00Z'),
    cancel_at: null,
    cancel_at_period_end: spec.cancel_at_period_end ?? false,
    canceled_at: spec.canceled_at ?? null,
    collection_method: 'charge_automatically',
    created: spec.created ?? unix('2025-02-01T00:00:00Z'),
    currency: spec.currency ?? 'usd',
    customer: 'cus_QXg1o8vcGmoR32',
    default_payment_method: spec.default_payment_method ?? null,
    description: null,
    discounts: spec.discounts ?? [],
    ended_at: null,
    items: { object: 'list', data: spec.items ?? [buildItem(buildPrice())], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    metadata: {},
    start_date: spec.created ?? unix('2025-02-01T00:00:00Z'),
    status: spec.status ?? 'active',
    trial_end: spec.trial_end ?? null,
    trial_start: spec.trial_start ?? null,
  } as BundleSubscription
}

/** Pre-basil (≈ 2025-01-27.acacia): `current_period_*` and the single `discount` on the subscription, none on items. */
export function buildPreBasilSubscription(spec: SubscriptionSpec & { period?: [number, number]; discount?: BundleDiscount | null } = {}): BundleSubscription {
  const base = buildSubscription({ ...spec, items: (spec.items ?? [buildItem(buildPrice(), { period: null })]).map(stripItemPeriod) })
  const period = spec.period ?? [unix('2026-03-01T00:00:00Z'), unix('2026-04-01T00:00:00Z')]
  return { ...base, current_period_start: period[0], current_period_end: period[1], discount: spec.discount ?? null, discounts: [] }
}

function stripItemPeriod(item: BundleSubscriptionItem): BundleSubscriptionItem {
  const { current_period_start: _s, current_period_end: _e, ...rest } = item
  return rest
}

export function buildCoupon(spec: Partial<BundleCoupon> & { duration: BundleCoupon['duration'] }): BundleCoupon {
  return {
    id: spec.id ?? `co_${spec.duration}`,
    object: 'coupon',
    amount_off: spec.amount_off ?? null,
    created: unix('2025-01-01T00:00:00Z'),
    currency: spec.currency ?? (spec.amount_off ? 'usd' : null),
    duration: spec.duration,
    duration_in_months: spec.duration === 'repeating' ? 3 : null,
    livemode: false,
    max_redemptions: null,
    metadata: {},
    name: null,
    percent_off: spec.percent_off ?? null,
    redeem_by: null,
    times_redeemed: 1,
    valid: true,
    ...(spec.currency_options ? { currency_options: spec.currency_options } : {}),
  } as BundleCoupon
}

/** Current shape puts the coupon at `source.coupon`; `legacy` puts it at `coupon` (pre-2025). */
export function buildDiscount(coupon: BundleCoupon | string, opts: { id?: string; end?: number | null; legacy?: boolean } = {}): BundleDiscount {
  const base = {
    id: opts.id ?? `di_${typeof coupon === 'string' ? coupon : coupon.id}`,
    object: 'discount',
    checkout_session: null,
    customer: 'cus_QXg1o8vcGmoR32',
    end: opts.end ?? null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    start: unix('2025-02-01T00:00:00Z'),
    subscription: null,
    subscription_item: null,
  }
  return (opts.legacy ? { ...base, coupon } : { ...base, source: { type: 'coupon', coupon } }) as BundleDiscount
}

export function buildCharge(spec: Partial<BundleCharge> & { id: string; created: number }): BundleCharge {
  const amount = spec.amount ?? 4900
  const succeeded = (spec.status ?? 'succeeded') === 'succeeded'
  return {
    object: 'charge',
    amount,
    amount_captured: succeeded ? amount : 0,
    amount_refunded: 0,
    captured: succeeded,
    currency: 'usd',
    customer: 'cus_QXg1o8vcGmoR32',
    description: 'Subscription update',
    paid: succeeded,
    refunded: false,
    status: 'succeeded',
    ...spec,
  } as BundleCharge
}

export function buildPaymentMethod(spec: { id?: string; brand?: string; exp_month?: number; exp_year?: number } = {}): BundlePaymentMethod {
  return {
    id: spec.id ?? 'pm_1Pgc75B7WZ01zgkWlHVgdEGJ',
    object: 'payment_method',
    type: 'card',
    card: { brand: spec.brand ?? 'visa', exp_month: spec.exp_month ?? 8, exp_year: spec.exp_year ?? 2030 },
  } as BundlePaymentMethod
}

export function buildBundle(overrides: Partial<CustomerBundle> = {}): CustomerBundle {
  return { customer: buildCustomer(), subscriptions: [], charges: [], paymentMethods: [], ...overrides }
}
