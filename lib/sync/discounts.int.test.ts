import { randomBytes, randomUUID } from 'node:crypto'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { getContact } from '../contacts/get-contact'
import { secretBox } from '../crypto'
import { checkStripeKey } from '../stripe/check-permissions'
import { createStripeClient } from '../stripe/client'
import { signUp } from '../workspaces/sign-up'
import { applyStripeEvent } from './apply-event/apply-stripe-event'
import { stripeForConnection } from '../connections/connection-deps'
import type { BackfillDeps } from './backfill/deps'
import { runBackfill } from './backfill/run-backfill'
import { recomputeContacts } from './recompute-contacts'

// Discounts in stored MRR (SPEC F10) through a real backfill of the sandbox: with the optional
// Coupons read permission, a forever coupon is subtracted; without it MRR stays gross and the
// contact page says why. Expected figures come from the sandbox's own records.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
const box = secretBox()
let sandbox: RunningSandbox
let account: ReturnType<RunningSandbox['createAccount']>

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 0, seed: 3 })
  account = sandbox.createAccount({ customers: 120, seed: 23 })
})
afterAll(() => sandbox?.close())

const deps: BackfillDeps = { db, box, recomputeContacts, ratePerSecond: 400 }
const PER_MONTH: Record<string, number> = { month: 1, year: 1 / 12, week: 52 / 12, day: 365 / 12 }

