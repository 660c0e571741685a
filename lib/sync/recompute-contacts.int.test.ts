import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { signUp } from '../workspaces/sign-up'
import type { BundleCharge, BundleCustomer, BundleSubscription } from './customer-bundle'
import { recomputeContacts } from './recompute-contacts'
import { buildCharge, buildCoupon, buildCustomer, buildDiscount, buildItem, buildPrice, buildSubscription, NOW, unix } from './test-fixtures'

// Identity (F9) and attributes on a real database: mirror rows in, contacts out.

async function newConnection() {
  const { workspaceId } = await signUp(db, { name: 'Ivy', email: `ivy-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({ data: { workspaceId, mode: 'test', keyKind: 'restricted', keySealed: 'x', keyHint: 'rk_test_…abcd', status: 'active', accountId: `acct_${randomUUID().slice(0, 8)}` } })
  return { workspaceId, connectionId: connection.id }
}

type Owned<T> = T & { customer: string }
/** Fixture objects belong to the fixture customer; these tests give each its own. */
const of = <T,>(customer: string, object: T): Owned<T> => ({ ...object, customer })

async function mirror(connectionId: string, objects: { customers?: BundleCustomer[]; subscriptions?: Owned<BundleSubscription>[]; charges?: Owned<BundleCharge>[] }) {
  const asOf = new Date()
  for (const c of objects.customers ?? []) {
    const row = { email: c.email ? c.email.trim().toLowerCase() : null, created: new Date(c.created * 1000), livemode: false, data: c as object, dataAsOf: asOf, deletedAt: null }
    await db.stripeCustomer.upsert({ where: { connectionId_id: { connectionId, id: c.id } }, create: { connectionId, id: c.id, ...row }, update: row })
  }
  for (const s of objects.subscriptions ?? []) {
    await db.stripeSubscription.create({ data: { connectionId, id: s.id, customerId: s.customer, status: s.status, created: new Date(s.created * 1000), livemode: false, data: s as object, dataAsOf: asOf } })
  }
  for (const ch of objects.charges ?? []) {
    await db.stripeCharge.create({ data: { connectionId, id: ch.id, customerId: ch.customer, status: ch.status, amount: BigInt(ch.amount), currency: ch.currency, created: new Date(ch.created * 1000), livemode: false, data: ch as object, dataAsOf: asOf } })
  }
}

const contactsOf = (workspaceId: string) => db.contact.findMany({ where: { workspaceId }, orderBy: { email: 'asc' }, include: { stripeLinks: true } })

describe('recomputeContacts', () => {
  test('a customer becomes a contact with typed columns and mapped attributes', async () => {
    const { workspaceId, connectionId } = await newConnection()
    const customer = buildCustomer({ id: 'cus_a', email: '  Ada@Example.COM ', name: 'Ada' })
    const annual = buildPrice({ id: 'price_year', unit_amount: 120000, interval: 'year' })
    await mirror(connectionId, {
      customers: [customer],
      subscriptions: [of('cus_a', buildSubscription({ id: 'sub_a', status: 'active', items: [buildItem(annual, { quantity: 1 })] }))],
      charges: [of('cus_a', buildCharge({ id: 'ch_1', created: unix('2026-03-01T00:00:00Z'), amount: 120000 }))],
    })
    const { contactIds } = await recomputeContacts(db, { connectionId, customerIds: ['cus_a'], now: NOW })
    expect(contactIds).toHaveLength(1)
    const [contact] = await contactsOf(workspaceId)
    expect(contact).toMatchObject({ email: 'ada@example.com', name: 'Ada', isStripeLinked: true, subscriptionStatus: 'active', subscriptionCount: 1, activeSubscriptionCount: 1, currency: 'usd' })
    // annual 1,200.00 ÷ 12 = 100.00 a month
    expect(contact!.mrr).toBe(10000n)
    expect(contact!.totalSpend).toBe(120000n)
    expect(contact!.lastPaymentAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z')
    expect(contact!.attributes).toMatchObject({ stripe_email: '  Ada@Example.COM ', stripe_customer_id: 'cus_a', stripe_subscription_status: 'active', stripe_mrr: 10000 })
  })

  test('two customers with one email (any case, spaces) share a contact, both linked, listed as a conflict; the rule picks the active one', async () => {
    const { workspaceId, connectionId } = await newConnection()
    const older = buildCustomer({ id: 'cus_old', email: 'sam@example.com', name: 'Sam Old', created: unix('2025-01-01T00:00:00Z') })
    const newer = buildCustomer({ id: 'cus_new', email: ' SAM@example.com', name: 'Sam New', created: unix('2026-01-01T00:00:00Z') })
    await mirror(connectionId, {
      customers: [older, newer],
      subscriptions: [
        of('cus_old', buildSubscription({ id: 'sub_old', status: 'active' })),
        of('cus_new', buildSubscription({ id: 'sub_new', status: 'canceled', canceled_at: unix('2026-02-01T00:00:00Z') })),
      ],
    })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_new', 'cus_old'], now: NOW })
    const contacts = await contactsOf(workspaceId)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.stripeLinks.map((l) => l.customerId).sort()).toEqual(['cus_new', 'cus_old'])
    expect(contacts[0]).toMatchObject({ name: 'Sam Old', subscriptionStatus: 'active' })
    const conflict = await db.identityConflict.findFirstOrThrow({ where: { workspaceId } })
    expect(conflict).toMatchObject({ email: 'sam@example.com', customerIds: ['cus_new', 'cus_old'], resolvedAt: null })
  })

  test('customers without email get contacts of their own, keyed by their Stripe id', async () => {
    const { workspaceId, connectionId } = await newConnection()
    await mirror(connectionId, { customers: [buildCustomer({ id: 'cus_x', email: null, name: 'X' }), buildCustomer({ id: 'cus_y', email: null, name: 'Y' })] })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_x', 'cus_y'], now: NOW })
    const contacts = await contactsOf(workspaceId)
    expect(contacts.map((c) => [c.name, c.email, c.stripeLinks[0]?.customerId])).toEqual(
      expect.arrayContaining([
        ['X', null, 'cus_x'],
        ['Y', null, 'cus_y'],
      ]),
    )
  })

  test('an email change keeps the contact; a deletion unlinks it and clears Stripe data but keeps the contact', async () => {
    const { workspaceId, connectionId } = await newConnection()
    await mirror(connectionId, { customers: [buildCustomer({ id: 'cus_e', email: 'before@example.com' })], subscriptions: [of('cus_e', buildSubscription({ id: 'sub_e' }))] })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_e'], now: NOW })
    const [first] = await contactsOf(workspaceId)

    await mirror(connectionId, { customers: [buildCustomer({ id: 'cus_e', email: 'after@example.com' })] })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_e'], now: NOW })
    const afterChange = await contactsOf(workspaceId)
    expect(afterChange.map((c) => [c.id, c.email])).toEqual([[first!.id, 'after@example.com']])

    await db.stripeCustomer.update({ where: { connectionId_id: { connectionId, id: 'cus_e' } }, data: { deletedAt: new Date() } })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_e'], now: NOW })
    const afterDelete = await contactsOf(workspaceId)
    expect(afterDelete).toHaveLength(1)
    expect(afterDelete[0]).toMatchObject({ id: first!.id, email: 'after@example.com', isStripeLinked: false, subscriptionStatus: null, mrr: 0n, stripeLinks: [] })
  })

  test('metadata.user_id links a customer to the contact with that external id', async () => {
    const { workspaceId, connectionId } = await newConnection()
    const existing = await db.contact.create({ data: { workspaceId, email: 'app-user@example.com', externalId: 'user_42' } })
    await mirror(connectionId, { customers: [buildCustomer({ id: 'cus_ext', email: 'billing@company.example', metadata: { user_id: 'user_42' } })] })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_ext'], now: NOW })
    const contacts = await contactsOf(workspaceId)
    expect(contacts.map((c) => c.id)).toEqual([existing.id])
    // The contact keeps its own email: another contact does not hold billing@…, so it follows Stripe.
    expect(contacts[0]!.stripeLinks.map((l) => l.customerId)).toEqual(['cus_ext'])
  })

  test('the same customer ids in two workspaces stay apart', async () => {
    const a = await newConnection()
    const b = await newConnection()
    for (const { connectionId } of [a, b]) await mirror(connectionId, { customers: [buildCustomer({ id: 'cus_same', email: 'same@example.com' })] })
    await recomputeContacts(db, { connectionId: a.connectionId, customerIds: ['cus_same'], now: NOW })
    await recomputeContacts(db, { connectionId: b.connectionId, customerIds: ['cus_same'], now: NOW })
    const [ca] = await contactsOf(a.workspaceId)
    const [cb] = await contactsOf(b.workspaceId)
    expect(ca!.id).not.toBe(cb!.id)
  })
})

describe('recomputeConnectionContacts (re-map after a mapping change)', () => {
  test('a changed mapping is applied to every contact of the connection, page by page, from the mirror', async () => {
    const { recomputeConnectionContacts } = await import('./remap-contacts')
    const { defaultMapping } = await import('./mapping')
    const { workspaceId, connectionId } = await newConnection()
    const ids = ['cus_r1', 'cus_r2', 'cus_r3']
    await mirror(connectionId, { customers: ids.map((id, i) => buildCustomer({ id, email: `r${i}@example.com`, name: `R${i}` })) })
    await recomputeContacts(db, { connectionId, customerIds: ids, now: NOW })

    const mapping = defaultMapping()
    mapping.fields = mapping.fields.map((f) => (f.key === 'customer.name' ? { ...f, target: 'stripe_full_name' } : f))
    await db.stripeConnection.update({ where: { id: connectionId }, data: { mapping } })
    let after: string | null = null
    let pages = 0
    do {
      const page = await recomputeConnectionContacts(db, { connectionId, afterCustomerId: after, batchSize: 2, maxBatches: 1, now: NOW })
      after = page.nextAfterCustomerId
      pages += 1
    } while (after)
    expect(pages).toBe(2)
    const contacts = await contactsOf(workspaceId)
    expect(contacts.map((c) => (c.attributes as Record<string, unknown>).stripe_full_name)).toEqual(['R0', 'R1', 'R2'])
    expect(contacts.every((c) => !('stripe_name' in (c.attributes as object)))).toBe(true)
  })
  test('discounts in MRR: forever 20% off 50.00 = 4,000; repeating 50% off 50.00 counted only with the workspace setting = 2,500', async () => {
    const { workspaceId, connectionId } = await newConnection()
    const price = buildPrice({ id: 'price_50', unit_amount: 5000 })
    const forever = buildDiscount(buildCoupon({ id: 'FOREVER20', duration: 'forever', percent_off: 20 }), { id: 'di_f' })
    const repeating = buildDiscount(buildCoupon({ id: 'HALF3MONTHS', duration: 'repeating', percent_off: 50 }), { id: 'di_r', end: Math.floor(NOW.getTime() / 1000) + 30 * 86_400 })
    await mirror(connectionId, {
      customers: [buildCustomer({ id: 'cus_f', email: 'f@example.com' }), buildCustomer({ id: 'cus_r', email: 'r@example.com' })],
      subscriptions: [
        of('cus_f', buildSubscription({ id: 'sub_f', items: [buildItem(price)], discounts: [forever] })),
        of('cus_r', buildSubscription({ id: 'sub_r', items: [buildItem(price)], discounts: [repeating] })),
      ],
    })
    const mrrs = async () => (await contactsOf(workspaceId)).map((c) => [c.email, Number(c.mrr)])
    await recomputeContacts(db, { connectionId, customerIds: ['cus_f', 'cus_r'], now: NOW })
    expect(await mrrs()).toEqual([
      ['f@example.com', 4000],
      ['r@example.com', 5000],
    ])
    await db.workspace.update({ where: { id: workspaceId }, data: { includeRepeatingDiscounts: true } })
    await recomputeContacts(db, { connectionId, customerIds: ['cus_f', 'cus_r'], now: NOW })
    expect(await mrrs()).toEqual([
      ['f@example.com', 4000],
      ['r@example.com', 2500],
    ])
  })
})
