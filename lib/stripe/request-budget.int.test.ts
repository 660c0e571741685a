import { randomUUID } from 'node:crypto'
import { afterAll, expect, test } from 'vitest'
import { testDatabaseUrl, testDb as db } from '@/test/db'
import { createDb } from '../db'
import { ensureRequestBudget, pauseRequestBudget, reserveRequests } from './request-budget'

// The budget is shared through the database: two clients (two "processes") draw from one bucket.
const other = createDb(testDatabaseUrl, { max: 4 })
afterAll(() => other.$disconnect())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('two workers at once get 20 r/s together: 60 requests take ≈ (60 − 20 burst) ÷ 20 = 2 s', async () => {
  const connectionId = `c_${randomUUID()}`
  await ensureRequestBudget(db, { connectionId, mode: 'test', ratePerSecond: 20 })
  const started = performance.now()
  const sent: number[] = []
  const worker = async (client: typeof db) => {
    for (let i = 0; i < 30; i++) {
      const wait = await reserveRequests(client, connectionId, 1)
      await sleep(wait)
      sent.push(performance.now() - started)
    }
  }
  await Promise.all([worker(db), worker(other)])
  const last = Math.max(...sent)
  expect(last).toBeGreaterThan(1_850)
  // Generous upper bound: a loaded machine adds round-trip time, never fewer tokens.
  expect(last).toBeLessThan(3_500)
  // Never more than burst + rate × t requests by any time t.
  for (const t of sent) expect(sent.filter((s) => s <= t).length).toBeLessThanOrEqual(20 + Math.ceil((t / 1000) * 20) + 1)
})

test('defaults: 12 r/s in test mode, 50 in live; a stored rate is kept unless overridden', async () => {
  const test = `c_${randomUUID()}`
  const live = `c_${randomUUID()}`
  await ensureRequestBudget(db, { connectionId: test, mode: 'test' })
  await ensureRequestBudget(db, { connectionId: live, mode: 'live' })
  await ensureRequestBudget(db, { connectionId: live, mode: 'live' })
  expect((await db.stripeRequestBudget.findUniqueOrThrow({ where: { connectionId: test } })).ratePerSecond).toBe(12)
  expect((await db.stripeRequestBudget.findUniqueOrThrow({ where: { connectionId: live } })).ratePerSecond).toBe(50)
  await ensureRequestBudget(db, { connectionId: live, mode: 'live', ratePerSecond: 30 })
  expect((await db.stripeRequestBudget.findUniqueOrThrow({ where: { connectionId: live } })).ratePerSecond).toBe(30)
})

test('a 429 pause makes every worker wait it out, and drops the burst', async () => {
  const connectionId = `c_${randomUUID()}`
  await ensureRequestBudget(db, { connectionId, mode: 'live', ratePerSecond: 100 })
  // Under a millisecond: `refilled_at` is stored at millisecond precision (rounded).
  expect(await reserveRequests(db, connectionId)).toBeLessThan(1)
  await pauseRequestBudget(db, connectionId, 800)
  const wait = await reserveRequests(other, connectionId)
  expect(wait).toBeGreaterThan(700)
  expect(wait).toBeLessThan(900)
})
