import { describe, expect, test } from 'vitest'
import { combineSubscriptionFacts, computeTotalSpend, type DerivedAttributes, deriveAttributes, deriveSubscriptionFacts } from './attributes'
import type { CustomerBundle } from './customer-bundle'
import { fieldCatalog, fieldKeys } from './fields'
import {
  buildBundle,
  buildCharge,
  buildCustomer,
  buildItem,
  buildPaymentMethod,
  buildPreBasilSubscription,
  buildPrice,
  buildSubscription,
  NOW,
  unix,
} from './test-fixtures'

const derive = (bundle: CustomerBundle, includeRepeatingDiscounts = false) => deriveAttributes(bundle, { now: NOW, includeRepeatingDiscounts })

const fullBundle = (): CustomerBundle =>
  buildBundle({
    customer: buildCustomer({ invoice_settings: { default_payment_method: 'pm_default' }, balance: -500 }),
    subscriptions: [
      buildSubscription({
        id: 'sub_active',
        status: 'active',
        created: unix('2025-02-01T00:00:00Z'),
        cancel_at_period_end: true,
        canceled_at: unix('2026-03-10T00:00:00Z'),
        trial_start: unix('2025-01-18T00:00:00Z'),
        trial_end: unix('2025-02-01T00:00:00Z'),
        items: [buildItem(buildPrice({ id: 'price_pro', unit_amount: 4900, nickname: 'Pro monthly', product: 'prod_pro' }), { period: [unix('2026-03-01T00:00:00Z'), unix('2026-04-01T00:00:00Z')] })],
      }),
      buildSubscription({ id: 'sub_old', status: 'canceled', created: unix('2024-05-01T00:00:00Z') }),
    ],
    products: new Map([['prod_pro', { id: 'prod_pro', name: 'Pro' }]]),
    charges: [
      buildCharge({ id: 'ch_1', created: unix('2026-01-01T00:00:00Z'), amount: 4900 }),
      buildCharge({ id: 'ch_3', created: unix('2026-03-01T00:00:00Z'), amount: 4900, description: 'Pro, March' }),
      buildCharge({ id: 'ch_2', created: unix('2026-02-01T00:00:00Z'), amount: 4900 }),
      buildCharge({ id: 'ch_f', created: unix('2026-02-15T00:00:00Z'), amount: 4900, status: 'failed' }),
    ],
    paymentMethods: [buildPaymentMethod({ id: 'pm_other', brand: 'amex', exp_month: 1, exp_year: 2027 }), buildPaymentMethod({ id: 'pm_default', brand: 'visa', exp_month: 8, exp_year: 2030 })],
  })

