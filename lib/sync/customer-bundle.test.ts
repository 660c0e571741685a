import type Stripe from 'stripe'
import { describe, expect, test } from 'vitest'
import { currencyExponent, minorToDecimalString, roundHalfEven } from './currency'
import {
  type BundleCharge,
  type BundleCoupon,
  type BundleCustomer,
  type BundleDiscount,
  type BundlePaymentMethod,
  type BundlePrice,
  type BundleSubscription,
  couponOf,
  lookup,
  productOf,
  resolveDiscounts,
  subscriptionPeriod,
} from './customer-bundle'
import { fieldCatalog } from './fields'
import { buildCoupon, buildDiscount, buildItem, buildPreBasilSubscription, buildPrice, buildSubscription } from './test-fixtures'

// Compile-time proof that objects from the Stripe SDK (stripe@23) fit the bundle types, so
// callers can hand SDK objects over without casts. tsc fails here if a field type drifts.
const sdkObjectsFit = {
  customer: (c: Stripe.Customer): BundleCustomer => c,
  subscription: (s: Stripe.Subscription): BundleSubscription => s,
  price: (p: Stripe.Price): BundlePrice => p,
  coupon: (c: Stripe.Coupon): BundleCoupon => c,
  discount: (d: Stripe.Discount): BundleDiscount => d,
  charge: (c: Stripe.Charge): BundleCharge => c,
  paymentMethod: (p: Stripe.PaymentMethod): BundlePaymentMethod => p,
  card: (c: Stripe.Card): BundlePaymentMethod => c,
}

test('SDK objects fit the bundle types (checked by tsc)', () => {
  expect(Object.keys(sdkObjectsFit)).toHaveLength(8)
})

describe('subscriptionPeriod', () => {
  test.each([
    { name: 'basil: from the first item', sub: buildSubscription({ items: [buildItem(buildPrice(), { period: [100, 200] })] }), expected: { start: 100, end: 200 } },
    {
      name: 'basil: first item that carries a period',
      sub: buildSubscription({ items: [buildItem(buildPrice({ id: 'p1' }), { period: null }), buildItem(buildPrice({ id: 'p2' }), { period: [300, 400] })] }),
      expected: { start: 300, end: 400 },
    },
    { name: 'pre-basil: from the subscription', sub: buildPreBasilSubscription({ period: [500, 600] }), expected: { start: 500, end: 600 } },
    { name: 'neither: nulls', sub: buildSubscription({ items: [buildItem(buildPrice(), { period: null })] }), expected: { start: null, end: null } },
  ])('$name', ({ sub, expected }) => {
    expect(subscriptionPeriod(sub)).toEqual(expected)
  })
})

describe('discounts and coupons in every shape', () => {
  const coupon = buildCoupon({ id: 'co_x', duration: 'forever', percent_off: 10 })
  test.each([
    { name: 'current: source.coupon expanded', discount: buildDiscount(coupon), expected: 'co_x' },
    { name: 'legacy: coupon on the discount', discount: buildDiscount(coupon, { legacy: true }), expected: 'co_x' },
    { name: 'coupon id resolved from bundle.coupons', discount: buildDiscount('co_x'), expected: 'co_x' },
  ])('couponOf — $name', ({ discount, expected }) => {
    const c = couponOf(discount, { coupons: { co_x: coupon } })
    expect(c && 'id' in c ? c.id : c).toBe(expected)
  })

  test('couponOf — unknown coupon id is reported unresolved', () => {
    expect(couponOf(buildDiscount('co_nope'), {})).toEqual({ unresolved: 'co_nope' })
  })

  test('resolveDiscounts merges `discounts` and legacy `discount`, dedupes by id, keeps unresolved ids', () => {
    const d = buildDiscount(coupon, { id: 'di_1' })
    const out = resolveDiscounts(['di_1', 'di_2', 'di_gone'], d, { discounts: new Map([['di_1', d], ['di_2', buildDiscount(coupon, { id: 'di_2' })]]) })
    expect(out.map((x) => ('unresolved' in x ? `?${x.unresolved}` : x.id))).toEqual(['di_1', 'di_2', '?di_gone'])
  })
})

