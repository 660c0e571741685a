// The sandbox over real HTTP, through the unmodified official SDK.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modeledPermissions } from './api'
import { F2_PERMISSIONS, RESOURCES, type Resource, type RunningSandbox, startSandbox } from './index'

let sb: RunningSandbox
const CUSTOMERS = 400
/** The rate limiter's clock: held still, so a burst is counted exactly however loaded the machine. */
let limiterMs = 0

function client(key: string, extra: Partial<Stripe.StripeConfig> = {}): Stripe {
  const url = new URL(sb.url)
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0, ...extra })
}

async function errorOf(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p
  } catch (err) {
    return err as Stripe.errors.StripeError
  }
  throw new Error('expected the request to fail')
}

beforeAll(async () => {
  sb = await startSandbox({ customers: CUSTOMERS, seed: 3, delivery: { retryBaseMs: 30, maxAttempts: 3 }, monotonicMs: () => limiterMs })
})
afterAll(async () => {
  await sb?.close()
})

describe('lists', () => {
  it('auto-paginates exactly N customers, no duplicate or gap, while customers are created', async () => {
    const stripe = client(sb.secretKey)
    const before = sb.sandbox.getAccount(sb.accountId)?.account.customers.all.items.map((c) => c.id) ?? []
    const seen: string[] = []
    let created = 0
    for await (const customer of stripe.customers.list({ limit: 100 })) {
      seen.push(customer.id)
      if (seen.length % 90 === 0) {
        await stripe.customers.create({ email: `new${created}@example.com` })
        created += 1
      }
    }
    expect(created).toBeGreaterThan(0)
    expect(seen.length).toBe(before.length)
    expect(new Set(seen).size).toBe(seen.length)
    expect(new Set(seen)).toEqual(new Set(before))
  })

  it('created ranges partition the set', async () => {
    const stripe = client(sb.secretKey)
    const all = await stripe.subscriptions.list({ status: 'all', limit: 100 }).autoPagingToArray({ limit: 10_000 })
    const times = all.map((s) => s.created).sort((a, b) => a - b)
    const t1 = times[Math.floor(times.length / 3)] as number
    const t2 = times[Math.floor((2 * times.length) / 3)] as number
    const parts = await Promise.all([
      stripe.subscriptions.list({ status: 'all', limit: 100, created: { lt: t1 } }).autoPagingToArray({ limit: 10_000 }),
      stripe.subscriptions.list({ status: 'all', limit: 100, created: { gte: t1, lt: t2 } }).autoPagingToArray({ limit: 10_000 }),
      stripe.subscriptions.list({ status: 'all', limit: 100, created: { gte: t2 } }).autoPagingToArray({ limit: 10_000 }),
    ])
    const ids = parts.flat().map((s) => s.id)
    expect(ids.length).toBe(all.length)
    expect(new Set(ids)).toEqual(new Set(all.map((s) => s.id)))
    expect(parts.every((p) => p.length > 0)).toBe(true)
  })

  it('lists newest first, rejects a bad limit, and hides ended subscriptions by default', async () => {
    const stripe = client(sb.secretKey)
    const page = await stripe.invoices.list({ limit: 100 })
    const created = page.data.map((i) => i.created)
    expect(created).toEqual([...created].sort((a, b) => b - a))
    expect(page.has_more).toBe(true)
    const err = await errorOf(stripe.customers.list({ limit: 101 }))
    expect(err.statusCode).toBe(400)
    expect(err.param).toBe('limit')
    const active = await stripe.subscriptions.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
    expect(active.some((s) => s.status === 'canceled')).toBe(false)
    const canceled = await stripe.subscriptions.list({ status: 'canceled', limit: 100 })
    expect(canceled.data.length).toBeGreaterThan(0)
    expect(canceled.data.every((s) => s.status === 'canceled' && s.canceled_at !== null)).toBe(true)
  })

  it('expands on lists', async () => {
    const stripe = client(sb.secretKey)
    const subs = await stripe.subscriptions.list({ limit: 5, expand: ['data.customer', 'data.latest_invoice.customer'] })
    const sub = subs.data[0] as Stripe.Subscription
    expect(typeof sub.customer).toBe('object')
    expect((sub.customer as Stripe.Customer).object).toBe('customer')
    expect(((sub.latest_invoice as Stripe.Invoice).customer as Stripe.Customer).id).toBe((sub.customer as Stripe.Customer).id)
    // Four levels on a retrieve; on a list `data` is the first of the four.
    const one = await stripe.subscriptions.retrieve(sub.id, { expand: ['items.data.price.product'] })
    expect(((one.items.data[0] as Stripe.SubscriptionItem).price.product as Stripe.Product).object).toBe('product')
    const customers = await stripe.customers.list({ limit: 20, expand: ['data.invoice_settings.default_payment_method'] })
    const withCard = customers.data.find((c) => c.invoice_settings.default_payment_method)
    expect(((withCard as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod).card?.last4).toMatch(/^\d{4}$/)
    const discounted = await stripe.subscriptions.list({ status: 'all', limit: 100, expand: ['data.discounts'] }).autoPagingToArray({ limit: 1000 })
    const discount = discounted.flatMap((s) => s.discounts).find((d) => typeof d === 'object') as Stripe.Discount
    expect(discount.object).toBe('discount')
    expect(['FOREVER20', 'HALF3MONTHS']).toContain(discount.source.coupon)
    const invoices = await stripe.invoices.list({ limit: 3, expand: ['data.customer'] })
    expect(((invoices.data[0] as Stripe.Invoice).customer as Stripe.Customer).id).toMatch(/^cus_/)
  })

  it('refuses expansions deeper than 4 levels, counting `data` on lists, with Stripe\'s error', async () => {
    const stripe = client(sb.secretKey)
    const tooDeep = await errorOf(stripe.subscriptions.list({ limit: 1, expand: ['data.items.data.price.product'] }))
    expect(tooDeep).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(tooDeep).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'expand' })
    expect(tooDeep.message).toBe('You cannot expand more than 4 levels of a property. Property: data.items.data.price.product')
    const four = await stripe.subscriptions.list({ limit: 1, expand: ['data.items.data.price'] })
    expect(typeof (four.data[0] as Stripe.Subscription).items.data[0]?.price).toBe('object')
    const retrieveTooDeep = await errorOf(stripe.invoices.retrieve((four.data[0] as Stripe.Subscription).latest_invoice as string, { expand: ['lines.data.pricing.price_details.price'] }))
    expect(retrieveTooDeep.statusCode).toBe(400)
  })

  it('returns price tiers only when expanded, and accepts the expand on per-unit prices', async () => {
    const stripe = client(sb.secretKey)
    const plain = await stripe.prices.list({ limit: 100 })
    const tieredId = plain.data.find((p) => p.billing_scheme === 'tiered')?.id as string
    const perUnitId = plain.data.find((p) => p.billing_scheme === 'per_unit')?.id as string
    expect(tieredId).toMatch(/^price_/)
    expect(plain.data.every((p) => p.tiers === undefined)).toBe(true)
    expect((await stripe.prices.retrieve(tieredId)).tiers).toBeUndefined()

    const expanded = await stripe.prices.list({ limit: 100, expand: ['data.tiers'] })
    const tiered = expanded.data.find((p) => p.id === tieredId) as Stripe.Price
    expect(tiered.tiers_mode).toBe('graduated')
    expect(tiered.tiers?.map((t) => [t.up_to, t.unit_amount])).toEqual([
      [5, 1000],
      [20, 800],
      [null, 500],
    ])
    expect(expanded.data.filter((p) => p.billing_scheme === 'per_unit').every((p) => !p.tiers)).toBe(true)

    expect((await stripe.prices.retrieve(tieredId, { expand: ['tiers'] })).tiers).toHaveLength(3)
    const perUnit = await stripe.prices.retrieve(perUnitId, { expand: ['tiers'] })
    expect(perUnit.id).toBe(perUnitId)
    expect(perUnit.tiers ?? null).toBeNull()

    // Embedded prices follow the same rule: tiers on a subscription's item price only when asked.
    const subs = await stripe.subscriptions.list({ status: 'all', price: tieredId, limit: 1 })
    const sub = subs.data[0] as Stripe.Subscription
    expect(sub.items.data[0]?.price.tiers).toBeUndefined()
    const withTiers = await stripe.subscriptions.retrieve(sub.id, { expand: ['items.data.price.tiers'] })
    expect(withTiers.items.data[0]?.price.tiers).toHaveLength(3)
  })

  it('filters invoices by subscription and events by type', async () => {
    const stripe = client(sb.secretKey)
    const sub = (await stripe.subscriptions.list({ limit: 1, status: 'active' })).data[0] as Stripe.Subscription
    const invoices = await stripe.invoices.list({ subscription: sub.id, limit: 100 })
    expect(invoices.data.length).toBeGreaterThan(0)
    expect(invoices.data.every((i) => i.parent?.subscription_details?.subscription === sub.id)).toBe(true)
    const events = await stripe.events.list({ types: ['invoice.paid', 'charge.failed'], limit: 100 })
    expect(events.data.length).toBeGreaterThan(0)
    expect(events.data.every((e) => e.type === 'invoice.paid' || e.type === 'charge.failed')).toBe(true)
  })
})

