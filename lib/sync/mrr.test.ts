import { describe, expect, test } from 'vitest'
import type { BundlePriceTier } from './customer-bundle'
import { computeMrr, computeMrrBreakdown, type MrrInput, tieredAmount } from './mrr'
import {
  buildCoupon,
  buildCustomer,
  buildDiscount,
  buildItem,
  buildPreBasilSubscription,
  buildPrice,
  buildSubscription,
  DAY,
  NOW,
  NOW_S,
} from './test-fixtures'

const sub = (...args: Parameters<typeof buildSubscription>) => buildSubscription(...args)
const one = (price: Parameters<typeof buildPrice>[0], item: Parameters<typeof buildItem>[1] = {}) => [buildItem(buildPrice(price), item)]

const forever20 = buildDiscount(buildCoupon({ id: 'co_20', duration: 'forever', percent_off: 20 }))
const forever500 = buildDiscount(buildCoupon({ id: 'co_500', duration: 'forever', amount_off: 500, currency: 'usd' }))
const repeating50 = buildDiscount(buildCoupon({ id: 'co_rep', duration: 'repeating', percent_off: 50 }), { end: NOW_S + 30 * DAY })
const repeating50Ended = buildDiscount(buildCoupon({ id: 'co_rep', duration: 'repeating', percent_off: 50 }), { end: NOW_S - DAY })
const once100 = buildDiscount(buildCoupon({ id: 'co_once', duration: 'once', percent_off: 100 }))

const graduated: BundlePriceTier[] = [
  { up_to: 10, unit_amount: 500, unit_amount_decimal: '500', flat_amount: 1000, flat_amount_decimal: '1000' },
  { up_to: null, unit_amount: 400, unit_amount_decimal: '400', flat_amount: null, flat_amount_decimal: null },
]

interface Case {
  name: string
  input: MrrInput
  includeRepeatingDiscounts?: boolean
  expected: Record<string, number>
}