describe('deriveAttributes', () => {
  test('returns every catalog field, each value of its declared type', () => {
    const values = derive(fullBundle())
    expect(Object.keys(values).sort()).toEqual([...fieldKeys].sort())
    for (const field of fieldCatalog) {
      const v = values[field.key]
      if (v === null) continue
      const isIso = (x: unknown) => typeof x === 'string' && !Number.isNaN(Date.parse(x)) && new Date(x).toISOString() === x
      const checks = {
        string: () => typeof v === 'string',
        number: () => typeof v === 'number',
        boolean: () => typeof v === 'boolean',
        date: () => isIso(v),
        money: () => Number.isSafeInteger(v),
      }
      const ok = checks[field.type]()
      expect(ok, `${field.key} = ${JSON.stringify(v)} is not ${field.type}`).toBe(true)
    }
  })

  test('a paying customer: subscription, price, product, card, payments', () => {
    expect(derive(fullBundle())).toMatchObject<Partial<DerivedAttributes>>({
      'customer.email': 'jenny@example.com',
      'customer.id': 'cus_QXg1o8vcGmoR32',
      'customer.created': '2025-01-10T09:00:00.000Z',
      'customer.balance': -500,
      'customer.currency': 'usd',
      'customer.delinquent': false,
      'customer.livemode': false,
      'customer.mrr': 4900,
      'customer.total_spend': 3 * 4900,
      'customer.last_synced_at': '2026-03-15T12:00:00.000Z',
      'address.city': 'San Francisco',
      'address.line2': null,
      'address.state': 'CA',
      'address.country': 'US',
      'address.postal_code': '94102',
      'subscription.id': 'sub_active',
      'subscription.status': 'active',
      'subscription.created': '2025-02-01T00:00:00.000Z',
      'subscription.trial_start': '2025-01-18T00:00:00.000Z',
      'subscription.trial_end': '2025-02-01T00:00:00.000Z',
      'subscription.canceled_at': '2026-03-10T00:00:00.000Z',
      'subscription.current_period_start': '2026-03-01T00:00:00.000Z',
      'subscription.current_period_end': '2026-04-01T00:00:00.000Z',
      'subscription.cancel_at_period_end': true,
      'subscription.count': 2,
      'subscription.active_count': 1,
      'product.id': 'prod_pro',
      'product.name': 'Pro',
      'price.id': 'price_pro',
      'price.nickname': 'Pro monthly',
      'price.unit_amount': 4900,
      'price.unit_amount_decimal': '49.00',
      'price.currency': 'usd',
      'price.interval': 'month',
      'price.interval_count': 1,
      'card.brand': 'visa',
      'card.exp_month': 8,
      'card.exp_year': 2030,
      'card.expires_at': '2030-09-01T00:00:00.000Z',
      'payment.last_amount': 4900,
      'payment.last_amount_decimal': '49.00',
      'payment.last_currency': 'usd',
      'payment.last_description': 'Pro, March',
      'payment.last_date': '2026-03-01T00:00:00.000Z',
      'payment.last_failed_date': '2026-02-15T00:00:00.000Z',
    })
  })

  test.each([
    { name: 'usd 4900 → "49.00"', currency: 'usd', amount: 4900, decimal: '49.00' },
    { name: 'zero-decimal jpy 500 → "500"', currency: 'jpy', amount: 500, decimal: '500' },
    { name: 'zero-decimal krw 12000 → "12000"', currency: 'krw', amount: 12000, decimal: '12000' },
    { name: 'three-decimal kwd 1234 → "1.234"', currency: 'kwd', amount: 1234, decimal: '1.234' },
    { name: 'usd 5 → "0.05"', currency: 'usd', amount: 5, decimal: '0.05' },
  ])('money decimal companions: $name', ({ currency, amount, decimal }) => {
    const values = derive(
      buildBundle({
        customer: buildCustomer({ currency }),
        subscriptions: [buildSubscription({ currency, items: [buildItem(buildPrice({ currency, unit_amount: amount }))] })],
        charges: [buildCharge({ id: 'ch_1', created: unix('2026-03-01T00:00:00Z'), amount, currency })],
      }),
    )
    expect(values['payment.last_amount']).toBe(amount)
    expect(values['payment.last_amount_decimal']).toBe(decimal)
    expect(values['price.unit_amount_decimal']).toBe(decimal)
    expect(values['customer.mrr']).toBe(amount)
    expect(values['customer.total_spend']).toBe(amount)
  })

  test('sub-cent price: unit_amount null, decimal from unit_amount_decimal "0.5" → "0.005"', () => {
    const values = derive(buildBundle({ subscriptions: [buildSubscription({ items: [buildItem(buildPrice({ unit_amount: null, unit_amount_decimal: '0.5' }))] })] }))
    expect(values['price.unit_amount']).toBeNull()
    expect(values['price.unit_amount_decimal']).toBe('0.005')
  })

  test('missing email stays null, the rest is still derived', () => {
    const values = derive(buildBundle({ customer: buildCustomer({ email: null, name: null, phone: null }) }))
    expect(values['customer.email']).toBeNull()
    expect(values['customer.name']).toBeNull()
    expect(values['customer.id']).toBe('cus_QXg1o8vcGmoR32')
  })

  test('customer without subscriptions: subscription, product and price fields null, counts and MRR 0', () => {
    const values = derive(buildBundle({ subscriptions: [] }))
    for (const key of fieldKeys.filter((k) => /^(subscription|product|price)\./.test(k) && !k.endsWith('count'))) {
      expect(values[key], key).toBeNull()
    }
    expect(values['subscription.count']).toBe(0)
    expect(values['subscription.active_count']).toBe(0)
    expect(values['customer.mrr']).toBe(0)
    expect(values['customer.total_spend']).toBe(0)
    expect(values['payment.last_date']).toBeNull()
  })

  test('customer without address (pre-basil `address: null`): address fields null', () => {
    const values = derive(buildBundle({ customer: buildCustomer({ address: null }) }))
    expect(values['address.city']).toBeNull()
    expect(values['address.country']).toBeNull()
  })

  test.each([
    {
      name: 'customer default payment method id resolved from the bundle',
      bundle: () => buildBundle({ customer: buildCustomer({ invoice_settings: { default_payment_method: 'pm_2' } }), paymentMethods: [buildPaymentMethod({ id: 'pm_1', brand: 'amex' }), buildPaymentMethod({ id: 'pm_2', brand: 'mastercard', exp_month: 12, exp_year: 2027 })] }),
      expected: { brand: 'mastercard', month: 12, year: 2027, at: '2028-01-01T00:00:00.000Z' },
    },
    {
      name: 'customer default payment method expanded',
      bundle: () => buildBundle({ customer: buildCustomer({ invoice_settings: { default_payment_method: buildPaymentMethod({ brand: 'visa', exp_month: 2, exp_year: 2028 }) } }) }),
      expected: { brand: 'visa', month: 2, year: 2028, at: '2028-03-01T00:00:00.000Z' },
    },
    {
      name: 'falls back to the subscription default payment method',
      bundle: () => buildBundle({ subscriptions: [buildSubscription({ default_payment_method: 'pm_sub' })], paymentMethods: [buildPaymentMethod({ id: 'pm_sub', brand: 'discover', exp_month: 6, exp_year: 2029 })] }),
      expected: { brand: 'discover', month: 6, year: 2029, at: '2029-07-01T00:00:00.000Z' },
    },
    {
      name: 'legacy Card source as default_source',
      bundle: () => buildBundle({ customer: buildCustomer({ default_source: { id: 'card_1', object: 'card', brand: 'Visa', exp_month: 8, exp_year: 2030 } }) }),
      expected: { brand: 'Visa', month: 8, year: 2030, at: '2030-09-01T00:00:00.000Z' },
    },
    {
      name: 'default id not readable (not in the bundle): null',
      bundle: () => buildBundle({ customer: buildCustomer({ invoice_settings: { default_payment_method: 'pm_missing' } }) }),
      expected: { brand: null, month: null, year: null, at: null },
    },
  ])('card expiry: $name', ({ bundle, expected }) => {
    const values = derive(bundle())
    expect([values['card.brand'], values['card.exp_month'], values['card.exp_year'], values['card.expires_at']]).toEqual([expected.brand, expected.month, expected.year, expected.at])
  })

  test('pre-basil subscription: current_period_* read from the subscription', () => {
    const values = derive(buildBundle({ subscriptions: [buildPreBasilSubscription({ period: [unix('2025-01-05T00:00:00Z'), unix('2025-02-05T00:00:00Z')] })] }))
    expect(values['subscription.current_period_start']).toBe('2025-01-05T00:00:00.000Z')
    expect(values['subscription.current_period_end']).toBe('2025-02-05T00:00:00.000Z')
  })

  test('basil subscription: current_period_* read from the first item', () => {
    const sub = buildSubscription({ items: [buildItem(buildPrice(), { period: [unix('2026-02-10T00:00:00Z'), unix('2026-03-10T00:00:00Z')] })] })
    const values = derive(buildBundle({ subscriptions: [sub] }))
    expect(values['subscription.current_period_start']).toBe('2026-02-10T00:00:00.000Z')
    expect(values['subscription.current_period_end']).toBe('2026-03-10T00:00:00.000Z')
  })

  test('the subscription fields follow F8: active beats a newer trialing one', () => {
    const values = derive(
      buildBundle({
        subscriptions: [
          buildSubscription({ id: 'sub_trial', status: 'trialing', created: unix('2026-03-01T00:00:00Z') }),
          buildSubscription({ id: 'sub_paid', status: 'active', created: unix('2025-03-01T00:00:00Z') }),
        ],
      }),
    )
    expect(values['subscription.id']).toBe('sub_paid')
  })

  test('expanded product on the price gives its name without a lookup', () => {
    const sub = buildSubscription({ items: [buildItem(buildPrice({ product: { id: 'prod_x', name: 'Team' } }))] })
    expect(derive(buildBundle({ subscriptions: [sub] }))['product.name']).toBe('Team')
  })

  test('product id only and no Products permission: id set, name null', () => {
    const sub = buildSubscription({ items: [buildItem(buildPrice({ product: 'prod_x' }))] })
    const values = derive(buildBundle({ subscriptions: [sub] }))
    expect([values['product.id'], values['product.name']]).toEqual(['prod_x', null])
  })

  test('currency falls back to "the" subscription when the customer has none; MRR 20.00 eur', () => {
    const values = derive(
      buildBundle({ customer: buildCustomer({ currency: null }), subscriptions: [buildSubscription({ currency: 'eur', items: [buildItem(buildPrice({ currency: 'eur', unit_amount: 2000 }))] })] }),
    )
    expect(values['customer.currency']).toBe('eur')
    expect(values['customer.mrr']).toBe(2000)
  })

  test('MRR attribute takes the customer currency only: usd 49.00 shown, eur 20.00 not added', () => {
    const values = derive(
      buildBundle({
        subscriptions: [
          buildSubscription({ id: 'sub_usd', items: [buildItem(buildPrice({ unit_amount: 4900 }))] }),
          buildSubscription({ id: 'sub_eur', currency: 'eur', items: [buildItem(buildPrice({ id: 'price_eur', currency: 'eur', unit_amount: 2000 }))] }),
        ],
      }),
    )
    expect(values['customer.mrr']).toBe(4900)
  })

  test('last payment and last failure whatever the input order; same second → larger id', () => {
    const at = unix('2026-03-01T00:00:00Z')
    const values = derive(
      buildBundle({
        charges: [
          buildCharge({ id: 'ch_b', created: at, amount: 2000 }),
          buildCharge({ id: 'ch_a', created: at, amount: 1000 }),
          buildCharge({ id: 'ch_f1', created: at - 10, status: 'failed' }),
          buildCharge({ id: 'ch_f2', created: at + 10, status: 'failed' }),
        ],
      }),
    )
    expect(values['payment.last_amount']).toBe(2000)
    expect(values['payment.last_failed_date']).toBe('2026-03-01T00:00:10.000Z')
  })
})

