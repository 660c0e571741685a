import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../../crypto'
import { signUp } from '../../workspaces/sign-up'
import { recomputeContacts } from '../recompute-contacts'
import type { BackfillDeps } from './deps'
import { BackfillAbortedError, fetchStreamPages } from './fetch-stream-pages'
import { runBackfill } from './run-backfill'
import { planBackfillRun, startBackfillRun } from './start-backfill'

// The backfill against the sandbox over HTTP (the real stripe SDK) into a real PostgreSQL.
// Expected figures come from the sandbox's own store, not from what we fetched.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
const box = secretBox()
let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 250, seed: 11 })
})
afterAll(() => sandbox?.close())

type Account = ReturnType<RunningSandbox['createAccount']>

/** What the sandbox holds for an account, per mirror table. */
function sandboxCounts(accountId: string) {
  const a = sandbox.sandbox.getAccount(accountId)?.account
  if (!a) throw new Error('no account')
  return {
    stripe_customers: a.customers.size,
    stripe_subscriptions: a.subscriptions.size,
    stripe_invoices: a.invoices.size,
    stripe_charges: a.charges.size,
    stripe_prices: a.prices.size,
    stripe_products: a.products.size,
    stripe_checkout_sessions: a.checkoutSessions.size,
  }
}

async function mirrorCounts(connectionId: string) {
  const out: Record<string, number> = {}
  for (const table of ['stripe_customers', 'stripe_subscriptions', 'stripe_invoices', 'stripe_charges', 'stripe_prices', 'stripe_products', 'stripe_checkout_sessions']) {
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE connection_id = $1`, connectionId)
    out[table] = row?.n ?? 0
  }
  return out
}

async function connect(account: { accountId: string }, key: string) {
  const { workspaceId } = await signUp(db, { name: 'Bea', email: `bea-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({
    data: { workspaceId, accountId: account.accountId, mode: 'test', keyKind: 'restricted', keySealed: box.seal(key), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all' },
  })
  return { workspaceId, connectionId: connection.id }
}

const deps = (ratePerSecond = 400): BackfillDeps => ({ db, box, recomputeContacts, ratePerSecond })
const streamsOf = (runId: string) => db.syncStream.findMany({ where: { runId }, orderBy: [{ objectType: 'asc' }, { rangeStart: 'asc' }] })
const keyRequests = (key: string) => sandbox.sandbox.keys.get(key)?.key.requests ?? 0
const minimalCalls = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 100)), 0)