const cases: Case[] = [
  { name: 'monthly 49.00 = 49.00', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }) })] }, expected: { usd: 4900 } },
  { name: 'annual 1,200.00 ÷ 12 = 100.00', input: { subscriptions: [sub({ items: one({ unit_amount: 120000, interval: 'year' }) })] }, expected: { usd: 10000 } },
  { name: 'quantity 3 × 10.00 = 30.00', input: { subscriptions: [sub({ items: one({ unit_amount: 1000 }, { quantity: 3 }) })] }, expected: { usd: 3000 } },
  { name: 'weekly 10.00 × 52 ÷ 12 = 43.33', input: { subscriptions: [sub({ items: one({ unit_amount: 1000, interval: 'week' }) })] }, expected: { usd: 4333 } },
  { name: 'daily 1.00 × 365 ÷ 12 = 30.42', input: { subscriptions: [sub({ items: one({ unit_amount: 100, interval: 'day' }) })] }, expected: { usd: 3042 } },
  { name: 'quarterly (month × 3) 90.00 ÷ 3 = 30.00', input: { subscriptions: [sub({ items: one({ unit_amount: 9000, interval_count: 3 }) })] }, expected: { usd: 3000 } },
  { name: 'every 2 years 240.00 ÷ 12 ÷ 2 = 10.00', input: { subscriptions: [sub({ items: one({ unit_amount: 24000, interval: 'year', interval_count: 2 }) })] }, expected: { usd: 1000 } },
  { name: 'sub-cent unit_amount_decimal 0.5 minor × 1,000 = 5.00', input: { subscriptions: [sub({ items: one({ unit_amount: null, unit_amount_decimal: '0.5' }, { quantity: 1000 }) })] }, expected: { usd: 500 } },
  {
    name: 'transform_quantity 25 seats ÷ 10 rounded up = 3 × 30.00 = 90.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: 3000, transform_quantity: { divide_by: 10, round: 'up' } }, { quantity: 25 }) })] },
    expected: { usd: 9000 },
  },
  {
    name: 'three weekly 10.00 items rounded once: 3 × 4,333.33… = 130.00 (not 3 × 43.33 = 129.99)',
    input: { subscriptions: [sub({ items: [1, 2, 3].map((n) => buildItem(buildPrice({ id: `price_w${n}`, unit_amount: 1000, interval: 'week' }), { id: `si_${n}` })) })] },
    expected: { usd: 13000 },
  },
  { name: 'half to even: annual 0.18 ÷ 12 = 1.5 minor → 2', input: { subscriptions: [sub({ items: one({ unit_amount: 18, interval: 'year' }) })] }, expected: { usd: 2 } },
  { name: 'half to even: annual 0.30 ÷ 12 = 2.5 minor → 2', input: { subscriptions: [sub({ items: one({ unit_amount: 30, interval: 'year' }) })] }, expected: { usd: 2 } },
  { name: 'two subscriptions 49.00 + 100.00 = 149.00', input: { subscriptions: [sub({ id: 'sub_a', items: one({ unit_amount: 4900 }) }), sub({ id: 'sub_b', items: one({ unit_amount: 10000 }) })] }, expected: { usd: 14900 } },

  // Discounts
  { name: 'forever 20% coupon: 50.00 − 20% = 40.00', input: { subscriptions: [sub({ items: one({ unit_amount: 5000 }), discounts: [forever20] })] }, expected: { usd: 4000 } },
  { name: 'forever amount_off: 50.00 − 5.00 = 45.00', input: { subscriptions: [sub({ items: one({ unit_amount: 5000 }), discounts: [forever500] })] }, expected: { usd: 4500 } },
  {
    name: 'forever amount_off on annual: (1,200.00 − 5.00) ÷ 12 = 99.58',
    input: { subscriptions: [sub({ items: one({ unit_amount: 120000, interval: 'year' }), discounts: [forever500] })] },
    expected: { usd: 9958 },
  },
  {
    name: 'forever amount_off larger than the price: 49.00 − 60.00 floors at 0.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [buildDiscount(buildCoupon({ duration: 'forever', amount_off: 6000, currency: 'usd' }))] })] },
    expected: { usd: 0 },
  },
  {
    name: 'forever amount_off in eur on a usd subscription is not subtracted: 49.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [buildDiscount(buildCoupon({ duration: 'forever', amount_off: 500, currency: 'eur' }))] })] },
    expected: { usd: 4900 },
  },
  {
    name: 'forever amount_off through currency_options: eur 49.00 − eur 4.00 = 45.00',
    input: {
      subscriptions: [
        sub({
          currency: 'eur',
          items: one({ unit_amount: 4900, currency: 'eur' }),
          discounts: [buildDiscount(buildCoupon({ duration: 'forever', amount_off: 500, currency: 'usd', currency_options: { eur: { amount_off: 400 } } }))],
        }),
      ],
    },
    expected: { eur: 4500 },
  },
  { name: 'repeating 50% not subtracted by default: 49.00', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [repeating50] })] }, expected: { usd: 4900 } },
  {
    name: 'repeating 50% subtracted with the setting: 49.00 × 50% = 24.50',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [repeating50] })] },
    includeRepeatingDiscounts: true,
    expected: { usd: 2450 },
  },
  {
    name: 'repeating 50% that ended yesterday, with the setting: 49.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [repeating50Ended] })] },
    includeRepeatingDiscounts: true,
    expected: { usd: 4900 },
  },
  { name: 'once 100% never subtracted: 49.00', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [once100] })] }, includeRepeatingDiscounts: true, expected: { usd: 4900 } },
  {
    name: 'customer forever 10% applies to a subscription without its own: 49.00 × 90% = 44.10',
    input: { customer: buildCustomer({ discount: buildDiscount(buildCoupon({ duration: 'forever', percent_off: 10 })) }), subscriptions: [sub({ items: one({ unit_amount: 4900 }) })] },
    expected: { usd: 4410 },
  },
  {
    name: 'subscription 20% overrides customer 10%: 50.00 × 80% = 40.00',
    input: {
      customer: buildCustomer({ discount: buildDiscount(buildCoupon({ duration: 'forever', percent_off: 10 })) }),
      subscriptions: [sub({ items: one({ unit_amount: 5000 }), discounts: [forever20] })],
    },
    expected: { usd: 4000 },
  },
  {
    name: 'item 20% before subscription 5.00 off: 100.00 × 80% − 5.00 = 75.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: 10000 }, { discounts: [forever20] }), discounts: [forever500] })] },
    expected: { usd: 7500 },
  },
  {
    name: 'subscription 5.00 off shared by items 30.00 + 20.00: 50.00 − 5.00 = 45.00',
    input: {
      subscriptions: [
        sub({
          items: [buildItem(buildPrice({ id: 'price_a', unit_amount: 3000 }), { id: 'si_a' }), buildItem(buildPrice({ id: 'price_b', unit_amount: 2000 }), { id: 'si_b' })],
          discounts: [forever500],
        }),
      ],
    },
    expected: { usd: 4500 },
  },
  {
    name: 'discount given as an id, resolved from the bundle: 49.00 − 20% = 39.20',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: ['di_co_20'] })], discounts: { di_co_20: forever20 } },
    expected: { usd: 3920 },
  },
  {
    name: 'coupon given as an id, resolved from the bundle: 49.00 − 20% = 39.20',
    input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: [buildDiscount('co_20')] })], coupons: new Map([['co_20', buildCoupon({ id: 'co_20', duration: 'forever', percent_off: 20 })]]) },
    expected: { usd: 3920 },
  },
  { name: 'discount id that cannot be resolved is not subtracted: 49.00', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }), discounts: ['di_unknown'] })] }, expected: { usd: 4900 } },

  // Exclusions
  { name: 'trialing subscription excluded: 49.00 → nothing', input: { subscriptions: [sub({ status: 'trialing', items: one({ unit_amount: 4900 }) })] }, expected: {} },
  { name: 'item trial running at now excluded: 49.00 → nothing', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }, { trialEnd: NOW_S + DAY }) })] }, expected: {} },
  { name: 'item trial ended before now counted: 49.00', input: { subscriptions: [sub({ items: one({ unit_amount: 4900 }, { trialEnd: NOW_S - DAY }) })] }, expected: { usd: 4900 } },
  {
    name: 'metered item excluded, licensed kept: 49.00 + metered 0.10/unit = 49.00',
    input: { subscriptions: [sub({ items: [buildItem(buildPrice({ id: 'price_l', unit_amount: 4900 }), { id: 'si_l' }), buildItem(buildPrice({ id: 'price_m', unit_amount: 10, usage_type: 'metered' }), { id: 'si_m' })] })] },
    expected: { usd: 4900 },
  },
  { name: 'free price 0.00 excluded', input: { subscriptions: [sub({ items: one({ unit_amount: 0 }) })] }, expected: {} },
  { name: 'past_due included: 49.00', input: { subscriptions: [sub({ status: 'past_due', items: one({ unit_amount: 4900 }) })] }, expected: { usd: 4900 } },
  { name: 'canceled excluded: 49.00 → nothing', input: { subscriptions: [sub({ status: 'canceled', items: one({ unit_amount: 4900 }) })] }, expected: {} },
  { name: 'unpaid excluded: 49.00 → nothing', input: { subscriptions: [sub({ status: 'unpaid', items: one({ unit_amount: 4900 }) })] }, expected: {} },
  { name: 'incomplete excluded: 49.00 → nothing', input: { subscriptions: [sub({ status: 'incomplete', items: one({ unit_amount: 4900 }) })] }, expected: {} },

  // Tiers
  {
    name: 'graduated qty 15: flat 10.00 + 10 × 5.00 + 5 × 4.00 = 80.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: null, unit_amount_decimal: null, billing_scheme: 'tiered', tiers_mode: 'graduated', tiers: graduated }, { quantity: 15 }) })] },
    expected: { usd: 8000 },
  },
  {
    name: 'volume qty 15: 15 × 4.00 = 60.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: null, unit_amount_decimal: null, billing_scheme: 'tiered', tiers_mode: 'volume', tiers: graduated }, { quantity: 15 }) })] },
    expected: { usd: 6000 },
  },
  {
    name: 'volume qty 10 (up_to inclusive): 10 × 5.00 + flat 10.00 = 60.00',
    input: { subscriptions: [sub({ items: one({ unit_amount: null, unit_amount_decimal: null, billing_scheme: 'tiered', tiers_mode: 'volume', tiers: graduated }, { quantity: 10 }) })] },
    expected: { usd: 6000 },
  },
  {
    name: 'tiered price without tiers, tiers from bundle.prices: graduated qty 5 = 10.00 + 5 × 5.00 = 35.00',
    input: {
      subscriptions: [sub({ items: one({ id: 'price_t', unit_amount: null, unit_amount_decimal: null, billing_scheme: 'tiered', tiers_mode: 'graduated' }, { quantity: 5 }) })],
      prices: { price_t: buildPrice({ id: 'price_t', unit_amount: null, billing_scheme: 'tiered', tiers_mode: 'graduated', tiers: graduated }) },
    },
    expected: { usd: 3500 },
  },
  {
    name: 'tiered price whose tiers are unknown is excluded, not guessed',
    input: { subscriptions: [sub({ items: one({ unit_amount: null, unit_amount_decimal: null, billing_scheme: 'tiered', tiers_mode: 'graduated' }, { quantity: 5 }) })] },
    expected: {},
  },

  // Currencies and shapes
  {
    name: 'two currencies kept apart: usd 49.00 and eur 20.00',
    input: { subscriptions: [sub({ id: 'sub_usd', items: one({ unit_amount: 4900 }) }), sub({ id: 'sub_eur', currency: 'eur', items: one({ id: 'price_eur', unit_amount: 2000, currency: 'eur' }) })] },
    expected: { usd: 4900, eur: 2000 },
  },
  { name: 'zero-decimal jpy monthly ¥5,000 = 5000', input: { subscriptions: [sub({ currency: 'jpy', items: one({ unit_amount: 5000, currency: 'jpy' }) })] }, expected: { jpy: 5000 } },
  {
    name: 'pre-basil subscription with legacy `discount` (coupon on the discount) 25% forever: 40.00 × 75% = 30.00',
    input: { subscriptions: [buildPreBasilSubscription({ items: one({ unit_amount: 4000 }, { period: null }), discount: buildDiscount(buildCoupon({ duration: 'forever', percent_off: 25 }), { legacy: true }) })] },
    expected: { usd: 3000 },
  },
  { name: 'pre-basil annual 1,200.00 ÷ 12 = 100.00', input: { subscriptions: [buildPreBasilSubscription({ items: one({ unit_amount: 120000, interval: 'year' }, { period: null }) })] }, expected: { usd: 10000 } },
]