describe('computeTotalSpend', () => {
  test.each([
    { name: 'no charges = {}', charges: [], expected: {} },
    { name: '49.00 + 49.00 = 98.00', charges: [buildCharge({ id: 'a', created: 1 }), buildCharge({ id: 'b', created: 2 })], expected: { usd: 9800 } },
    { name: '100.00 − refunded 20.00 = 80.00', charges: [buildCharge({ id: 'a', created: 1, amount: 10000, amount_refunded: 2000 })], expected: { usd: 8000 } },
    { name: 'fully refunded 49.00 − 49.00 = 0.00', charges: [buildCharge({ id: 'a', created: 1, amount_refunded: 4900, refunded: true } as never)], expected: { usd: 0 } },
    { name: 'failed 49.00 counts 0', charges: [buildCharge({ id: 'a', created: 1, status: 'failed' })], expected: {} },
    { name: 'uncaptured authorisation 49.00 counts 0', charges: [buildCharge({ id: 'a', created: 1, captured: false, amount_captured: 0 })], expected: {} },
    { name: 'partial capture: captured 30.00 of 50.00 = 30.00', charges: [buildCharge({ id: 'a', created: 1, amount: 5000, amount_captured: 3000 })], expected: { usd: 3000 } },
    { name: 'currencies kept apart: usd 49.00, eur 10.00', charges: [buildCharge({ id: 'a', created: 1 }), buildCharge({ id: 'b', created: 2, currency: 'eur', amount: 1000 })], expected: { usd: 4900, eur: 1000 } },
  ])('$name', ({ charges, expected }) => {
    expect(computeTotalSpend(charges)).toEqual(expected)
  })
})

