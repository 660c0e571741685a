import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { defaultMapping } from '../sync/mapping'
import { getContact } from './get-contact'
import { createWorkspaceWithConnection } from './test-support'

// The contact page reads only our tables: mirror rows in, Stripe panel out.

const now = new Date('2026-06-15T00:00:00Z')
const t = (iso: string) => Math.floor(Date.parse(iso) / 1000)

/** A contact with one Stripe customer, a current (basil) and an old (pre-basil) subscription, five charges. */
async function seed(options: { mode?: 'live' | 'test'; apiBase?: string | null } = {}) {
  const { workspaceId, connectionId } = await createWorkspaceWithConnection(db, options)
  const u = randomUUID().replaceAll('-', '').slice(0, 10)
  const customerId = `cus_${u}`
  const mapping = { ...defaultMapping(), metadata: [{ key: 'plan_tier', target: 'stripe_meta_plan_tier', type: 'string' as const }] }
  await db.stripeConnection.update({ where: { id: connectionId }, data: { mapping } })
  const mirror = { connectionId, livemode: false, dataAsOf: now }

  await db.stripeProduct.create({ data: { ...mirror, id: `prod_${u}`, name: 'Starter', created: now, data: { id: `prod_${u}`, object: 'product', name: 'Starter' } } })
  await db.stripeCustomer.create({
    data: { ...mirror, id: customerId, email: `pat.${u}@example.com`, created: new Date('2025-01-02T00:00:00Z'), data: { id: customerId, object: 'customer', email: `Pat.${u}@example.com`, name: 'Pat Doe', created: t('2025-01-02T00:00:00Z'), livemode: false, metadata: { plan_tier: 'gold' } } },
  })
  // Current API shape: period on the item, `discounts` list.
  const pro = { id: `price_pro_${u}`, object: 'price', currency: 'usd', nickname: 'Pro monthly', unit_amount: 4900, unit_amount_decimal: '4900', billing_scheme: 'per_unit', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' }, product: `prod_${u}`, type: 'recurring' }
  await db.stripeSubscription.create({
    data: {
      ...mirror,
      id: `sub_new_${u}`,
      customerId,
      status: 'active',
      created: new Date('2026-01-10T00:00:00Z'),
      data: {
        id: `sub_new_${u}`,
        object: 'subscription',
        status: 'active',
        created: t('2026-01-10T00:00:00Z'),
        currency: 'usd',
        customer: customerId,
        cancel_at_period_end: true,
        canceled_at: t('2026-06-01T00:00:00Z'),
        trial_start: t('2026-01-10T00:00:00Z'),
        trial_end: t('2026-01-24T00:00:00Z'),
        discounts: [],
        latest_invoice: `in_${u}`,
        items: { object: 'list', data: [{ id: `si_${u}`, quantity: 2, price: pro, current_period_start: t('2026-06-10T00:00:00Z'), current_period_end: t('2026-07-10T00:00:00Z') }] },
      },
    },
  })
  // Pre-basil shape: period on the subscription, legacy `discount`, no nickname (product name shown).
  const starter = { id: `price_starter_${u}`, object: 'price', currency: 'usd', nickname: null, unit_amount: 120000, billing_scheme: 'per_unit', recurring: { interval: 'year', interval_count: 1, usage_type: 'licensed' }, product: `prod_${u}` }
  await db.stripeSubscription.create({
    data: {
      ...mirror,
      id: `sub_old_${u}`,
      customerId,
      status: 'canceled',
      created: new Date('2025-01-02T00:00:00Z'),
      data: {
        id: `sub_old_${u}`,
        object: 'subscription',
        status: 'canceled',
        created: t('2025-01-02T00:00:00Z'),
        currency: 'usd',
        customer: customerId,
        cancel_at_period_end: false,
        canceled_at: t('2025-12-01T00:00:00Z'),
        current_period_start: t('2025-01-02T00:00:00Z'),
        current_period_end: t('2026-01-02T00:00:00Z'),
        discount: null,
        items: { object: 'list', data: [{ id: `si_old_${u}`, quantity: 1, price: starter, plan: starter }] },
      },
    },
  })
  await db.stripeInvoice.create({ data: { ...mirror, id: `in_${u}`, customerId, subscriptionId: `sub_new_${u}`, status: 'paid', created: now, data: { id: `in_${u}`, object: 'invoice', status: 'paid' } } })

  // Five charges; two share the newest second (id breaks the tie), one refunded, one failed.
  const charges = [
    { id: `ch_a_${u}`, created: '2026-02-10T00:00:00Z', status: 'succeeded', amount: 9800 },
    { id: `ch_b_${u}`, created: '2026-03-10T00:00:00Z', status: 'succeeded', amount: 9800, refunded: true, amount_refunded: 9800 },
    { id: `ch_c_${u}`, created: '2026-04-10T00:00:00Z', status: 'failed', amount: 9800, failure_message: 'Your card was declined.' },
    { id: `ch_d_${u}`, created: '2026-05-10T00:00:00Z', status: 'succeeded', amount: 9800, invoice: `in_${u}` },
    { id: `ch_e_${u}`, created: '2026-05-10T00:00:00Z', status: 'succeeded', amount: 500, description: 'Setup fee' },
  ]
  for (const ch of charges) {
    await db.stripeCharge.create({
      data: {
        ...mirror,
        id: ch.id,
        customerId,
        status: ch.status,
        amount: BigInt(ch.amount),
        currency: 'usd',
        created: new Date(ch.created),
        data: { object: 'charge', currency: 'usd', description: null, refunded: false, amount_refunded: 0, ...ch, created: t(ch.created) },
      },
    })
  }

  const contact = await db.contact.create({
    data: {
      workspaceId,
      email: `pat.${u}@example.com`,
      name: 'Pat Doe',
      isStripeLinked: true,
      subscriptionStatus: 'active',
      mrr: 9800n,
      currency: 'usd',
      stripeCreatedAt: new Date('2025-01-02T00:00:00Z'),
      attributes: { stripe_email: `Pat.${u}@example.com`, stripe_mrr: 9800, stripe_price_unit_amount: 4900, stripe_price_currency: 'usd', stripe_city_legacy: 'Lyon', stripe_meta_plan_tier: 'gold', stripe_address_city: 'Paris' },
      customAttributes: { plan_seats: 12 },
    },
  })
  await db.contactStripeLink.create({ data: { connectionId, customerId, contactId: contact.id, workspaceId } })
  const segment = await db.segment.create({ data: { workspaceId, name: 'Customers', rule: {} } })
  await db.segmentMembership.create({ data: { segmentId: segment.id, contactId: contact.id, enteredAt: now, cause: 'test' } })
  return { workspaceId, connectionId, contactId: contact.id, customerId, u }
}

describe('contact page', () => {
  test('Stripe panel: both subscription shapes, the three most recent payments newest first, MRR per item', async () => {
    const s = await seed()
    const detail = await getContact(db, { workspaceId: s.workspaceId, contactId: s.contactId, now })

    expect(detail.subscriptions.map((x) => [x.id, x.status, x.plan, x.amount, x.interval, x.isPrimary])).toEqual([
      [`sub_new_${s.u}`, 'active', 'Pro monthly', 9800, 'month', true],
      [`sub_old_${s.u}`, 'canceled', 'Starter', 120000, 'year', false],
    ])
    const [current, old] = detail.subscriptions
    expect(current).toMatchObject({
      currentPeriodStart: '2026-06-10T00:00:00.000Z',
      currentPeriodEnd: '2026-07-10T00:00:00.000Z',
      trialEnd: '2026-01-24T00:00:00.000Z',
      cancelAtPeriodEnd: true,
      latestInvoice: { id: `in_${s.u}`, status: 'paid', dashboardUrl: `https://dashboard.stripe.com/test/invoices/in_${s.u}` },
    })
    expect(current?.items[0]).toMatchObject({ quantity: 2, unitAmount: 4900 })
    expect(old).toMatchObject({ currentPeriodStart: '2025-01-02T00:00:00.000Z', currentPeriodEnd: '2026-01-02T00:00:00.000Z', canceledAt: '2025-12-01T00:00:00.000Z' })

    // Newest first; ch_d and ch_e share a second and the larger id comes first.
    expect(detail.payments.map((p) => p.id)).toEqual([`ch_e_${s.u}`, `ch_d_${s.u}`, `ch_c_${s.u}`])
    expect(detail.payments[0]).toMatchObject({ amount: 500, description: 'Setup fee', status: 'succeeded', isRefunded: false })
    expect(detail.payments[1]?.invoice).toEqual({ id: `in_${s.u}`, dashboardUrl: `https://dashboard.stripe.com/test/invoices/in_${s.u}` })
    expect(detail.payments[2]).toMatchObject({ status: 'failed', failureMessage: 'Your card was declined.' })

    // 2 × 49.00 monthly = 98.00; the canceled annual plan adds nothing.
    expect(detail.mrr).toHaveLength(1)
    expect(detail.mrr[0]?.totals).toEqual({ usd: 9800 })
    expect(detail.mrr[0]?.items.map((i) => [i.subscriptionId, i.monthlyAmount, i.excludedReason])).toEqual([
      [`sub_new_${s.u}`, 9800, null],
      [`sub_old_${s.u}`, 0, 'subscription_not_active'],
    ])
    expect(detail.segments.map((m) => m.name)).toEqual(['Customers'])
    expect(detail.customers).toEqual([expect.objectContaining({ id: s.customerId, name: 'Pat Doe', isRepresentative: true })])
  })

  test('attributes are grouped by field group with catalog labels; metadata, unknown and custom attributes apart', async () => {
    const s = await seed()
    const detail = await getContact(db, { workspaceId: s.workspaceId, contactId: s.contactId, now })
    const groups = Object.fromEntries(detail.attributeGroups.map((g) => [g.label, g.attributes.map((a) => [a.name, a.label, a.value])]))
    expect(groups.Customer).toEqual([
      ['stripe_email', 'Email', `Pat.${s.u}@example.com`],
      ['stripe_mrr', 'MRR', 9800],
    ])
    expect(groups['Billing address']).toEqual([['stripe_address_city', 'City', 'Paris']])
    expect(groups['Plan / price']).toEqual([
      ['stripe_price_unit_amount', 'Unit amount', 4900],
      ['stripe_price_currency', 'Price currency', 'usd'],
    ])
    expect(groups['Stripe metadata']).toEqual([['stripe_meta_plan_tier', 'plan_tier', 'gold']])
    expect(groups['Other Stripe attributes']).toEqual([['stripe_city_legacy', 'stripe_city_legacy', 'Lyon']])
    expect(detail.attributeGroups.map((g) => g.id)).toEqual(['customer', 'address', 'price', 'metadata', 'other'])
    expect(detail.customAttributes).toEqual([{ name: 'plan_seats', value: 12 }])
  })

  test('dashboard links: /test/ for test mode, none for live-mode paths, no link at all for a sandbox', async () => {
    const test_ = await seed({ mode: 'test' })
    const live = await seed({ mode: 'live' })
    const sandbox = await seed({ mode: 'test', apiBase: 'http://127.0.0.1:12111' })
    const [dt, dl, ds] = await Promise.all([test_, live, sandbox].map((s) => getContact(db, { workspaceId: s.workspaceId, contactId: s.contactId, now })))
    expect(dt!.customers[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/test/customers/${test_.customerId}`)
    expect(dt!.subscriptions[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/test/subscriptions/sub_new_${test_.u}`)
    expect(dt!.payments[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/test/payments/ch_e_${test_.u}`)
    expect(dl!.customers[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/customers/${live.customerId}`)
    expect(dl!.subscriptions[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/subscriptions/sub_new_${live.u}`)
    expect(dl!.payments[1]?.invoice?.dashboardUrl).toBe(`https://dashboard.stripe.com/invoices/in_${live.u}`)
    expect(ds!.connections[0]?.isSandbox).toBe(true)
    expect([ds!.customers[0]?.dashboardUrl, ds!.subscriptions[0]?.dashboardUrl, ds!.payments[0]?.dashboardUrl, ds!.subscriptions[0]?.latestInvoice?.dashboardUrl]).toEqual([null, null, null, null])
  })

  test("another workspace's contact id is not found, with the same answer as an id that does not exist", async () => {
    const mine = await seed()
    const theirs = await seed()
    const a = await getContact(db, { workspaceId: mine.workspaceId, contactId: theirs.contactId, now }).catch((e) => e)
    const b = await getContact(db, { workspaceId: mine.workspaceId, contactId: 'does-not-exist', now }).catch((e) => e)
    expect(a).toMatchObject({ code: 'not_found' })
    expect(b).toMatchObject({ code: 'not_found', message: a.message })
    expect(JSON.stringify(a)).not.toContain(theirs.customerId)
  })
})
