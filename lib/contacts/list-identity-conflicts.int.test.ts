import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { listIdentityConflicts } from './list-identity-conflicts'
import { createWorkspaceWithConnection } from './test-support'

const now = new Date('2026-06-15T00:00:00Z')

test('a shared email lists every customer and marks the one whose attributes the contact shows (best subscription, then newest)', async () => {
  const { workspaceId, connectionId } = await createWorkspaceWithConnection(db, { mode: 'live' })
  const u = randomUUID().slice(0, 8)
  const email = `shared.${u}@example.com`
  const mirror = { connectionId, livemode: true, dataAsOf: now }
  // Newest customer has only a canceled subscription; the older one is active, so it wins.
  const customers = [
    { id: `cus_old_${u}`, created: 1_700_000_000, name: 'Old Active', sub: 'active' },
    { id: `cus_new_${u}`, created: 1_750_000_000, name: 'New Canceled', sub: 'canceled' },
    { id: `cus_none_${u}`, created: 1_760_000_000, name: 'Newest No Sub', sub: null },
  ]
  for (const c of customers) {
    await db.stripeCustomer.create({ data: { ...mirror, id: c.id, email, created: new Date(c.created * 1000), data: { id: c.id, email, name: c.name, created: c.created } } })
    if (c.sub) {
      await db.stripeSubscription.create({ data: { ...mirror, id: `sub_${c.id}`, customerId: c.id, status: c.sub, created: now, data: { id: `sub_${c.id}`, status: c.sub, created: c.created } } })
    }
  }
  const contact = await db.contact.create({ data: { workspaceId, email, name: 'Old Active' } })
  await db.contactStripeLink.createMany({ data: customers.map((c) => ({ connectionId, customerId: c.id, contactId: contact.id, workspaceId })) })
  await db.identityConflict.create({ data: { workspaceId, contactId: contact.id, email, customerIds: customers.map((c) => c.id) } })

  const result = await listIdentityConflicts(db, { workspaceId, connectionId })
  expect(result.conflicts).toHaveLength(1)
  expect(result.conflicts[0]?.customers.map((c) => [c.id, c.name, c.subscriptionStatus, c.isShown])).toEqual([
    [`cus_old_${u}`, 'Old Active', 'active', true],
    [`cus_new_${u}`, 'New Canceled', 'canceled', false],
    [`cus_none_${u}`, 'Newest No Sub', null, false],
  ])
  expect(result.conflicts[0]?.customers[0]?.dashboardUrl).toBe(`https://dashboard.stripe.com/customers/cus_old_${u}`)
  expect(result.rule).toMatch(/most recently created customer/)

  // Resolved conflicts disappear; another workspace cannot open this connection's page.
  const other = await createWorkspaceWithConnection(db)
  await expect(listIdentityConflicts(db, { workspaceId: other.workspaceId, connectionId })).rejects.toMatchObject({ code: 'not_found' })
  await db.identityConflict.updateMany({ where: { contactId: contact.id }, data: { resolvedAt: now } })
  expect((await listIdentityConflicts(db, { workspaceId, connectionId })).conflicts).toEqual([])
})