describe('parameters', () => {
  it('refuses unknown parameters, top-level and nested, with Stripe\'s parameter_unknown', async () => {
    const stripe = client(sb.secretKey)
    const top = await errorOf(stripe.customers.list({ limit: 1, foo: 'bar' } as Stripe.CustomerListParams))
    expect(top).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(top).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'foo', message: 'Received unknown parameter: foo' })
    const customer = await stripe.customers.create({ email: 'params@example.com' })
    const price = (await stripe.prices.list({ lookup_keys: ['proMonthly'] })).data[0] as Stripe.Price
    const nested = await errorOf(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id, bogus: 1 } as Stripe.SubscriptionCreateParams.Item] }),
    )
    expect(nested).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'items[0][bogus]' })
    // Real Stripe parameters the sandbox does not implement are refused too, never ignored.
    const unimplemented = await errorOf(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'default_incomplete' }))
    expect(unimplemented).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'payment_behavior' })
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).toHaveLength(0)
  })

  it('refuses invalid enum values instead of matching nothing', async () => {
    const stripe = client(sb.secretKey)
    const invoices = await errorOf(stripe.invoices.list({ status: 'bogus' as Stripe.InvoiceListParams.Status }))
    expect(invoices).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'status' })
    expect(invoices.message).toBe('Invalid status: must be one of draft, open, paid, uncollectible, or void')
    expect((await errorOf(stripe.subscriptions.list({ status: 'gone' as Stripe.SubscriptionListParams.Status }))).param).toBe('status')
    expect((await errorOf(stripe.prices.list({ type: 'monthly' as Stripe.PriceListParams.Type }))).param).toBe('type')
    expect((await errorOf(stripe.checkout.sessions.list({ status: 'done' as Stripe.Checkout.SessionListParams.Status }))).param).toBe('status')
    expect((await stripe.invoices.list({ status: 'paid', limit: 5 })).data.every((i) => i.status === 'paid')).toBe(true)
  })

  it('filters prices by lookup_keys', async () => {
    const stripe = client(sb.secretKey)
    const prices = await stripe.prices.list({ lookup_keys: ['proMonthly', 'starterAnnual'], limit: 100 })
    expect(prices.data.map((p) => p.lookup_key).sort()).toEqual(['proMonthly', 'starterAnnual'])
    expect((await stripe.prices.list({ lookup_keys: ['nope'] })).data).toHaveLength(0)
  })

  it('updates a trial end and deletes items; refuses what it cannot do', async () => {
    const acct = sb.createAccount({ customers: 0, seed: 17 })
    const stripe = client(acct.secretKey)
    const prices = (await stripe.prices.list({ limit: 100 })).data
    const seats = prices.find((p) => p.lookup_key === 'teamSeats') as Stripe.Price
    const metered = prices.find((p) => p.lookup_key === 'apiMetered') as Stripe.Price
    const customer = await stripe.customers.create({ email: 'trial@example.com', payment_method: 'pm_card_visa' })
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: seats.id, quantity: 3 }, { price: metered.id }], trial_period_days: 14 })
    expect(sub.status).toBe('trialing')

    const later = (sub.trial_end as number) + 7 * 86_400
    const extended = await stripe.subscriptions.update(sub.id, { trial_end: later })
    expect(extended.trial_end).toBe(later)
    expect(extended.items.data.every((i) => i.current_period_end === later)).toBe(true)
    const event = (await stripe.events.list({ type: 'customer.subscription.updated', limit: 1 })).data[0] as Stripe.Event
    expect(event.data.previous_attributes).toMatchObject({ trial_end: sub.trial_end })

    const meteredItem = sub.items.data.find((i) => i.price.id === metered.id) as Stripe.SubscriptionItem
    const trimmed = await stripe.subscriptions.update(sub.id, { items: [{ id: meteredItem.id, deleted: true }] })
    expect(trimmed.items.data.map((i) => i.price.id)).toEqual([seats.id])
    const seatItem = trimmed.items.data[0] as Stripe.SubscriptionItem
    const lastOne = await errorOf(stripe.subscriptions.update(sub.id, { items: [{ id: seatItem.id, deleted: true }] }))
    expect(lastOne).toMatchObject({ statusCode: 400, param: 'items' })
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1)

    const ended = await stripe.subscriptions.update(sub.id, { trial_end: 'now' })
    expect(ended.status).toBe('active')
    const notTrialing = await errorOf(stripe.subscriptions.update(sub.id, { trial_end: later }))
    expect(notTrialing).toMatchObject({ statusCode: 400, param: 'trial_end' })
  })

  it('pages subscription items backwards with ending_before', async () => {
    const acct = sb.createAccount({ customers: 0, seed: 18 })
    const stripe = client(acct.secretKey)
    const prices = (await stripe.prices.list({ limit: 100, type: 'recurring' })).data.filter((p) => p.recurring?.interval === 'month' && p.currency === 'usd')
    const customer = await stripe.customers.create({ email: 'items@example.com', payment_method: 'pm_card_visa' })
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: prices.map((p) => ({ price: p.id })) })
    const ids = sub.items.data.map((i) => i.id)
    expect(ids.length).toBeGreaterThanOrEqual(4)
    const last = ids.at(-1) as string
    const before = await stripe.subscriptionItems.list({ subscription: sub.id, ending_before: last, limit: 2 })
    expect(before.data.map((i) => i.id)).toEqual(ids.slice(-3, -1))
    expect(before.has_more).toBe(true)
    const first = await stripe.subscriptionItems.list({ subscription: sub.id, ending_before: ids[1] as string, limit: 2 })
    expect(first.data.map((i) => i.id)).toEqual([ids[0]])
    expect(first.has_more).toBe(false)
  })
})

