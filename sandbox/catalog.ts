// The sample catalog every generated account sells: monthly, annual and weekly prices, seats
// with quantities, a tiered price, a metered item, a euro price, and the coupons in use.

import type Stripe from 'stripe'
import type { Wire } from './objects'
import type { Random } from './random'
import type { Account } from './store'

export interface CatalogIds {
  starterMonthly: string
  starterAnnual: string
  proMonthly: string
  proAnnual: string
  proWeekly: string
  proMonthlyEur: string
  teamSeats: string
  volumeTiered: string
  apiMetered: string
  forever20: string
  repeating50: string
}

type Interval = 'day' | 'week' | 'month' | 'year'

interface PriceSpec {
  key: keyof CatalogIds
  product: string
  nickname: string
  currency: string
  interval: Interval
  unitAmount: number | null
  tiers?: { up_to: number | null; unit_amount: number }[]
  metered?: boolean
}

export function createCatalog(account: Account, rng: Random, created: number): CatalogIds {
  const products: Record<string, string> = {}
  const productSpecs = [
    ['starter', 'Starter', 'For individuals getting started'],
    ['pro', 'Pro', 'For growing businesses'],
    ['team', 'Team', 'Per-seat plan for teams'],
    ['volume', 'Volume', 'Tiered pricing for high volume'],
    ['api', 'API usage', 'Metered API calls'],
  ] as const
  for (const [key, name, description] of productSpecs) {
    const id = rng.id('prod', 14)
    products[key] = id
    addProduct(account, { id, name, description, created, unitLabel: key === 'team' ? 'seat' : null })
  }

  const specs: PriceSpec[] = [
    { key: 'starterMonthly', product: 'starter', nickname: 'Starter monthly', currency: 'usd', interval: 'month', unitAmount: 900 },
    { key: 'starterAnnual', product: 'starter', nickname: 'Starter annual', currency: 'usd', interval: 'year', unitAmount: 9000 },
    { key: 'proMonthly', product: 'pro', nickname: 'Pro monthly', currency: 'usd', interval: 'month', unitAmount: 2900 },
    { key: 'proAnnual', product: 'pro', nickname: 'Pro annual', currency: 'usd', interval: 'year', unitAmount: 29000 },
    { key: 'proWeekly', product: 'pro', nickname: 'Pro weekly', currency: 'usd', interval: 'week', unitAmount: 900 },
    { key: 'proMonthlyEur', product: 'pro', nickname: 'Pro monthly (EUR)', currency: 'eur', interval: 'month', unitAmount: 2700 },
    { key: 'teamSeats', product: 'team', nickname: 'Team per seat', currency: 'usd', interval: 'month', unitAmount: 1500 },
    {
      key: 'volumeTiered',
      product: 'volume',
      nickname: 'Volume graduated',
      currency: 'usd',
      interval: 'month',
      unitAmount: null,
      tiers: [
        { up_to: 5, unit_amount: 1000 },
        { up_to: 20, unit_amount: 800 },
        { up_to: null, unit_amount: 500 },
      ],
    },
    { key: 'apiMetered', product: 'api', nickname: 'API calls', currency: 'usd', interval: 'month', unitAmount: 2, metered: true },
  ]
  const ids = {} as CatalogIds
  for (const spec of specs) {
    const id = rng.id('price')
    ids[spec.key] = id
    const price: Wire<Stripe.Price> = {
      id,
      object: 'price',
      active: true,
      billing_scheme: spec.tiers ? 'tiered' : 'per_unit',
      created,
      currency: spec.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: spec.key,
      metadata: {},
      nickname: spec.nickname,
      product: products[spec.product] as string,
      recurring: {
        interval: spec.interval,
        interval_count: 1,
        meter: spec.metered ? rng.id('mtr') : null,
        trial_period_days: null,
        usage_type: spec.metered ? 'metered' : 'licensed',
      },
      tax_behavior: 'unspecified',
      tiers_mode: spec.tiers ? 'graduated' : null,
      transform_quantity: null,
      type: 'recurring',
      unit_amount: spec.unitAmount,
      unit_amount_decimal: spec.unitAmount === null ? null : String(spec.unitAmount),
    }
    if (spec.tiers) {
      price.tiers = spec.tiers.map((t) => ({
        flat_amount: null,
        flat_amount_decimal: null,
        unit_amount: t.unit_amount,
        unit_amount_decimal: String(t.unit_amount),
        up_to: t.up_to,
      }))
    }
    account.prices.add({ id, created, seq: account.nextSeq(), obj: price as unknown as Stripe.Price })
  }

  const coupons: { key: 'forever20' | 'repeating50'; id: string; coupon: Wire<Stripe.Coupon> }[] = [
    {
      key: 'forever20',
      id: 'FOREVER20',
      coupon: {
        id: 'FOREVER20',
        object: 'coupon',
        amount_off: null,
        created,
        currency: null,
        duration: 'forever',
        duration_in_months: null,
        livemode: false,
        max_redemptions: null,
        metadata: {},
        name: '20% off forever',
        percent_off: 20,
        redeem_by: null,
        times_redeemed: 0,
        valid: true,
      },
    },
    {
      key: 'repeating50',
      id: 'HALF3MONTHS',
      coupon: {
        id: 'HALF3MONTHS',
        object: 'coupon',
        amount_off: null,
        created,
        currency: null,
        duration: 'repeating',
        duration_in_months: 3,
        livemode: false,
        max_redemptions: null,
        metadata: {},
        name: '50% off for 3 months',
        percent_off: 50,
        redeem_by: null,
        times_redeemed: 0,
        valid: true,
      },
    },
  ]
  for (const c of coupons) {
    ids[c.key] = c.id
    account.coupons.add({ id: c.id, created, seq: account.nextSeq(), obj: c.coupon as unknown as Stripe.Coupon })
  }
  return ids
}