describe('computeMrr (SPEC F10)', () => {
  test.each(cases)('$name', ({ input, includeRepeatingDiscounts, expected }) => {
    expect(computeMrr(input, { now: NOW, includeRepeatingDiscounts })).toEqual(expected)
  })

  test('no subscriptions = {}', () => {
    expect(computeMrr({ subscriptions: [] }, { now: NOW })).toEqual({})
  })
})

describe('computeMrrBreakdown', () => {
  test('each item with its monthly amount, discount and exclusion reason', () => {
    const breakdown = computeMrrBreakdown(
      {
        subscriptions: [
          sub({
            id: 'sub_main',
            items: [
              buildItem(buildPrice({ id: 'price_seat', unit_amount: 1000, product: 'prod_seat' }), { id: 'si_seat', quantity: 3 }),
              buildItem(buildPrice({ id: 'price_api', unit_amount: 5, usage_type: 'metered' }), { id: 'si_api' }),
            ],
            discounts: [forever20, repeating50],
          }),
          sub({ id: 'sub_trial', status: 'trialing', items: [buildItem(buildPrice({ id: 'price_pro' }), { id: 'si_pro' })] }),
        ],
        products: { prod_seat: { id: 'prod_seat', name: 'Seats' } },
      },
      { now: NOW },
    )
    expect(breakdown.totals).toEqual({ usd: 2400 })
    expect(breakdown.items.map((i) => [i.itemId, i.excludedReason, i.monthlyAmount])).toEqual([
      ['si_seat', null, 2400],
      ['si_api', 'metered', 0],
      ['si_pro', 'trialing', 0],
    ])
    const seat = breakdown.items[0]
    expect(seat).toMatchObject({
      subscriptionId: 'sub_main',
      priceId: 'price_seat',
      product: { id: 'prod_seat', name: 'Seats' },
      quantity: 3,
      interval: 'month',
      intervalCount: 1,
      periodAmount: 3000,
      grossMonthly: 3000,
      discountMonthly: 600,
    })
    expect(seat.discounts).toEqual([{ discountId: 'di_co_20', couponId: 'co_20', level: 'subscription', duration: 'forever', percentOff: 20, amountOff: null, monthlyAmount: 600 }])
    expect(breakdown.skippedDiscounts).toEqual([
      { subscriptionId: 'sub_main', itemId: null, discountId: 'di_co_rep', couponId: 'co_rep', level: 'subscription', reason: 'repeating_not_included' },
    ])
  })

  // What a key without the optional Coupons read permission leaves us: discount ids only.
  const withoutPermission = [
    { name: 'subscription discount id, key without Coupons read: 5,000 stays 5,000 minor units, reason recorded', discounts: ['di_x'], discountId: 'di_x', couponId: null },
    { name: 'discount object with coupon id, key without Coupons read: 5,000 stays 5,000 minor units, coupon named', discounts: [buildDiscount('co_x')], discountId: 'di_co_x', couponId: 'co_x' },
  ] as const
  test.each(withoutPermission)('$name', ({ discounts, discountId, couponId }) => {
    const breakdown = computeMrrBreakdown({ subscriptions: [sub({ id: 'sub_d', items: one({ unit_amount: 5000 }), discounts: [...discounts] })], couponsReadable: false }, { now: NOW })
    expect(breakdown.totals).toEqual({ usd: 5000 })
    expect(breakdown.skippedDiscounts).toEqual([{ subscriptionId: 'sub_d', itemId: null, discountId, couponId, level: 'subscription', reason: 'coupon_permission_missing' }])
  })

  test('the same id with the permission granted but unknown stays "unresolved", not blamed on the key', () => {
    const breakdown = computeMrrBreakdown({ subscriptions: [sub({ items: one({ unit_amount: 5000 }), discounts: ['di_x'] })], couponsReadable: true }, { now: NOW })
    expect(breakdown.skippedDiscounts.map((d) => d.reason)).toEqual(['unresolved'])
  })

  test('forever 20% off 50.00/month, discount and coupon expanded as a backfill with Coupons read lists them: 5,000 − 1,000 = 4,000 minor units', () => {
    // The wire shape of `expand[]=data.discounts.source.coupon` on API 2026-10-28: the coupon at `source.coupon`.
    const discount = buildDiscount(buildCoupon({ id: 'FOREVER20', duration: 'forever', percent_off: 20 }))
    const breakdown = computeMrrBreakdown({ subscriptions: [sub({ items: one({ unit_amount: 5000 }), discounts: [discount] })], couponsReadable: true }, { now: NOW })
    expect(breakdown.totals).toEqual({ usd: 4000 })
    expect(breakdown.items[0]?.discounts.map((d) => [d.couponId, d.monthlyAmount])).toEqual([['FOREVER20', 1000]])
  })

  test('weekly item keeps its exact monthly amount 1,000 × 52 ÷ 12 = 4,333.33…', () => {
    const { items } = computeMrrBreakdown({ subscriptions: [sub({ items: one({ unit_amount: 1000, interval: 'week' }) })] }, { now: NOW })
    expect(items[0].monthlyAmount).toBeCloseTo(4333.3333, 3)
  })
})

