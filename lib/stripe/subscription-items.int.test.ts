import { afterAll, beforeAll, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { createStripeClient } from './client'
import { fetchListPage } from './list-pages'
import { completeSubscriptionItems } from './subscription-items'

// A subscription embeds its first 10 items; one with 12 must still reach the mirror (and MRR)
// whole: through the backfill's list page and on its own. Against the sandbox over HTTP.

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 0, seed: 5 })
})
afterAll(() => sandbox?.close())

async function subscriptionWith12Items() {
  const owner = createStripeClient(sandbox.secretKey, { apiBase: sandbox.url })
  const product = await owner.products.create({ name: 'Seats' })
  const prices = await Promise.all(Array.from({ length: 12 }, (_, i) => owner.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 * (i + 1), recurring: { interval: 'month' } })))
  const customer = await owner.customers.create({ email: 'twelve@example.com' })
  const subscription = await owner.subscriptions.create({ customer: customer.id, items: prices.map((p) => ({ price: p.id, quantity: 1 })) })
  return { subscription, prices }
}

test('the rest of a 12-item subscription is listed: on a backfill page, and on its own', async () => {
  const { subscription, prices } = await subscriptionWith12Items()
  expect(subscription.items.data).toHaveLength(10)
  expect(subscription.items.has_more).toBe(true)

  const stripe = createStripeClient(sandbox.control.createKey(F2_PERMISSIONS), { apiBase: sandbox.url })
  const page = await fetchListPage(stripe, 'subscriptions', {})
  const listed = page.data.find((s) => s.id === subscription.id) as unknown as { items: { data: { price: { id: string } }[]; has_more: boolean } }
  expect(listed.items.has_more).toBe(false)
  expect(listed.items.data.map((i) => i.price.id).sort()).toEqual(prices.map((p) => p.id).sort())
  expect(page.calls).toBe(2) // the list, then one call for the two items it did not embed

  const retrieved = await stripe.subscriptions.retrieve(subscription.id)
  expect(await completeSubscriptionItems(stripe, retrieved)).toBe(1)
  expect(retrieved.items.data).toHaveLength(12)
  expect(await completeSubscriptionItems(stripe, retrieved)).toBe(0) // already whole: no call
})