describe('keys and permissions', () => {
  const probes: Record<string, { resource: Resource; level: 'read' | 'write'; call: (s: Stripe) => Promise<unknown> }> = {
    charges: { resource: 'charge', level: 'read', call: (s) => s.charges.list({ limit: 1 }) },
    customers: { resource: 'customer', level: 'read', call: (s) => s.customers.list({ limit: 1 }) },
    events: { resource: 'event', level: 'read', call: (s) => s.events.list({ limit: 1 }) },
    'checkout sessions': { resource: 'checkout_session', level: 'read', call: (s) => s.checkout.sessions.list({ limit: 1 }) },
    invoices: { resource: 'invoice', level: 'read', call: (s) => s.invoices.list({ limit: 1 }) },
    prices: { resource: 'plan', level: 'read', call: (s) => s.prices.list({ limit: 1 }) },
    subscriptions: { resource: 'subscription', level: 'read', call: (s) => s.subscriptions.list({ limit: 1 }) },
    'webhook endpoints': {
      resource: 'webhook',
      level: 'write',
      call: (s) => s.webhookEndpoints.create({ url: 'http://127.0.0.1:9/none', enabled_events: ['customer.created'] }),
    },
    products: { resource: 'product', level: 'read', call: (s) => s.products.list({ limit: 1 }) },
  }

  it('the F2 restricted key passes every probe', async () => {
    const stripe = client(sb.restrictedKey)
    for (const probe of Object.values(probes)) await probe.call(stripe)
    expect(sb.restrictedKey).toMatch(/^rk_test_/)
  })

  it.each(Object.entries(probes))('without %s: 403 naming the permission', async (_name, probe) => {
    const permissions = { ...F2_PERMISSIONS }
    delete permissions[probe.resource]
    const key = sb.control.createKey(permissions)
    const err = await errorOf(probe.call(client(key)))
    expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError)
    expect(err.statusCode).toBe(403)
    expect(err.type).toBe('StripePermissionError')
    expect(err.message).toContain(`'rak_${probe.resource}_${probe.level}'`)
    expect(err.message).toContain(sb.accountId)
    expect(err.message).not.toContain(key)
  })

  describe('every permission the sandbox models, missing in turn', () => {
    let acct: ReturnType<RunningSandbox['createAccount']>
    const ids = { customer: '', charge: '', product: '', price: '', subscription: '' }
    type Probe = { resource: Resource; level: 'read' | 'write'; call: (s: Stripe) => Promise<unknown> }
    const all: Probe[] = [
      { resource: 'account', level: 'read', call: (s) => s.accounts.retrieveCurrent() },
      { resource: 'charge', level: 'read', call: (s) => s.charges.list({ limit: 1 }) },
      { resource: 'checkout_session', level: 'read', call: (s) => s.checkout.sessions.list({ limit: 1 }) },
      {
        resource: 'checkout_session',
        level: 'write',
        call: (s) => s.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: ids.price, quantity: 1 }], customer: ids.customer }),
      },
      { resource: 'coupon', level: 'read', call: (s) => s.coupons.list({ limit: 1 }) },
      { resource: 'customer', level: 'read', call: (s) => s.customers.list({ limit: 1 }) },
      { resource: 'customer', level: 'write', call: (s) => s.customers.create({ email: 'probe@example.com' }) },
      { resource: 'event', level: 'read', call: (s) => s.events.list({ limit: 1 }) },
      { resource: 'invoice', level: 'read', call: (s) => s.invoices.list({ limit: 1 }) },
      { resource: 'payment_method', level: 'read', call: (s) => s.paymentMethods.list({ customer: ids.customer }) },
      { resource: 'plan', level: 'read', call: (s) => s.prices.list({ limit: 1 }) },
      { resource: 'plan', level: 'write', call: (s) => s.prices.create({ currency: 'usd', product: ids.product, unit_amount: 100 }) },
      { resource: 'product', level: 'read', call: (s) => s.products.list({ limit: 1 }) },
      { resource: 'product', level: 'write', call: (s) => s.products.create({ name: 'Probe' }) },
      { resource: 'refund', level: 'read', call: (s) => s.refunds.list({ limit: 1 }) },
      { resource: 'refund', level: 'write', call: (s) => s.refunds.create({ charge: ids.charge, amount: 1 }) },
      { resource: 'subscription', level: 'read', call: (s) => s.subscriptions.list({ limit: 1 }) },
      { resource: 'subscription', level: 'write', call: (s) => s.subscriptions.update(ids.subscription, { metadata: { probe: 'yes' } }) },
      { resource: 'webhook', level: 'read', call: (s) => s.webhookEndpoints.list({ limit: 1 }) },
      { resource: 'webhook', level: 'write', call: (s) => s.webhookEndpoints.create({ url: 'http://127.0.0.1:9/none', enabled_events: ['customer.created'] }) },
    ]
    const everything = Object.fromEntries(RESOURCES.map((r) => [r, 'write' as const]))

    beforeAll(async () => {
      acct = sb.createAccount({ customers: 40, seed: 21 })
      const stripe = client(acct.secretKey)
      const sub = (await stripe.subscriptions.list({ status: 'active', limit: 1 })).data[0] as Stripe.Subscription
      const charge = (await stripe.charges.list({ limit: 100 })).data.find((c) => c.status === 'succeeded' && c.amount > 100) as Stripe.Charge
      const price = sub.items.data[0]?.price as Stripe.Price
      Object.assign(ids, { customer: sub.customer as string, charge: charge.id, product: price.product as string, price: price.id, subscription: sub.id })
    })

    it('the probes cover every resource and level an endpoint requires', () => {
      expect(all.map((p) => `${p.resource}:${p.level}`).sort()).toEqual(modeledPermissions())
    })

    it('a key with every permission passes every probe; the F2 key passes the F2 ones', async () => {
      const full = client(acct.control.createKey(everything))
      for (const probe of all) await probe.call(full)
      const f2 = client(acct.restrictedKey)
      const granted = all.filter((p) => F2_PERMISSIONS[p.resource] === 'write' || (F2_PERMISSIONS[p.resource] === 'read' && p.level === 'read'))
      expect(granted.length).toBe(10)
      for (const probe of granted) await probe.call(f2)
    })

    it.each(all.map((p) => [`rak_${p.resource}_${p.level}`, p] as const))('without %s: 403 naming it', async (name, probe) => {
      // Write missing: the resource stays readable, so the 403 is about the level alone.
      const key = acct.control.createKey({ ...everything, [probe.resource]: probe.level === 'write' ? 'read' : 'none' })
      const err = await errorOf(probe.call(client(key)))
      expect(err).toBeInstanceOf(Stripe.errors.StripePermissionError)
      expect(err.statusCode).toBe(403)
      expect(err.message).toContain(`'${name}'`)
      expect(err.message).toContain(acct.accountId)
      expect(err.message).not.toContain(key)
    })
  })

  it('expanding a resource the key may not read is a 403 too', async () => {
    const key = sb.control.createKey({ subscription: 'read' })
    const err = await errorOf(client(key).subscriptions.list({ limit: 1, expand: ['data.customer'] }))
    expect(err.statusCode).toBe(403)
    expect(err.message).toContain('rak_customer_read')
  })

  it('revoked key: 401 api_key_expired; unknown key: 401; publishable key refused', async () => {
    const key = sb.control.createKey({ customer: 'read' })
    await client(key).customers.list({ limit: 1 })
    sb.control.revokeKey(key)
    const revoked = await errorOf(client(key).customers.list({ limit: 1 }))
    expect(revoked).toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    expect(revoked.statusCode).toBe(401)
    expect(revoked.code).toBe('api_key_expired')
    const unknown = await errorOf(client('sk_test_51nope000000000000000000').customers.list())
    expect(unknown.statusCode).toBe(401)
    expect(unknown.code).not.toBe('api_key_expired')
    const publishable = await errorOf(client(sb.publishableKey).customers.list())
    expect(publishable.statusCode).toBe(401)
    expect(publishable.message).toContain('publishable API key')
  })

  it('revokes a key after N requests (fault switch)', async () => {
    const key = sb.control.createKey({ customer: 'read' })
    sb.control.revokeKeyAfter(key, 2)
    const stripe = client(key)
    await stripe.customers.list({ limit: 1 })
    await stripe.customers.list({ limit: 1 })
    const err = await errorOf(stripe.customers.list({ limit: 1 }))
    expect(err.code).toBe('api_key_expired')
  })
})