/** Amount for one item over one period, Stripe's way (graduated tiers, per unit). */
export function itemAmount(price: Stripe.Price, quantity: number): number {
  const wire = price as unknown as Wire<Stripe.Price>
  if (wire.billing_scheme === 'tiered' && wire.tiers) {
    let remaining = quantity
    let lastUpTo = 0
    let total = 0
    for (const tier of wire.tiers) {
      const cap = tier.up_to === null ? Number.POSITIVE_INFINITY : tier.up_to - lastUpTo
      const inTier = Math.min(remaining, cap)
      total += inTier * (tier.unit_amount ?? 0) + (inTier > 0 ? (tier.flat_amount ?? 0) : 0)
      remaining -= inTier
      if (tier.up_to !== null) lastUpTo = tier.up_to
      if (remaining <= 0) break
    }
    return total
  }
  return (wire.unit_amount ?? 0) * quantity
}

/** Adds one billing interval the way Stripe does: calendar months/years, clamped to month end. */
export function addInterval(ts: number, interval: Interval, count = 1): number {
  if (interval === 'day') return ts + 86_400 * count
  if (interval === 'week') return ts + 7 * 86_400 * count
  const d = new Date(ts * 1000)
  const months = interval === 'month' ? count : 12 * count
  const day = d.getUTCDate()
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(day, lastDay))
  return Math.floor(target.getTime() / 1000)
}

export function priceInterval(price: Stripe.Price): Interval {
  return ((price as unknown as Wire<Stripe.Price>).recurring?.interval ?? 'month') as Interval
}

export function isMetered(price: Stripe.Price): boolean {
  return (price as unknown as Wire<Stripe.Price>).recurring?.usage_type === 'metered'
}

/** Stores a product of the account, shaped as Stripe returns it. */
export function addProduct(account: Account, args: { id: string; name: string; description: string | null; created: number; unitLabel?: string | null }): Wire<Stripe.Product> {
  const product: Wire<Stripe.Product> = {
    id: args.id,
    object: 'product',
    active: true,
    created: args.created,
    default_price: null,
    description: args.description,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: args.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: args.unitLabel ?? null,
    updated: args.created,
    url: null,
  }
  account.products.add({ id: args.id, created: args.created, seq: account.nextSeq(), obj: product as unknown as Stripe.Product })
  return product
}
