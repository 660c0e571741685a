import { randomBytes, randomUUID } from 'node:crypto'
import Stripe from 'stripe'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../../crypto'
import { signUp } from '../../workspaces/sign-up'
import { recomputeContacts } from '../recompute-contacts'
import { runBackfill } from './run-backfill'

// After a real backfill of a generated sandbox account, contacts' attributes equal what is
// computed HERE from the sandbox's own objects, read through its Stripe API with the SDK and an
// unrestricted key — none of the product's derivations (mrr.ts, primary-subscription.ts,
// recompute-contacts.ts) are called. Rules restated from SPEC F8–F10 and the documented
// representative rule for customers sharing an email.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 10, seed: 61 })
})
afterAll(() => sandbox?.close())

// F8: "the" subscription: by status priority, then the newest.
const priority = ['active', 'past_due', 'trialing', 'unpaid', 'incomplete', 'paused', 'canceled', 'incomplete_expired']
const rank = (s: Stripe.Subscription) => priority.indexOf(s.status)
const theSubscription = (subs: Stripe.Subscription[]) => [...subs].sort((a, b) => rank(a) - rank(b) || b.created - a.created || (a.id < b.id ? -1 : 1))[0] ?? null

// F10: per item, the price for its quantity per billing period (tiers by their mode).
function periodAmount(price: Stripe.Price, quantity: number): number {
  if (price.billing_scheme !== 'tiered') return (price.unit_amount ?? 0) * quantity
  const tiers = price.tiers ?? []
  if (price.tiers_mode === 'volume') {
    const tier = tiers.find((t) => t.up_to === null || quantity <= t.up_to) ?? tiers.at(-1)
    return (tier?.unit_amount ?? 0) * quantity + (tier?.flat_amount ?? 0)
  }
  let total = 0
  let below = 0
  for (const t of tiers) {
    if (quantity <= below) break
    const top = t.up_to ?? Number.POSITIVE_INFINITY
    total += (Math.min(quantity, top) - below) * (t.unit_amount ?? 0) + (t.flat_amount ?? 0)
    below = top
  }
  return total
}
// Months per period: year ÷ 12, week × 52 ÷ 12, day × 365 ÷ 12, divided by interval_count.
const monthsPer: Record<string, number> = { month: 1, year: 1 / 12, week: 52 / 12, day: 365 / 12 }
const perMonth = (r: Stripe.Price.Recurring) => (monthsPer[r.interval] ?? 0) / r.interval_count
const roundHalfEven = (x: number) => {
  const f = Math.floor(x)
  const d = x - f
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1
  return Math.round(x)
}

/** Forever coupons of a subscription's (expanded) discounts; repeating ones do not count by default. */
function foreverCoupons(sub: Stripe.Subscription, coupons: ReadonlyMap<string, Stripe.Coupon>): Stripe.Coupon[] {
  const ids = (sub.discounts ?? []).flatMap((d) => {
    if (typeof d === 'string') return []
    const c = d.source?.coupon ?? (d as unknown as { coupon?: string | Stripe.Coupon }).coupon
    return c ? [typeof c === 'string' ? c : c.id] : []
  })
  return ids.flatMap((id) => coupons.get(id) ?? []).filter((c) => c.duration === 'forever')
}

/** MRR of one customer in minor units of each currency: active/past_due, licensed items, forever discounts off. */
function expectedMrr(subs: Stripe.Subscription[], prices: ReadonlyMap<string, Stripe.Price>, coupons: ReadonlyMap<string, Stripe.Coupon>): Record<string, number> {
  const exact: Record<string, number> = {}
  for (const sub of subs.filter((s) => s.status === 'active' || s.status === 'past_due')) {
    const forever = foreverCoupons(sub, coupons)
    for (const item of sub.items.data) {
      // A subscription's embedded price has no tiers; the price list carries them.
      const price = prices.get(item.price.id) ?? item.price
      if (!price.recurring || price.recurring.usage_type === 'metered') continue
      let amount = periodAmount(price, item.quantity ?? 1) * perMonth(price.recurring)
      for (const c of forever) if (c.percent_off) amount -= (amount * c.percent_off) / 100
      if (amount > 0) exact[price.currency] = (exact[price.currency] ?? 0) + amount
    }
  }
  return Object.fromEntries(Object.entries(exact).map(([currency, v]) => [currency, roundHalfEven(v)]))
}