describe('faults', () => {
  it('answers 429 with Stripe-Rate-Limited-Reason beyond the configured rate', async () => {
    const other = sb.createAccount({ customers: 5, seed: 9 })
    other.control.setFaults({ rateLimit: 10 })
    const stripe = client(other.secretKey)
    const burst = async (n: number) => {
      const results = await Promise.allSettled(Array.from({ length: n }, () => stripe.customers.list({ limit: 1 })))
      return results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as Stripe.errors.StripeError)
    }
    // A full bucket holds 10 requests; with the clock still, the other 30 are refused.
    const limited = await burst(40)
    expect(limited).toHaveLength(30)
    expect(limited.every((e) => e.statusCode === 429 && e.code === 'rate_limit')).toBe(true)
    expect(limited[0]?.headers?.['stripe-rate-limited-reason']).toBe('global-rate')
    expect(limited[0]?.headers?.['stripe-should-retry']).toBe('false')
    // Half a second refills 5 at 10 requests/s.
    limiterMs += 500
    expect(await burst(8)).toHaveLength(3)
    // Another account's budget is untouched: limits are per account.
    await client(sb.secretKey).customers.list({ limit: 1 })
    other.control.setFaults({ rateLimit: 1, lockTimeoutRate: 1 })
    const locked = await burst(5)
    expect(locked).toHaveLength(5)
    expect(locked.every((e) => e.statusCode === 429 && e.code === 'lock_timeout')).toBe(true)
    expect(locked[0]?.headers?.['stripe-should-retry']).toBe('true')
  })

  it('latencyMs delays every answer of that account by at least that long', async () => {
    const slow = sb.createAccount({ customers: 5, seed: 19 })
    slow.control.setFaults({ latencyMs: 250 })
    const stripe = client(slow.secretKey)
    const started = performance.now()
    const [page, err] = await Promise.all([stripe.customers.list({ limit: 2 }), errorOf(stripe.customers.retrieve('cus_missing'))])
    const elapsed = performance.now() - started
    expect(page.data).toHaveLength(2)
    expect(err.statusCode).toBe(404)
    expect(elapsed).toBeGreaterThanOrEqual(250)
    const one = performance.now()
    await stripe.customers.list({ limit: 1 })
    expect(performance.now() - one).toBeGreaterThanOrEqual(250)
    slow.control.setFaults({ latencyMs: 0 })
  })

  it('random 5xx carry Stripe-Should-Retry', async () => {
    const other = sb.createAccount({ customers: 5, seed: 10 })
    other.control.setFaults({ errorRate: 1 })
    const err = await errorOf(client(other.secretKey).customers.list())
    expect([500, 502, 503]).toContain(err.statusCode)
    expect(err.headers?.['stripe-should-retry']).toBe('true')
  })
})

