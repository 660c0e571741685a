import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { recomputeConnectionContacts } from '../sync/remap-contacts'
import { recomputeContacts } from '../sync/recompute-contacts'
import { buildCoupon, buildCustomer, buildDiscount, buildItem, buildPrice, buildSubscription, NOW } from '../sync/test-fixtures'
import { getMrrSettings, saveMrrSettings } from './mrr-settings'
import { signUp } from './sign-up'

test('turning on repeating discounts re-maps each connected account: 50% off 40.00 for 3 months = 2,000 minor units', async () => {
  const { workspaceId } = await signUp(db, { name: 'Rue', email: `rue-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({ data: { workspaceId, mode: 'test', keyKind: 'restricted', keySealed: 'x', keyHint: 'rk_test_…abcd', status: 'active', accountId: `acct_${randomUUID().slice(0, 8)}` } })
  await db.stripeConnection.create({ data: { workspaceId, mode: 'test', keyKind: 'restricted', keySealed: 'x', keyHint: 'rk_test_…efgh', status: 'draft' } })
  const customer = buildCustomer({ id: 'cus_r', email: 'r@example.com' })
  const repeating = buildDiscount(buildCoupon({ id: 'HALF3MONTHS', duration: 'repeating', percent_off: 50 }), { end: Math.floor(NOW.getTime() / 1000) + 60 * 86_400 })
  const sub = { ...buildSubscription({ id: 'sub_r', items: [buildItem(buildPrice({ unit_amount: 4000 }))], discounts: [repeating] }), customer: 'cus_r' }
  await db.stripeCustomer.create({ data: { connectionId: connection.id, id: 'cus_r', email: 'r@example.com', created: new Date(customer.created * 1000), livemode: false, data: customer as object, dataAsOf: NOW } })
  await db.stripeSubscription.create({ data: { connectionId: connection.id, id: 'sub_r', customerId: 'cus_r', status: 'active', created: new Date(sub.created * 1000), livemode: false, data: sub as object, dataAsOf: NOW } })
  await recomputeContacts(db, { connectionId: connection.id, customerIds: ['cus_r'], now: NOW })
  const mrr = async () => Number((await db.contact.findFirstOrThrow({ where: { workspaceId } })).mrr)
  expect(await getMrrSettings(db, { workspaceId })).toEqual({ includeRepeatingDiscounts: false })
  expect(await mrr()).toBe(4000)

  const remaps: string[][] = []
  const deps = { db, requestRemap: async (ids: string[]) => void remaps.push(ids) }
  expect(await saveMrrSettings(deps, { workspaceId, settings: { includeRepeatingDiscounts: true } })).toEqual({ includeRepeatingDiscounts: true, remappedConnections: 1 })
  // The draft connection (wizard not finished) has no contacts to re-map.
  expect(remaps).toEqual([[connection.id]])
  await recomputeConnectionContacts(db, { connectionId: connection.id, afterCustomerId: null, now: NOW })
  expect(await mrr()).toBe(2000)

  // Saving the same value again changes nothing and re-maps nothing.
  expect(await saveMrrSettings(deps, { workspaceId, settings: { includeRepeatingDiscounts: true } })).toMatchObject({ remappedConnections: 0 })
  expect(remaps).toHaveLength(1)
})