describe('productOf and lookup', () => {
  test.each([
    { name: 'id + lookup', price: buildPrice({ product: 'prod_1' }), expected: { id: 'prod_1', name: 'One' } },
    { name: 'id without lookup entry', price: buildPrice({ product: 'prod_2' }), expected: { id: 'prod_2', name: null } },
    { name: 'expanded', price: buildPrice({ product: { id: 'prod_3', name: 'Three' } }), expected: { id: 'prod_3', name: 'Three' } },
    { name: 'deleted product stub, name from lookup', price: buildPrice({ product: { id: 'prod_1', deleted: true } }), expected: { id: 'prod_1', name: 'One' } },
  ])('$name', ({ price, expected }) => {
    expect(productOf(price, { products: { prod_1: { id: 'prod_1', name: 'One' } } })).toEqual(expected)
  })

  test('a Record lookup never returns inherited properties', () => {
    expect(lookup<{ id: string }>({}, 'toString')).toBeUndefined()
  })
})

describe('currency', () => {
  test.each([
    { name: 'usd 4900 → "49.00"', minor: 4900, currency: 'usd', expected: '49.00' },
    { name: 'USD upper case 5 → "0.05"', minor: 5, currency: 'USD', expected: '0.05' },
    { name: 'usd −1250 → "-12.50"', minor: -1250, currency: 'usd', expected: '-12.50' },
    { name: 'usd 0 → "0.00"', minor: 0, currency: 'usd', expected: '0.00' },
    { name: 'jpy 500 → "500"', minor: 500, currency: 'jpy', expected: '500' },
    { name: 'kwd 1234 → "1.234"', minor: 1234, currency: 'kwd', expected: '1.234' },
    { name: 'usd "0.5" → "0.005"', minor: '0.5', currency: 'usd', expected: '0.005' },
    { name: 'usd "2000.125" → "20.00125"', minor: '2000.125', currency: 'usd', expected: '20.00125' },
    { name: 'isk 10000 → "100.00" (two decimals in the API)', minor: 10000, currency: 'isk', expected: '100.00' },
    { name: 'garbage → null', minor: 'abc', currency: 'usd', expected: null },
  ])('minorToDecimalString $name', ({ minor, currency, expected }) => {
    expect(minorToDecimalString(minor, currency)).toBe(expected)
  })

  test('exponents: jpy 0, krw 0, usd 2, bhd 3, tnd 3', () => {
    expect(['jpy', 'krw', 'usd', 'bhd', 'tnd'].map(currencyExponent)).toEqual([0, 0, 2, 3, 3])
  })

  test.each([
    { x: 0.5, expected: 0 },
    { x: 1.5, expected: 2 },
    { x: 2.5, expected: 2 },
    { x: 4333.333, expected: 4333 },
    { x: 3041.6667, expected: 3042 },
    { x: 2.4999999999999, expected: 2 },
    { x: 2.5000000000001, expected: 2 },
    { x: -1.5, expected: -2 },
  ])('roundHalfEven $x → $expected', ({ x, expected }) => {
    expect(roundHalfEven(x)).toBe(expected)
  })
})

describe('fieldCatalog', () => {
  test('keys and default targets are unique, valid attribute names, prefixed stripe_', () => {
    const keys = fieldCatalog.map((f) => f.key)
    const targets = fieldCatalog.map((f) => f.target)
    expect(new Set(keys).size).toBe(keys.length)
    expect(new Set(targets).size).toBe(targets.length)
    for (const t of targets) expect(t).toMatch(/^stripe_[a-z0-9_]{1,56}$/)
  })

  test('covers the groups of SPEC F7', () => {
    expect(new Set(fieldCatalog.map((f) => f.group))).toEqual(new Set(['customer', 'address', 'subscription', 'product', 'price', 'card', 'payment']))
  })
})