describe('webhooks and lifecycle', () => {
  let receiver: Server
  let receiverUrl = ''
  const received: { body: string; signature: string }[] = []
  let failFirst = false
  const attempts = new Map<string, number>()

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        const id = (JSON.parse(body) as { id: string }).id
        const n = (attempts.get(id) ?? 0) + 1
        attempts.set(id, n)
        received.push({ body, signature: String(req.headers['stripe-signature']) })
        res.writeHead(failFirst && n === 1 ? 500 : 200).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  })
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())))

  async function endpoint(stripe: Stripe): Promise<string> {
    const created = await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: ['*'] })
    expect(created.secret).toMatch(/^whsec_/)
    const again = await stripe.webhookEndpoints.retrieve(created.id)
    expect(again.secret).toBeUndefined()
    return created.secret as string
  }

  it('delivers signed events in Stripe order, verifiable with constructEvent, and retries non-2xx', async () => {
    const acct = sb.createAccount({ customers: 30, seed: 11 })
    const stripe = client(acct.secretKey)
    const secret = await endpoint(stripe)
    received.length = 0
    failFirst = true
    const { customer, events: createdEvents } = acct.control.createCustomer({ email: 'Trial.User@Example.com', name: 'Trial User' })
    const trial = acct.control.startTrial(customer)
    const converted = acct.control.convertTrial(trial.subscription)
    await acct.control.webhooksIdle()
    failFirst = false
    const expected = [...createdEvents, ...trial.events, ...converted.events]
    const deliveries = received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, secret))
    // Every event arrived twice: a 500, then the retry.
    for (const id of expected) expect(deliveries.filter((e) => e.id === id).length).toBe(2)
    const types = (ids: string[]) => ids.map((id) => deliveries.find((e) => e.id === id)?.type)
    expect(types(createdEvents)).toEqual(['customer.created', 'payment_method.attached', 'customer.updated'])
    expect(types(trial.events)).toEqual([
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ])
    expect(types(converted.events)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
    ])
    const update = deliveries.find((e) => e.id === converted.events[0]) as Stripe.CustomerSubscriptionUpdatedEvent
    expect(update.data.object.status).toBe('active')
    expect(update.data.previous_attributes?.status).toBe('trialing')
    const listed = await stripe.events.retrieve(converted.events[0] as string)
    expect(listed.type).toBe('customer.subscription.updated')
    expect((listed.data.object as Stripe.Subscription).status).toBe('active')
  })

  it('fail, recover, cancel at period end, refund, change email and delete produce the right events and state', async () => {
    const acct = sb.createAccount({ customers: 10, seed: 12 })
    const stripe = client(acct.secretKey)
    const price = (await stripe.prices.list({ lookup_keys: ['proMonthly'] })).data.find((p) => p.lookup_key === 'proMonthly') as Stripe.Price
    const { customer, subscription } = acct.control.createCustomer({ email: 'payer@example.com', price: price.id })
    const sub = subscription as string
    expect((await stripe.subscriptions.retrieve(sub)).status).toBe('active')

    const failed = acct.control.failPayment(sub)
    const failedTypes = await Promise.all(failed.events.map(async (id) => (await stripe.events.retrieve(id)).type))
    // Renewal, then the declined charge, then the status change and the customer's delinquency.
    expect(failedTypes).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'charge.failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
      'customer.updated',
    ])
    expect((await stripe.subscriptions.retrieve(sub)).status).toBe('past_due')
    expect((await stripe.customers.retrieve(customer)) as Stripe.Customer).toMatchObject({ delinquent: true })

    acct.control.recoverPayment(sub)
    expect((await stripe.subscriptions.retrieve(sub)).status).toBe('active')

    const scheduled = acct.control.cancel(sub, true)
    const scheduledEvent = await stripe.events.retrieve(scheduled.events[0] as string)
    expect(scheduledEvent.data.previous_attributes).toMatchObject({ cancel_at_period_end: false })
    const current = await stripe.subscriptions.retrieve(sub)
    expect(current.cancel_at_period_end).toBe(true)
    const periodEnd = current.items.data[0]?.current_period_end as number
    const advanced = acct.control.advanceClock(periodEnd - acct.control.now() + 10)
    const advancedEvents = await Promise.all(advanced.events.map((id) => stripe.events.retrieve(id)))
    // Other subscriptions renew on the way; this one ends instead of renewing.
    expect(advancedEvents.some((e) => e.type === 'invoice.created')).toBe(true)
    const mine = advancedEvents.filter((e) => (e.data.object as { id: string }).id === sub)
    expect(mine.map((e) => e.type)).toEqual(['customer.subscription.deleted'])
    const ended = await stripe.subscriptions.retrieve(sub)
    expect(ended.status).toBe('canceled')
    expect(ended.canceled_at).not.toBeNull()

    const charge = (await stripe.charges.list({ customer, limit: 1 })).data[0] as Stripe.Charge
    await stripe.refunds.create({ charge: charge.id, amount: 100 })
    const refunded = await stripe.charges.retrieve(charge.id)
    expect(refunded.amount_refunded).toBe(100)
    expect(refunded.refunded).toBe(false)

    const changed = acct.control.changeEmail(customer, 'new@example.com')
    const emailEvent = await stripe.events.retrieve(changed.events[0] as string)
    expect(emailEvent.data.previous_attributes).toEqual({ email: 'payer@example.com' })

    const deleted = acct.control.deleteCustomer(customer)
    expect((await stripe.events.retrieve(deleted.events.at(-1) as string)).type).toBe('customer.deleted')
    const gone = await stripe.customers.retrieve(customer)
    expect(gone.deleted).toBe(true)
    const remaining = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })
    expect(remaining.some((c) => c.id === customer)).toBe(false)
  })

  it('advancing the clock runs what falls due across subscriptions in time order', async () => {
    const DAY = 86_400
    const acct = sb.createAccount({ customers: 0, seed: 16 })
    const stripe = client(acct.secretKey)
    const prices = (await stripe.prices.list({ limit: 100 })).data
    const monthly = prices.find((p) => p.lookup_key === 'proMonthly') as Stripe.Price
    const weekly = prices.find((p) => p.lookup_key === 'proWeekly') as Stripe.Price
    const a = acct.control.createCustomer({ email: 'monthly@example.com', price: monthly.id }).subscription as string
    // Half a day off whole days: the weekly renewals never fall in the same second as the monthly one.
    acct.control.advanceClock(2 * DAY + DAY / 2)
    const b = acct.control.createCustomer({ email: 'weekly@example.com', price: weekly.id }).subscription as string

    const advanced = acct.control.advanceClock(40 * DAY)
    const events = await Promise.all(advanced.events.map((id) => stripe.events.retrieve(id)))
    const created = events.map((e) => e.created)
    expect(created).toEqual([...created].sort((x, y) => x - y))
    const renewals = events
      .filter((e) => e.type === 'invoice.created')
      .map((e) => (e.data.object as Stripe.Invoice).parent?.subscription_details?.subscription)
    // Weekly renewals at days 9.5, 16.5, 23.5, 30.5 and 37.5; the monthly one at day 28–31 in between.
    expect(renewals.filter((s) => s === b)).toHaveLength(5)
    expect(renewals.filter((s) => s === a)).toHaveLength(1)
    expect(renewals.slice(0, 3)).toEqual([b, b, b])
    expect(renewals.at(-1)).toBe(b)
    // The Events API lists those of the last 30 days newest first, in the same order.
    const recent = events.filter((e) => e.created >= acct.control.now() - 30 * DAY).map((e) => e.id)
    const listed = (await stripe.events.list({ limit: 100 })).data.filter((e) => advanced.events.includes(e.id))
    expect(listed.map((e) => e.id)).toEqual(recent.reverse())
  })

  it('drops and duplicates deliveries when told to; dropped events stay in the Events API', async () => {
    const acct = sb.createAccount({ customers: 5, seed: 13 })
    const stripe = client(acct.secretKey)
    const secret = await endpoint(stripe)
    received.length = 0
    acct.control.setFaults({ duplicateRate: 1 })
    const dup = acct.control.createCustomer({ email: 'dup@example.com', card: false })
    await acct.control.webhooksIdle()
    expect(received.length).toBe(2 * dup.events.length)
    for (const r of received) stripe.webhooks.constructEvent(r.body, r.signature, secret)

    received.length = 0
    acct.control.setFaults({ duplicateRate: 0, dropRate: 1 })
    const dropped = acct.control.createCustomer({ email: 'lost@example.com', card: false })
    await acct.control.webhooksIdle()
    expect(received.length).toBe(0)
    const lost = await stripe.events.list({ delivery_success: false, limit: 100 })
    expect(lost.data.map((e) => e.id)).toContain(dropped.events[0])
    expect(lost.data.map((e) => e.id)).not.toContain(dup.events[0])
  })

  it('reorderWindow shuffles deliveries within each window of N, each delivered once and verifiable', async () => {
    const acct = sb.createAccount({ customers: 0, seed: 20 })
    const stripe = client(acct.secretKey)
    const secret = await endpoint(stripe)
    acct.control.setFaults({ reorderWindow: 5 })
    received.length = 0
    const emitted: string[] = []
    // Each customer with a card is three events: 15 in all, three full windows.
    for (let i = 0; i < 5; i++) emitted.push(...acct.control.createCustomer({ email: `order${i}@example.com` }).events)
    expect(emitted).toHaveLength(15)
    await acct.control.webhooksIdle()
    const delivered = received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, secret).id)
    expect([...delivered].sort()).toEqual([...emitted].sort())
    const log = acct.control.runtime.dispatcher.log.filter((d) => d.attempt === 1)
    const sentOrder = [...log].sort((a, b) => a.sent - b.sent).map((d) => d.eventId)
    for (let w = 0; w < 3; w++) {
      expect(new Set(sentOrder.slice(5 * w, 5 * w + 5))).toEqual(new Set(emitted.slice(5 * w, 5 * w + 5)))
    }
    expect(sentOrder).not.toEqual(emitted)
  })

  it('webhook endpoints: update disables, re-enables and re-subscribes; a disabled endpoint gets nothing; a deleted one is 404 resource_missing', async () => {
    const acct = sb.createAccount({ customers: 5, seed: 14 })
    const stripe = client(acct.secretKey)
    const created = await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: ['customer.created', 'customer.updated'] })
    expect((await stripe.webhookEndpoints.update(created.id, { disabled: true })).status).toBe('disabled')
    expect((await stripe.webhookEndpoints.retrieve(created.id)).status).toBe('disabled')
    received.length = 0
    const { customer } = acct.control.createCustomer({ email: 'off@example.com', card: false })
    await acct.control.webhooksIdle()
    expect(received).toHaveLength(0)

    const enabled = await stripe.webhookEndpoints.update(created.id, { disabled: false, enabled_events: ['customer.updated'] })
    expect(enabled).toMatchObject({ status: 'enabled', enabled_events: ['customer.updated'] })
    const changed = acct.control.changeEmail(customer, 'on@example.com')
    await acct.control.webhooksIdle()
    expect(received.map((r) => (JSON.parse(r.body) as { id: string; type: string }).id)).toEqual(changed.events)
    expect(received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(['customer.updated'])

    await stripe.webhookEndpoints.del(created.id)
    const gone = await errorOf(stripe.webhookEndpoints.retrieve(created.id))
    expect(gone).toMatchObject({ statusCode: 404, code: 'resource_missing', type: 'StripeInvalidRequestError' })
    expect(gone.message).toContain(created.id)
    expect((await errorOf(stripe.webhookEndpoints.update(created.id, { disabled: false }))).code).toBe('resource_missing')
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(0)
  })

  it('`npm run sandbox -- --port 12111 --customers 1000 --seed 1` prints the contract JSON as its first stdout line', async () => {
    const { spawn } = await import('node:child_process')
    // The command, word for word, through npm (the repo's .npmrc keeps npm's banner off stdout).
    const child = spawn('npm', ['run', 'sandbox', '--', '--port', '12111', '--customers', '1000', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let buffer = ''
        child.stdout.on('data', (c: Buffer) => {
          buffer += c.toString('utf8')
          const nl = buffer.indexOf('\n')
          if (nl >= 0) resolve(buffer.slice(0, nl))
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const info = JSON.parse(first) as Record<string, string>
      expect(Object.keys(info)).toEqual(expect.arrayContaining(['url', 'accountId', 'secretKey', 'restrictedKey', 'controlUrl']))
      expect(info.url).toBe('http://127.0.0.1:12111')
      expect(info.controlUrl).toBe('http://127.0.0.1:12111/_sandbox')
      const url = new URL(info.url as string)
      const stripe = new Stripe(info.restrictedKey as string, { host: url.hostname, port: Number(url.port), protocol: 'http' })
      const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 2000 })
      expect(customers).toHaveLength(1000)
      expect((await errorOf(stripe.paymentMethods.list({ customer: 'cus_x' }))).statusCode).toBe(403)
      const secret = new Stripe(info.secretKey as string, { host: url.hostname, port: Number(url.port), protocol: 'http' })
      expect((await secret.accounts.retrieveCurrent()).id).toBe(info.accountId)
    } finally {
      // npm and the sandbox under it form one process group: end both.
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    }
  })

  it('the control API adds yen customers on request, zero-decimal amounts through the SDK', async () => {
    const res = await fetch(`${sb.controlUrl}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customers: 10, seed: 5, jpyCustomers: 3 }),
    })
    const { secretKey } = (await res.json()) as { secretKey: string }
    const stripe = client(secretKey)
    const customers = await stripe.customers.list({ limit: 100 })
    expect(customers.data).toHaveLength(13)
    expect(customers.data.filter((c) => c.currency === 'jpy')).toHaveLength(3)
    const yen = (await stripe.prices.list({ lookup_keys: ['proMonthlyJpy'] })).data[0] as Stripe.Price
    expect(yen).toMatchObject({ currency: 'jpy', unit_amount: 3000 })
    const invoices = (await stripe.invoices.list({ limit: 100 })).data.filter((i) => i.currency === 'jpy')
    expect(invoices.length).toBeGreaterThan(0)
    expect(invoices.flatMap((i) => i.lines.data.map((l) => l.amount)).every((a) => a === 0 || a === 3000)).toBe(true)
  })

  it('the control API creates accounts and keys over HTTP', async () => {
    const res = await fetch(`${sb.controlUrl}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customers: 20, seed: 5, name: 'Wizard' }),
    })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { accountId: string; secretKey: string; restrictedKey: string; publishableKey: string }
    expect(created.restrictedKey).toMatch(/^rk_test_/)
    const account = await client(created.secretKey).accounts.retrieveCurrent()
    expect(account.id).toBe(created.accountId)
    const keyRes = await fetch(`${sb.controlUrl}/accounts/${created.accountId}/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: ['rak_customer_read'] }),
    })
    const { key } = (await keyRes.json()) as { key: string }
    expect((await client(key).customers.list({ limit: 100 })).data.length).toBe(20)
    const err = await errorOf(client(key).invoices.list())
    expect(err.message).toContain('rak_invoice_read')
    await fetch(`${sb.controlUrl}/keys/revoke`, { method: 'POST', body: JSON.stringify({ key }) })
    expect((await errorOf(client(key).customers.list())).code).toBe('api_key_expired')
  })
})