describe('deriveSubscriptionFacts (segment facts over every subscription, SPEC F18)', () => {
  test('every status, in F8 order, whatever "the" subscription is', () => {
    const facts = deriveSubscriptionFacts({
      subscriptions: [buildSubscription({ id: 'sub_new', status: 'incomplete' }), buildSubscription({ id: 'sub_old', status: 'canceled' }), buildSubscription({ id: 'sub_other', status: 'canceled' })],
      charges: [],
    })
    expect(facts).toEqual({ statuses: ['incomplete', 'canceled'], earliestTrialEnd: null, hasPaid: false })
  })

  test('the earliest trial end of any subscription; a subscription canceled mid-trial ended its trial then', () => {
    const facts = deriveSubscriptionFacts({
      subscriptions: [
        buildSubscription({ id: 'sub_primary', status: 'active' }),
        buildSubscription({ id: 'sub_trial', status: 'trialing', trial_start: unix('2026-02-20T00:00:00Z'), trial_end: unix('2026-03-06T00:00:00Z') }),
        { ...buildSubscription({ id: 'sub_cut', status: 'canceled', trial_start: unix('2026-01-01T00:00:00Z'), trial_end: unix('2026-01-15T00:00:00Z') }), ended_at: unix('2026-01-05T00:00:00Z') } as never,
      ],
      charges: [],
    })
    expect(facts.earliestTrialEnd).toBe('2026-01-05T00:00:00.000Z')
  })

  test('paid = a successful captured charge; failed or uncaptured ones are not payments', () => {
    const failed = buildCharge({ id: 'ch_f', created: unix('2026-02-01T00:00:00Z'), status: 'failed' })
    const uncaptured = { ...buildCharge({ id: 'ch_u', created: unix('2026-02-02T00:00:00Z') }), captured: false }
    expect(deriveSubscriptionFacts({ subscriptions: [], charges: [failed, uncaptured] }).hasPaid).toBe(false)
    expect(deriveSubscriptionFacts({ subscriptions: [], charges: [failed, buildCharge({ id: 'ch_ok', created: unix('2026-02-03T00:00:00Z') })] }).hasPaid).toBe(true)
  })

  test('a contact with two customers: statuses of both, earliest trial end of both, paid if either paid', () => {
    const a = { statuses: ['canceled'], earliestTrialEnd: '2026-02-01T00:00:00.000Z', hasPaid: false }
    const b = { statuses: ['trialing', 'incomplete'], earliestTrialEnd: '2026-01-10T00:00:00.000Z', hasPaid: true }
    expect(combineSubscriptionFacts([a, b])).toEqual({ statuses: ['trialing', 'incomplete', 'canceled'], earliestTrialEnd: '2026-01-10T00:00:00.000Z', hasPaid: true })
    expect(combineSubscriptionFacts([])).toEqual({ statuses: [], earliestTrialEnd: null, hasPaid: false })
  })
})