describe('tieredAmount', () => {
  const tiers: BundlePriceTier[] = [
    { up_to: 5, unit_amount: 1000, flat_amount: null },
    { up_to: 10, unit_amount: 800, flat_amount: 500 },
    { up_to: null, unit_amount: 500, flat_amount: null },
  ]
  test.each([
    { name: 'graduated 0 units = 0', mode: 'graduated' as const, qty: 0, expected: 0 },
    { name: 'graduated 5 = 5 × 10.00 = 50.00', mode: 'graduated' as const, qty: 5, expected: 5000 },
    { name: 'graduated 6 = 5 × 10.00 + 1 × 8.00 + flat 5.00 = 63.00', mode: 'graduated' as const, qty: 6, expected: 6300 },
    { name: 'graduated 12 = 50.00 + 5 × 8.00 + 5.00 + 2 × 5.00 = 105.00', mode: 'graduated' as const, qty: 12, expected: 10500 },
    { name: 'volume 6 = 6 × 8.00 + flat 5.00 = 53.00', mode: 'volume' as const, qty: 6, expected: 5300 },
    { name: 'volume 12 = 12 × 5.00 = 60.00', mode: 'volume' as const, qty: 12, expected: 6000 },
    { name: 'tiers in any order are sorted by up_to (inf last): volume 3 = 3 × 10.00 = 30.00', mode: 'volume' as const, qty: 3, expected: 3000, reversed: true },
  ])('$name', ({ mode, qty, expected, reversed }) => {
    expect(tieredAmount(reversed ? [...tiers].reverse() : tiers, mode, qty)).toBe(expected)
  })
})