describe('backfill of a generated account', () => {
  let account: Account
  beforeAll(() => {
    account = sandbox.createAccount({ customers: 400, seed: 5 })
  })

  test('every object of every type is mirrored (canceled subscriptions included), contacts derived, calls near minimal', async () => {
    const key = account.control.createKey(F2_PERMISSIONS)
    const { workspaceId, connectionId } = await connect(account, key)
    const announced: string[][] = []
    const result = await runBackfill(deps(), { connectionId, reason: 'initial_import', concurrency: 4, onContactsUpdated: (e) => void announced.push(e.contactIds) })

    const expected = sandboxCounts(account.accountId)
    expect(await mirrorCounts(connectionId)).toEqual(expected)
    expect(result.state).toBe('succeeded')
    const streams = await streamsOf(result.runId)
    expect(streams.every((s) => s.state === 'succeeded')).toBe(true)
    // No page fetched twice: what the streams counted is exactly what exists.
    const fetchedByType = Object.fromEntries(['customers', 'subscriptions', 'invoices', 'charges'].map((t) => [t, streams.filter((s) => s.objectType === t).reduce((n, s) => n + s.fetched, 0)]))
    expect(fetchedByType).toEqual({ customers: expected.stripe_customers, subscriptions: expected.stripe_subscriptions, invoices: expected.stripe_invoices, charges: expected.stripe_charges })
    expect(await db.stripeSubscription.count({ where: { connectionId, status: 'canceled' } })).toBeGreaterThan(0)

    // Emails stored trimmed and lower-cased, as identity compares them.
    const sandboxEmails = sandbox.sandbox.getAccount(account.accountId)?.account.customers.all.items.map((c) => ({ id: c.id, email: (c as unknown as { email?: string | null }).email ?? null }))
    const stored = new Map((await db.stripeCustomer.findMany({ where: { connectionId }, select: { id: true, email: true } })).map((c) => [c.id, c.email]))
    for (const c of sandboxEmails ?? []) expect(stored.get(c.id)).toBe(c.email?.trim().toLowerCase() || null)

    // Every customer got a contact; contact/updated chunks are ≤ 500 and name each contact once.
    const links = await db.contactStripeLink.findMany({ where: { connectionId }, select: { contactId: true } })
    expect(links).toHaveLength(expected.stripe_customers)
    expect(announced.every((chunk) => chunk.length <= 500)).toBe(true)
    expect(new Set(announced.flat())).toEqual(new Set(links.map((l) => l.contactId)))
    expect(await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ status: 'active', workspaceId })

    // Σ⌈n/100⌉ per type plus the range-splitting overhead (lower-bound probes + one partial page per range).
    const requests = streams.reduce((n, s) => n + s.requests, 0)
    expect(requests).toBe(keyRequests(key))
    expect(requests).toBeLessThanOrEqual(minimalCalls(expected) + 14 + streams.length)
  })

  test('a kill mid-range (page fetched, not written) resumes with no gap and no duplicate', async () => {
    const key = account.control.createKey(F2_PERMISSIONS)
    const { connectionId } = await connect(account, key)
    const d = deps()
    const { runId } = await startBackfillRun(d, { connectionId, reason: 'initial_import' })
    const { streamIds } = await planBackfillRun(d, { runId })
    const invoices = (await streamsOf(runId)).filter((s) => s.objectType === 'invoices' && s.state === 'pending')
    const target = invoices[0]
    if (!target) throw new Error('expected an invoices range to fetch')
    // Three pages written, then a fourth fetched and the process "dies" before writing it.
    await fetchStreamPages(d, { streamId: target.id, maxPages: 3 })
    const killed = new AbortController()
    killed.abort()
    await expect(fetchStreamPages(d, { streamId: target.id, maxPages: 5, signal: killed.signal })).rejects.toBeInstanceOf(BackfillAbortedError)
    const checkpoint = await db.syncStream.findUniqueOrThrow({ where: { id: target.id } })
    expect(checkpoint).toMatchObject({ state: 'running', fetched: 300 })
    expect(streamIds).toContain(target.id)

    // Starting again continues the same run from the checkpoints.
    const resumed = await runBackfill(d, { connectionId, reason: 'resync', maxPagesPerCall: 2 })
    expect(resumed).toMatchObject({ runId, state: 'succeeded' })
    const expected = sandboxCounts(account.accountId)
    expect(await mirrorCounts(connectionId)).toEqual(expected)
    const streams = await streamsOf(runId)
    expect(streams.filter((s) => s.objectType === 'invoices').reduce((n, s) => n + s.fetched, 0)).toBe(expected.stripe_invoices)
    expect(streams.filter((s) => s.objectType === 'charges').reduce((n, s) => n + s.fetched, 0)).toBe(expected.stripe_charges)
  })
})

test('a gap-repair pass in progress is not an import in progress: "Re-sync now" (which also asks for a pass) starts its import', async () => {
  const { connectionId } = await connect(sandbox, sandbox.restrictedKey)
  const pass = await db.syncRun.create({ data: { connectionId, kind: 'gap_repair', state: 'running', streams: { create: { objectType: 'event', state: 'running' } } } })
  const started = await startBackfillRun(deps(), { connectionId, reason: 'resync' })
  expect(started).toMatchObject({ isAlreadyRunning: false, isResumed: false })
  expect(started.runId).not.toBe(pass.id)
  expect(await db.syncRun.findUniqueOrThrow({ where: { id: started.runId } })).toMatchObject({ kind: 'resync', state: 'running' })
  // What gap repair asks for past Stripe's 30 days is an import too, never a pass.
  await db.syncRun.update({ where: { id: started.runId }, data: { state: 'succeeded' } })
  const requested = await startBackfillRun(deps(), { connectionId, reason: 'gap_repair' })
  expect(await db.syncRun.findUniqueOrThrow({ where: { id: requested.runId } })).toMatchObject({ kind: 'resync' })
})

test('one Stripe account connected in two workspaces: both imports draw on one budget of the account', async () => {
  const account = sandbox.createAccount({ customers: 200, seed: 15 })
  const a = await connect(account, account.control.createKey(F2_PERMISSIONS))
  const b = await connect(account, account.control.createKey(F2_PERMISSIONS))
  const started = performance.now()
  const [ra, rb] = await Promise.all([runBackfill(deps(20), { connectionId: a.connectionId, reason: 'initial_import' }), runBackfill(deps(20), { connectionId: b.connectionId, reason: 'initial_import' })])
  // Both fetch phases ran within this wall time (their contact passes came after).
  const seconds = Math.min((performance.now() - started) / 1000, Math.max(ra.fetchSeconds, rb.fetchSeconds))
  expect([ra.state, rb.state]).toEqual(['succeeded', 'succeeded'])
  const requests = [...(await streamsOf(ra.runId)), ...(await streamsOf(rb.runId))].reduce((n, s) => n + s.requests, 0)
  // Separate buckets would allow 2 × 20 r/s; one shared bucket allows 20 r/s plus its 1 s burst.
  expect(requests).toBeGreaterThan(60)
  expect(requests).toBeLessThanOrEqual(20 * seconds + 20 + 2)
  expect(await mirrorCounts(a.connectionId)).toEqual(sandboxCounts(account.accountId))
  expect(await mirrorCounts(b.connectionId)).toEqual(sandboxCounts(account.accountId))
}, 120_000)

