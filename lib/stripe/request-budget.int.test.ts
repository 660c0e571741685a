import { randomUUID } from 'node:crypto'
import { afterAll, expect, test } from 'vitest'
import { testDatabaseUrl, testDb as db } from '@/test/db'
import { createDb } from '../db'
import { AppError } from '../errors'
import { setConnectionRequestRate } from '../sync/backfill/request-rate'
import { signUp } from '../workspaces/sign-up'
import { budgetKeyOf, ensureConnectionBudget, ensureRequestBudget, pauseRequestBudget, reserveRequests } from './request-budget'

// The budget is shared through the database: two clients (two "processes") draw from one bucket.
const other = createDb(testDatabaseUrl, { max: 4 })
afterAll(() => other.$disconnect())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function connection(accountId: string | null, mode: 'live' | 'test') {
  const { workspaceId } = await signUp(db, { name: 'Rae', email: `rae-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const c = await db.stripeConnection.create({ data: { workspaceId, accountId, mode, keyKind: 'restricted', keySealed: 'sealed', keyHint: 'rk_…', status: 'active' } })
  return { workspaceId, connectionId: c.id }
}

test('two workers at once get 20 r/s together: 60 requests take ≈ (60 − 20 burst) ÷ 20 = 2 s', async () => {
  const key = `k_${randomUUID()}`
  await ensureRequestBudget(db, { key, ratePerSecond: 20 })
  const started = performance.now()
  const sent: number[] = []
  const worker = async (client: typeof db) => {
    for (let i = 0; i < 30; i++) {
      const wait = await reserveRequests(client, key, 1)
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

test('defaults: 12 r/s in test mode, 50 in live; an admin-set rate applies to the whole account, null goes back', async () => {
  const account = `acct_${randomUUID().slice(0, 12)}`
  const test = await connection(account, 'test')
  const live = await connection(account, 'live')
  expect(await ensureConnectionBudget(db, { connectionId: test.connectionId })).toEqual({ key: `${account}:test`, ratePerSecond: 12, sharedWith: 0 })
  expect(await ensureConnectionBudget(db, { connectionId: live.connectionId })).toEqual({ key: `${account}:live`, ratePerSecond: 50, sharedWith: 0 })
  expect(await setConnectionRequestRate(db, { ...live, ratePerSecond: 30 })).toEqual({ configured: 30, ratePerSecond: 30, sharedWith: 0 })
  expect((await db.stripeRequestBudget.findUniqueOrThrow({ where: { key: `${account}:live` } })).ratePerSecond).toBe(30)
  // Above Stripe's own test-mode limit (25): refused, with the field named.
  await expect(setConnectionRequestRate(db, { ...test, ratePerSecond: 40 })).rejects.toMatchObject({ code: 'invalid_input', fieldErrors: { ratePerSecond: 'At most 25 in test mode.' } })
  await expect(setConnectionRequestRate(db, { ...test, workspaceId: live.workspaceId, ratePerSecond: 5 })).rejects.toBeInstanceOf(AppError)
  expect(await setConnectionRequestRate(db, { ...live, ratePerSecond: null })).toEqual({ configured: null, ratePerSecond: 50, sharedWith: 0 })
  // A connection whose account is unknown has a bucket of its own.
  const loose = await connection(null, 'test')
  expect((await ensureConnectionBudget(db, { connectionId: loose.connectionId })).key).toBe(`connection:${loose.connectionId}`)
})

test('one Stripe account connected in two workspaces: one bucket, at the lower of their rates', async () => {
  const account = `acct_${randomUUID().slice(0, 12)}`
  const a = await connection(account, 'live')
  const b = await connection(account, 'live')
  await setConnectionRequestRate(db, { ...a, ratePerSecond: 20 })
  const budgetA = await ensureConnectionBudget(db, { connectionId: a.connectionId })
  const budgetB = await ensureConnectionBudget(db, { connectionId: b.connectionId })
  expect(budgetA).toEqual({ key: `${account}:live`, ratePerSecond: 20, sharedWith: 1 })
  expect(budgetB).toEqual(budgetA)
  expect(budgetKeyOf({ id: b.connectionId, accountId: account, mode: 'live' })).toBe(budgetA.key)
  // Workspace A spends the burst (20) and 20 more: workspace B's next request waits ≈ 1 s more.
  await reserveRequests(db, budgetA.key, 40)
  const wait = await reserveRequests(other, budgetB.key)
  expect(wait).toBeGreaterThan(900)
  expect(wait).toBeLessThan(1_200)
})

test('a 429 pause makes every worker wait it out, and drops the burst', async () => {
  const key = `k_${randomUUID()}`
  await ensureRequestBudget(db, { key, ratePerSecond: 100 })
  // Under a millisecond: `refilled_at` is stored at millisecond precision (rounded).
  expect(await reserveRequests(db, key)).toBeLessThan(1)
  await pauseRequestBudget(db, key, 800)
  const wait = await reserveRequests(other, key)
  expect(wait).toBeGreaterThan(700)
  expect(wait).toBeLessThan(900)
})