test('contacts after a backfill equal an independent computation from the sandbox: status, plan, MRR, trial end, last payment, identity', async () => {
  const account = sandbox.createAccount({ customers: 220, seed: 16 })
  const { workspaceId } = await signUp(db, { name: 'Ada', email: `ada-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const key = account.control.createKey({ ...F2_PERMISSIONS, coupon: 'read' })
  const { id: connectionId } = await db.stripeConnection.create({
    data: { workspaceId, accountId: account.accountId, mode: 'test', keyKind: 'restricted', keySealed: secretBox().seal(key), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all',
      // As the wizard's permission check records it: the optional Coupons read is granted.
      permissions: [{ id: 'coupons_read', status: 'granted' }],
    },
  })
  const result = await runBackfill({ db, box: secretBox(), recomputeContacts, ratePerSecond: 400 }, { connectionId, reason: 'initial_import' })
  expect(result.state).toBe('succeeded')

  // What Stripe (the sandbox) says, read with the account's secret key.
  const url = new URL(sandbox.url)
  const stripe = new Stripe(account.secretKey, { host: url.hostname, port: url.port, protocol: 'http' })
  const all = { limit: 10_000 }
  const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray(all)
  const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100, expand: ['data.discounts'] }).autoPagingToArray(all)
  const charges = await stripe.charges.list({ limit: 100 }).autoPagingToArray(all)
  const prices = new Map((await stripe.prices.list({ limit: 100, expand: ['data.tiers'] }).autoPagingToArray(all)).map((p) => [p.id, p]))
  const coupons = new Map((await stripe.coupons.list({ limit: 100 }).autoPagingToArray(all)).map((c) => [c.id, c]))
  const products = new Map((await stripe.products.list({ limit: 100 }).autoPagingToArray(all)).map((p) => [p.id, p]))
  const customerOf = (x: { customer: string | Stripe.Customer | Stripe.DeletedCustomer | null }) => (typeof x.customer === 'string' ? x.customer : (x.customer?.id ?? null))
  const subsOf = (id: string) => subscriptions.filter((s) => customerOf(s) === id)

  const contacts = await db.contact.findMany({ where: { workspaceId }, include: { stripeLinks: { where: { connectionId } } } })
  const contactOfCustomer = new Map(contacts.flatMap((c) => c.stripeLinks.map((l) => [l.customerId, c] as const)))
  expect(contactOfCustomer.size).toBe(customers.length)

  // F9 identity: customers grouped by trimmed, lower-cased email; no email → a contact of its own.
  const byEmail = new Map<string, Stripe.Customer[]>()
  for (const c of customers) if (c.email?.trim()) byEmail.set(c.email.trim().toLowerCase(), [...(byEmail.get(c.email.trim().toLowerCase()) ?? []), c])
  const shared = [...byEmail.entries()].filter(([, group]) => group.length > 1)
  const noEmail = customers.filter((c) => !c.email?.trim())
  expect(shared.length).toBeGreaterThan(0)
  expect(noEmail.length).toBeGreaterThan(0)
  for (const [email, group] of shared) {
    const contact = contactOfCustomer.get(group[0]?.id ?? '')
    expect(contact?.email).toBe(email)
    expect(new Set(contact?.stripeLinks.map((l) => l.customerId))).toEqual(new Set(group.map((c) => c.id)))
    // The documented rule: the customer whose "the" subscription ranks highest, then the newest, then the smaller id.
    const representative = [...group].sort((a, b) => {
      const ra = theSubscription(subsOf(a.id))
      const rb = theSubscription(subsOf(b.id))
      return (ra ? rank(ra) : priority.length) - (rb ? rank(rb) : priority.length) || b.created - a.created || (a.id < b.id ? -1 : 1)
    })[0]
    expect((contact?.attributes as Record<string, unknown> | undefined)?.stripe_customer_id, email).toBe(representative?.id)
    expect(contact?.subscriptionStatus ?? null, email).toBe(theSubscription(subsOf(representative?.id ?? ''))?.status ?? null)
  }
  for (const c of noEmail) {
    const contact = contactOfCustomer.get(c.id)
    expect(contact?.email).toBeNull()
    expect(contact?.stripeLinks.map((l) => l.customerId)).toEqual([c.id])
  }

  // Every contact with exactly one customer: its attributes from that customer's objects.
  const single = customers.filter((c) => contactOfCustomer.get(c.id)?.stripeLinks.length === 1)
  expect(single.length).toBeGreaterThan(150)
  let withDiscount = 0
  let tiered = 0
  for (const customer of single) {
    const contact = contactOfCustomer.get(customer.id)
    if (!contact) throw new Error('no contact')
    const attributes = contact.attributes as Record<string, unknown>
    const subs = subsOf(customer.id)
    const primary = theSubscription(subs)
    const firstPrice = primary?.items.data[0]?.price ?? null
    const product = firstPrice ? products.get(typeof firstPrice.product === 'string' ? firstPrice.product : firstPrice.product.id) : undefined
    const paid = charges.filter((ch) => customerOf(ch) === customer.id && ch.status === 'succeeded' && ch.captured).sort((a, b) => b.created - a.created)[0]
    const mrr = expectedMrr(subs, prices, coupons)
    const currency = contact.currency
    const actual = {
      status: contact.subscriptionStatus,
      plan: attributes.stripe_price_id ?? null,
      product: attributes.stripe_product_name ?? null,
      trialEnd: contact.trialEnd?.toISOString() ?? null,
      lastPaymentAt: contact.lastPaymentAt?.toISOString() ?? null,
      mrr: Number(contact.mrr),
    }
    expect(actual, customer.id).toEqual({
      status: primary?.status ?? null,
      plan: firstPrice?.id ?? null,
      product: product?.name ?? null,
      trialEnd: primary?.trial_end ? new Date(primary.trial_end * 1000).toISOString() : null,
      lastPaymentAt: paid ? new Date(paid.created * 1000).toISOString() : null,
      mrr: currency ? (mrr[currency] ?? 0) : 0,
    })
    if (subs.some((s) => (s.status === 'active' || s.status === 'past_due') && foreverCoupons(s, coupons).length > 0)) withDiscount += 1
    if (mrr[contact.currency ?? ''] && subs.some((s) => s.items.data.some((i) => prices.get(i.price.id)?.billing_scheme === 'tiered'))) tiered += 1
  }
  // The sample covers the interesting cases.
  expect(withDiscount).toBeGreaterThan(0)
  expect(tiered).toBeGreaterThan(0)
}, 180_000)