describe('failures', () => {
  test('a 429 storm: the run completes with exact counts and the 429s are counted', async () => {
    const account = sandbox.createAccount({ customers: 120, seed: 8 })
    // Stripe allows 4 r/s here while our budget says 30: most requests meet a 429 at first.
    account.control.setFaults({ rateLimit: 4, lockTimeoutRate: 0.3 })
    const { connectionId } = await connect(account, account.control.createKey(F2_PERMISSIONS))
    const result = await runBackfill(deps(30), { connectionId, reason: 'initial_import', concurrency: 4 })
    expect(result.state).toBe('succeeded')
    expect(await mirrorCounts(connectionId)).toEqual(sandboxCounts(account.accountId))
    const streams = await streamsOf(result.runId)
    expect(streams.reduce((n, s) => n + s.throttled, 0)).toBeGreaterThan(5)
  }, 120_000)

  test('a revoked key stops every stream, marks the connection needs_reauth, keeps cursors; a new key resumes', async () => {
    const account = sandbox.createAccount({ customers: 300, seed: 9 })
    const key = account.control.createKey(F2_PERMISSIONS)
    const { connectionId } = await connect(account, key)
    account.control.revokeKeyAfter(key, 30)
    const first = await runBackfill(deps(), { connectionId, reason: 'initial_import', concurrency: 3 })
    expect(first.state).toBe('failed')
    expect(await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ status: 'needs_reauth' })
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: first.runId }, include: { streams: true } })
    expect(run.error).toMatch(/revoked or expired/)
    const unfinished = run.streams.filter((s) => s.state !== 'succeeded')
    expect(unfinished.length).toBeGreaterThan(0)
    expect(unfinished.every((s) => s.state === 'failed' && /revoked/.test(s.error ?? ''))).toBe(true)
    // Streams that had progressed keep their cursor.
    expect(unfinished.some((s) => s.cursor !== null && s.fetched > 0)).toBe(true)
    // Nothing the sandbox holds more of than we fetched is marked succeeded.
    const counts = sandboxCounts(account.accountId)
    for (const s of run.streams.filter((x) => x.state === 'succeeded' && x.rangeStart === null && x.rangeEnd === null)) {
      expect(s.fetched).toBe(counts[`stripe_${s.objectType}` as keyof typeof counts])
    }

    // Rotating the key (as rotateConnectionKey does) and re-syncing continues the same run.
    const newKey = account.control.createKey(F2_PERMISSIONS)
    await db.stripeConnection.update({ where: { id: connectionId }, data: { keySealed: box.seal(newKey), status: 'active' } })
    const second = await runBackfill(deps(), { connectionId, reason: 'resync' })
    expect(second).toMatchObject({ runId: first.runId, state: 'succeeded' })
    expect(await mirrorCounts(connectionId)).toEqual(counts)
    const streams = await streamsOf(first.runId)
    expect(streams.filter((s) => s.objectType === 'charges').reduce((n, s) => n + s.fetched, 0)).toBe(counts.stripe_charges)
    expect(await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ status: 'active' })
  }, 60_000)

  test('a 403 on invoices fails that stream naming rak_invoice_read; every other type completes', async () => {
    const account = sandbox.createAccount({ customers: 150, seed: 10 })
    const { invoice: _dropped, ...withoutInvoices } = F2_PERMISSIONS
    const { connectionId } = await connect(account, account.control.createKey(withoutInvoices))
    const result = await runBackfill(deps(), { connectionId, reason: 'initial_import' })
    expect(result.state).toBe('failed')
    const streams = await streamsOf(result.runId)
    const invoices = streams.filter((s) => s.objectType === 'invoices')
    expect(invoices.length).toBeGreaterThan(0)
    expect(invoices.every((s) => s.state === 'failed' && s.error?.includes('rak_invoice_read'))).toBe(true)
    expect(streams.filter((s) => s.objectType !== 'invoices').every((s) => s.state === 'succeeded')).toBe(true)
    const { stripe_invoices: _none, ...others } = sandboxCounts(account.accountId)
    expect(await mirrorCounts(connectionId)).toEqual({ ...others, stripe_invoices: 0 })
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } })
    expect(run.error).toContain('Invoices: Stripe refused to list invoices: the key lacks the rak_invoice_read permission')
    expect(await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ status: 'failing' })
  })
})
