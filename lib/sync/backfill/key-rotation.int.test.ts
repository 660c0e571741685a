import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { inngest, inngestMode } from '@/inngest/client'
import { backfillRequested, connectionConnected } from '@/inngest/events'
import { drainLocalRuns } from '@/inngest/local-dispatch'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { connectionDeps } from '../../connections/deps'
import { rotateConnectionKey } from '../../connections/manage-connections'
import { secretBox } from '../../crypto'
import { signUp } from '../../workspaces/sign-up'
import { resumeImportAfterKeyRotation } from './resume-after-key-rotation'

// Revoked mid-import → needs re-auth with cursors kept → a new key is saved (what the
// rotate-key route does: rotateConnectionKey, then resumeImportAfterKeyRotation) → the same run
// finishes with exact counts and nothing fetched twice. Through the SDK's engine (in-process).

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
process.env.CHURNLESS_BACKFILL_PAGES_PER_RUN = '2'
let sandbox: RunningSandbox

beforeAll(async () => {
  expect(inngestMode.mode, inngestMode.reason).toBe('local')
  sandbox = await startSandbox({ customers: 10, seed: 41 })
})
afterAll(() => sandbox?.close())

test('rotating the key after a 401 resumes the import from its cursors: exact counts, no duplicates', async () => {
  const account = sandbox.createAccount({ customers: 300, seed: 14 })
  const store = sandbox.sandbox.getAccount(account.accountId)?.account
  if (!store) throw new Error('no account')
  const oldKey = account.control.createKey(F2_PERMISSIONS)
  const { workspaceId } = await signUp(db, { name: 'Rot', email: `rot-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const { id: connectionId } = await db.stripeConnection.create({
    data: { workspaceId, accountId: account.accountId, mode: 'test', keyKind: 'restricted', keySealed: secretBox().seal(oldKey), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all' },
  })
  // Planning takes about 25 requests; the key dies a little after the range streams start.
  account.control.revokeKeyAfter(oldKey, 40)
  await inngest.send(connectionConnected.create({ connectionId, workspaceId, importChoice: 'all' }))
  await drainLocalRuns({ timeoutMs: 120_000 })

  const stopped = await db.syncRun.findFirstOrThrow({ where: { connectionId }, include: { streams: true } })
  expect(stopped.state).toBe('failed')
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).status).toBe('needs_reauth')
  const unfinished = stopped.streams.filter((s) => s.state !== 'succeeded')
  expect(unfinished.length).toBeGreaterThan(0)
  expect(unfinished.some((s) => s.cursor !== null && s.fetched > 0)).toBe(true)
  const cursorsBefore = new Map(stopped.streams.map((s) => [s.id, { cursor: s.cursor, fetched: s.fetched }]))

  // A re-sync is refused while the key is rejected; saving a new key resumes by itself.
  const emitted: unknown[] = []
  expect(await resumeImportAfterKeyRotation({ db, emit: async (e) => void emitted.push(e) }, { connectionId })).toEqual({ isResumed: false })
  expect(emitted).toEqual([])
  await rotateConnectionKey(connectionDeps(), { workspaceId, connectionId, key: account.control.createKey(F2_PERMISSIONS) })
  const resumed = await resumeImportAfterKeyRotation({ db, emit: (e) => inngest.send(backfillRequested.create(e.data)) }, { connectionId })
  expect(resumed).toEqual({ isResumed: true })
  const outcomes = await drainLocalRuns({ timeoutMs: 120_000 })
  expect(outcomes.filter((o) => o.status === 'failed')).toEqual([])

  // The same run, finished; streams continued from their cursors (the ones that had finished
  // were not touched), and every object was fetched exactly once across both attempts.
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: stopped.id }, include: { streams: true } })
  expect(run.state).toBe('succeeded')
  expect(await db.syncRun.count({ where: { connectionId } })).toBe(1)
  for (const s of run.streams) {
    const before = cursorsBefore.get(s.id)
    expect(s.fetched).toBeGreaterThanOrEqual(before?.fetched ?? 0)
  }
  const fetchedOf = (type: string) => run.streams.filter((s) => s.objectType === type).reduce((n, s) => n + s.fetched, 0)
  const expected = { customers: store.customers.size, subscriptions: store.subscriptions.size, invoices: store.invoices.size, charges: store.charges.size, prices: store.prices.size, products: store.products.size, checkout_sessions: store.checkoutSessions.size }
  expect(Object.fromEntries(Object.keys(expected).map((t) => [t, fetchedOf(t)]))).toEqual(expected)
  expect({
    customers: await db.stripeCustomer.count({ where: { connectionId } }),
    subscriptions: await db.stripeSubscription.count({ where: { connectionId } }),
    invoices: await db.stripeInvoice.count({ where: { connectionId } }),
    charges: await db.stripeCharge.count({ where: { connectionId } }),
  }).toEqual({ customers: expected.customers, subscriptions: expected.subscriptions, invoices: expected.invoices, charges: expected.charges })
  expect(await db.contactStripeLink.count({ where: { connectionId } })).toBe(expected.customers)
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).status).toBe('active')
}, 240_000)
