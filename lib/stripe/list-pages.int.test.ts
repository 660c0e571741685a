import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { priceEvents } from '../sync/apply-event/catalog'
import { createStripeClient } from './client'
import { computeMrrBreakdown } from '../sync/mrr'
import { fetchCustomerBundle } from './fetch-customer-bundle'
import { fetchListPage } from './list-pages'

// What one backfill page costs and brings, counted by the sandbox per key: prices with their
// tiers in one request; discounts with their coupons when the key may read coupons.

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 80, seed: 17 })
})
afterAll(() => sandbox?.close())

const requestsOf = (key: string) => sandbox.sandbox.keys.get(key)?.key.requests ?? 0
const clientFor = (key: string) => createStripeClient(key, { apiBase: sandbox.url })
type Price = { id: string; billing_scheme: string; tiers?: unknown[] }
type Sub = { discounts: unknown[] }

describe('prices', () => {
  test('a price page is one request and carries the tiers of tiered prices', async () => {
    const key = sandbox.control.createKey(F2_PERMISSIONS)
    const page = await fetchListPage(clientFor(key), 'prices', {})
    expect(page.calls).toBe(1)
    expect(requestsOf(key)).toBe(1)
    const prices = page.data as unknown as Price[]
    const tiered = prices.filter((p) => p.billing_scheme === 'tiered')
    expect(tiered.length).toBeGreaterThan(0)
    for (const p of tiered) expect(p.tiers?.length).toBeGreaterThan(0)
    expect(prices.some((p) => p.billing_scheme === 'per_unit')).toBe(true)
  })

  test('a price event re-fetches the price with its tiers, per-unit prices included', async () => {
    const stripe = clientFor(sandbox.control.createKey(F2_PERMISSIONS))
    const prices = (await fetchListPage(stripe, 'prices', {})).data as unknown as Price[]
    const tiered = prices.find((p) => p.billing_scheme === 'tiered')!
    const perUnit = prices.find((p) => p.billing_scheme === 'per_unit')!
    expect(((await priceEvents.retrieve!(stripe, tiered.id)) as unknown as Price).tiers?.length).toBeGreaterThan(0)
    expect(await priceEvents.retrieve!(stripe, perUnit.id)).toMatchObject({ id: perUnit.id })
  })
})

describe('discounts', () => {
  const couponOf = (d: unknown) => (d as { source: { coupon: unknown } }).source.coupon

  test('with Coupons read, a subscription page brings each discount with its coupon, still one request', async () => {
    const key = sandbox.control.createKey({ ...F2_PERMISSIONS, coupon: 'read' })
    const page = await fetchListPage(clientFor(key), 'subscriptions', {}, { canReadCoupons: true })
    expect(page.calls).toBe(1)
    expect(requestsOf(key)).toBe(1)
    const discounts = (page.data as unknown as Sub[]).flatMap((s) => s.discounts)
    expect(discounts.length).toBeGreaterThan(0)
    for (const d of discounts) expect(couponOf(d)).toMatchObject({ object: 'coupon', duration: expect.stringMatching(/forever|repeating/) })
  })

  test('without it, discounts stay ids; asking for the expansion anyway would be refused (403)', async () => {
    const key = sandbox.control.createKey(F2_PERMISSIONS)
    const page = await fetchListPage(clientFor(key), 'subscriptions', {})
    expect((page.data as unknown as Sub[]).flatMap((s) => s.discounts).every((d) => typeof d === 'string')).toBe(true)
    await expect(fetchListPage(clientFor(key), 'subscriptions', {}, { canReadCoupons: true })).rejects.toMatchObject({ statusCode: 403 })
  })
})

describe('one customer read straight from Stripe (the mapping preview)', () => {
  test('a tiered item comes with its tiers, so the preview counts it in MRR', async () => {
    const stripe = clientFor(sandbox.control.createKey(F2_PERMISSIONS))
    const tieredPrice = (await fetchListPage(stripe, 'prices', {})).data.find((p) => (p as unknown as Price).billing_scheme === 'tiered') as unknown as Price
    const admin = clientFor(sandbox.secretKey)
    // A paying customer (one with a card, so the first invoice succeeds) takes the tiered price.
    const payer = (await admin.subscriptions.list({ status: 'active', limit: 1 })).data[0]!.customer as string
    const subscription = await admin.subscriptions.create({ customer: payer, items: [{ price: tieredPrice.id, quantity: 12 }] })
    expect(subscription.status).toBe('active')
    const item = (await stripe.subscriptions.retrieve(subscription.id)).items.data[0]!
    expect(item.price.tiers, 'Stripe sends tiers only when asked').toBeUndefined()

    const bundle = await fetchCustomerBundle(stripe, payer)
    expect((bundle?.prices as Record<string, Price> | undefined)?.[item.price.id]?.tiers?.length).toBeGreaterThan(0)
    const breakdown = computeMrrBreakdown(bundle!, { now: new Date() })
    const row = breakdown.items.find((r) => r.priceId === item.price.id)
    expect(row?.excludedReason ?? null).toBeNull()
    expect(row?.grossMonthly).toBeGreaterThan(0)
  })
})