/** Connects the account with `key`, storing the permission check as the wizard does. */
async function connect(key: string) {
  const { workspaceId } = await signUp(db, { name: 'Dee', email: `dee-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const check = await checkStripeKey(createStripeClient(key, { apiBase: sandbox.url }))
  if (!check.ok) throw new Error(check.message)
  const permissions = check.checks.map(({ id, status }) => ({ id, status }))
  const connection = await db.stripeConnection.create({
    data: { workspaceId, accountId: account.accountId, mode: 'test', keyKind: 'restricted', keySealed: box.seal(key), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all', permissions },
  })
  return { workspaceId, connectionId: connection.id, checks: check.checks }
}

/**
 * Customers whose only subscription is active with FOREVER20 on per-unit licensed prices, with
 * their MRR before and after the coupon, computed from the sandbox's records.
 */
function foreverCustomers() {
  const a = sandbox.sandbox.getAccount(account.accountId)!.account
  const subsByCustomer = new Map<string, (typeof a.subscriptions.all.items)[number][]>()
  for (const s of a.subscriptions.all.items) subsByCustomer.set(s.customer, [...(subsByCustomer.get(s.customer) ?? []), s])
  const out: { customerId: string; subscriptionId: string; gross: number; net: number }[] = []
  for (const [customerId, subs] of subsByCustomer) {
    const [s] = subs
    if (subs.length !== 1 || !s || s.status !== 'active' || s.discount?.coupon !== 'FOREVER20') continue
    let gross = 0
    let simple = true
    for (const item of s.items) {
      const price = a.prices.get(item.price)!.obj
      if (price.billing_scheme !== 'per_unit' || price.recurring?.usage_type !== 'licensed' || item.quantity === null) simple = false
      else gross += ((price.unit_amount ?? 0) * item.quantity * (PER_MONTH[price.recurring.interval] ?? 0)) / (price.recurring.interval_count || 1)
    }
    if (simple && gross > 0) out.push({ customerId, subscriptionId: s.id, gross: Math.round(gross), net: Math.round(gross * 0.8) })
  }
  return out
}

const contactOf = async (connectionId: string, customerId: string) => {
  const link = await db.contactStripeLink.findFirstOrThrow({ where: { connectionId, customerId } })
  return db.contact.findUniqueOrThrow({ where: { id: link.contactId } })
}

describe('forever coupons in stored MRR, through a sandbox backfill', () => {
  test('with Coupons read: a forever 20% coupon is subtracted (e.g. 50.00 × 80% = 40.00), with no extra request per page', async () => {
    const key = account.control.createKey({ ...F2_PERMISSIONS, coupon: 'read' })
    const { workspaceId, connectionId, checks } = await connect(key)
    expect(checks.find((c) => c.id === 'coupons_read')?.status).toBe('granted')
    const result = await runBackfill(deps, { connectionId, reason: 'initial_import', concurrency: 2 })
    expect(result.state).toBe('succeeded')

    const discounted = foreverCustomers()
    expect(discounted.length).toBeGreaterThan(0)
    for (const d of discounted) {
      const contact = await contactOf(connectionId, d.customerId)
      expect({ customer: d.customerId, mrr: Number(contact.mrr) }).toEqual({ customer: d.customerId, mrr: d.net })
    }
    const first = discounted[0]!
    const page = await getContact(db, { workspaceId, contactId: (await contactOf(connectionId, first.customerId)).id, now: new Date() })
    const rep = page.mrr.find((m) => m.isRepresentative)!
    expect(rep.skippedDiscounts).toEqual([])
    expect(rep.items.flatMap((i) => i.discounts.map((x) => [x.couponId, x.duration]))).toContainEqual(['FOREVER20', 'forever'])
  })

  test('without Coupons read: MRR stays gross and the contact page names the missing permission', async () => {
    const key = account.control.createKey(F2_PERMISSIONS)
    const { workspaceId, connectionId, checks } = await connect(key)
    expect(checks.find((c) => c.id === 'coupons_read')).toMatchObject({ status: 'missing', stripeName: 'rak_coupon_read', level: 'optional' })
    const result = await runBackfill(deps, { connectionId, reason: 'initial_import', concurrency: 2 })
    // An optional permission never fails the import.
    expect(result.state).toBe('succeeded')

    const discounted = foreverCustomers()
    for (const d of discounted) expect(Number((await contactOf(connectionId, d.customerId)).mrr)).toBe(d.gross)
    const first = discounted[0]!
    const page = await getContact(db, { workspaceId, contactId: (await contactOf(connectionId, first.customerId)).id, now: new Date() })
    const rep = page.mrr.find((m) => m.isRepresentative)!
    expect(rep.skippedDiscounts).toEqual([expect.objectContaining({ subscriptionId: first.subscriptionId, reason: 'coupon_permission_missing' })])
  })

  test('a webhook that carries the discount as an id keeps the coupon subtracted (past_due still counts)', async () => {
    const key = account.control.createKey({ ...F2_PERMISSIONS, coupon: 'read' })
    const { connectionId } = await connect(key)
    await runBackfill(deps, { connectionId, reason: 'initial_import', concurrency: 2 })
    const target = foreverCustomers()[0]!

    const { events } = account.control.failPayment(target.subscriptionId)
    // The event as Stripe's JSON (the SDK would turn `*_decimal` fields into Decimal objects).
    const rawEvent = async (id: string) => (await fetch(new URL(`/v1/events/${id}`, sandbox.url), { headers: { authorization: `Bearer ${account.secretKey}` } })).json() as Promise<Stripe.Event>
    const applyDeps = { db, stripeFor: (c: { keySealed: string; apiBase: string | null }) => stripeForConnection(deps, c), now: () => new Date() }
    let sawIds = false
    for (const id of events) {
      const event = await rawEvent(id)
      const object = event.data.object as { object?: string; discounts?: unknown[] }
      if (event.type === 'customer.subscription.updated') sawIds ||= typeof object.discounts?.[0] === 'string'
      await db.stripeEvent.create({ data: { connectionId, id: event.id, type: event.type, created: new Date(event.created * 1000), livemode: false, payload: event as object } })
      await applyStripeEvent(applyDeps, { connectionId, eventId: event.id }).catch((e) => { throw new Error(`${event.type}: ${e}`) })
    }
    expect(sawIds).toBe(true)
    const contact = await contactOf(connectionId, target.customerId)
    expect(contact.subscriptionStatus).toBe('past_due')
    expect(Number(contact.mrr)).toBe(target.net)
  })
})
