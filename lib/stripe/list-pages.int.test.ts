import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { priceEvents } from '../sync/apply-event/catalog'
import { createStripeClient } from './client'
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
