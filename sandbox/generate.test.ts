import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { generateAccount } from './generate'
import { buildCustomer, buildEvent, buildInvoice, buildSubscription } from './objects'
import type { SubStatus } from './records'
import { Account } from './store'

const NOW = 1_790_000_000

function generate(customers: number, seed: number) {
  const account = new Account('acct_test', 'Test', () => NOW)
  generateAccount(account, { customers, seed, now: NOW })
  return account
}

describe('generator', () => {
  const account = generate(2000, 7)

  it('is deterministic: same seed, same ids and data', () => {
    const again = generate(2000, 7)
    const first = account.customers.all.items.slice(0, 50).map((c) => buildCustomer(c))
    const second = again.customers.all.items.slice(0, 50).map((c) => buildCustomer(c))
    expect(second).toEqual(first)
    expect(again.invoices.all.items.map((i) => i.id)).toEqual(account.invoices.all.items.map((i) => i.id))
    expect(generate(50, 8).customers.all.items[0]?.id).not.toBe(generate(50, 7).customers.all.items[0]?.id)
  })

  it('covers the lifecycle mix the product segments on', () => {
    const statuses = new Set<SubStatus>(account.subscriptions.all.items.map((s) => s.status))
    for (const s of ['trialing', 'active', 'past_due', 'unpaid', 'canceled', 'incomplete_expired', 'paused'] as const) {
      expect(statuses, s).toContain(s)
    }
    const customers = account.customers.all.items
    expect(customers.some((c) => c.email === null)).toBe(true)
    expect(customers.some((c) => c.email !== null && c.email !== c.email.toLowerCase())).toBe(true)
    const lower = customers.filter((c) => c.email).map((c) => (c.email as string).toLowerCase())
    expect(new Set(lower).size).toBeLessThan(lower.length)
    const perCustomer = new Map<string, number>()
    for (const s of account.subscriptions.all.items) perCustomer.set(s.customer, (perCustomer.get(s.customer) ?? 0) + 1)
    expect([...perCustomer.values()].some((n) => n >= 2)).toBe(true)
    expect(account.subscriptions.all.items.some((s) => s.discount?.coupon === 'FOREVER20')).toBe(true)
    expect(account.subscriptions.all.items.some((s) => s.discount?.coupon === 'HALF3MONTHS')).toBe(true)
    expect(account.subscriptions.all.items.some((s) => s.items.some((i) => i.quantity === null))).toBe(true)
    expect(account.charges.all.items.some((c) => c.status === 'failed')).toBe(true)
    expect(account.charges.all.items.some((c) => c.amountRefunded > 0)).toBe(true)
    expect(account.subscriptions.all.items.some((s) => s.status === 'active' && s.cancelAtPeriodEnd)).toBe(true)
  })

  it('satisfies the invariants a sync relies on', () => {
    for (const sub of account.subscriptions.all.items) {
      expect(account.customers.get(sub.customer), sub.id).toBeDefined()
      const built = buildSubscription(account, sub)
      if (sub.status === 'canceled') {
        expect(built.canceled_at, sub.id).not.toBeNull()
        expect(built.ended_at, sub.id).not.toBeNull()
      }
      if (sub.status === 'trialing') expect(built.trial_end as number).toBeGreaterThan(NOW)
      for (const item of built.items.data) {
        expect(item.current_period_start).toBeLessThan(item.current_period_end)
      }
      if (sub.status === 'past_due' || sub.status === 'unpaid') {
        expect(account.invoices.get(sub.latestInvoice as string)?.status).toBe('open')
      }
      expect(sub.created).toBeLessThanOrEqual(NOW)
    }
    for (const rec of account.invoices.all.items) {
      const invoice = buildInvoice(account, rec)
      const lineSum = invoice.lines.data.reduce((s, l) => s + l.amount, 0)
      expect(invoice.subtotal).toBe(lineSum)
      const discounts = (invoice.total_discount_amounts ?? []).reduce((s, d) => s + d.amount, 0)
      expect(invoice.total).toBe(invoice.subtotal - discounts)
      if (invoice.status === 'paid') {
        expect(invoice.amount_paid).toBe(invoice.total)
        expect(invoice.amount_remaining).toBe(0)
        if (invoice.total > 0) expect(account.charges.get(rec.charges.at(-1) as string)?.status).toBe('succeeded')
      }
      if (invoice.status === 'open') expect(invoice.amount_remaining).toBe(invoice.total)
      expect(invoice.parent?.subscription_details?.subscription).toBe(rec.subscription)
      expect(account.customers.get(rec.customer)).toBeDefined()
    }
    for (const charge of account.charges.all.items) {
      expect(charge.amountRefunded).toBeLessThanOrEqual(charge.amount)
    }
  })

  it('keeps only 30 days of events, each pointing at an existing object', () => {
    const events = account.events.all.items
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) {
      expect(e.created).toBeGreaterThanOrEqual(NOW - 30 * 86_400)
      expect(e.created).toBeLessThanOrEqual(NOW)
      const object = buildEvent(account, e).data.object
      expect(object.id, e.type).toBe(e.objectId)
      expect(object.deleted, e.type).toBeUndefined()
    }
    const sorted = [...events].sort((a, b) => a.created - b.created || a.seq - b.seq)
    expect(sorted.map((e) => e.id)).toEqual(events.map((e) => e.id))
  })

  it('adds yen customers from their own random stream without changing any other object', () => {
    const plain = generate(300, 7)
    const withYen = new Account('acct_test', 'Test', () => NOW)
    generateAccount(withYen, { customers: 300, seed: 7, now: NOW, jpyCustomers: 6 })
    for (const c of plain.customers.all.items) expect(buildCustomer(withYen.customers.get(c.id) as typeof c)).toEqual(buildCustomer(c))
    for (const s of plain.subscriptions.all.items) {
      expect(buildSubscription(withYen, withYen.subscriptions.get(s.id) as typeof s)).toEqual(buildSubscription(plain, s))
    }
    for (const i of plain.invoices.all.items) expect(buildInvoice(withYen, withYen.invoices.get(i.id) as typeof i)).toEqual(buildInvoice(plain, i))
    for (const c of plain.charges.all.items) expect(withYen.charges.get(c.id)).toEqual(c)
    for (const e of plain.events.all.items) expect(buildEvent(withYen, withYen.events.get(e.id) as typeof e)).toEqual(buildEvent(plain, e))
    for (const p of plain.prices.all.items) expect(withYen.prices.get(p.id)?.obj).toEqual(p.obj)

    const yen = withYen.customers.all.items.filter((c) => !plain.customers.get(c.id))
    expect(yen).toHaveLength(6)
    expect(yen.every((c) => c.currency === 'jpy')).toBe(true)
    const yenInvoices = withYen.invoices.all.items.filter((i) => yen.some((c) => c.id === i.customer))
    expect(yenInvoices.length).toBeGreaterThan(0)
    for (const rec of yenInvoices) {
      const invoice = buildInvoice(withYen, rec)
      expect(invoice.currency).toBe('jpy')
      // ¥3,000 a month is 3000 in minor units (yen has none), not 300000.
      for (const line of invoice.lines.data) expect([0, 3000]).toContain(line.amount)
      expect(Number.isInteger(invoice.total)).toBe(true)
    }
  })

  it('shows each subscription event as of its own time: item periods hold `created` and follow previous_attributes', () => {
    const subEvents = account.events.all.items.filter((e) => e.type.startsWith('customer.subscription.'))
    expect(subEvents.some((e) => e.previousAttributes?.items)).toBe(true)
    const problems: string[] = []
    for (const e of subEvents) {
      const event = buildEvent(account, e)
      const sub = event.data.object as unknown as Stripe.Subscription
      const previous = event.data.previous_attributes as { items?: { data: { id: string; current_period_start: number; current_period_end: number }[] }; status?: string } | undefined
      for (const item of sub.items.data) {
        if (item.current_period_start > e.created || e.created > item.current_period_end) {
          problems.push(`${e.id} ${e.type} at ${e.created}: item period ${item.current_period_start}–${item.current_period_end}`)
        }
        const before = previous?.items?.data.find((i) => i.id === item.id)
        if (previous?.items && !before) problems.push(`${e.id}: previous_attributes.items lacks ${item.id}`)
        // A renewal or trial conversion: the old period ended where the new one starts.
        if (before && (before.current_period_end !== item.current_period_start || before.current_period_start >= item.current_period_start)) {
          problems.push(`${e.id}: previous period ${before.current_period_start}–${before.current_period_end}, now ${item.current_period_start}–${item.current_period_end}`)
        }
      }
      if (previous?.status !== undefined && previous.status === sub.status) problems.push(`${e.id}: status ${sub.status} unchanged`)
    }
    expect(problems).toEqual([])
  })
})
