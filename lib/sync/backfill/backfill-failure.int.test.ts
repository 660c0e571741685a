import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { inngest, inngestMode } from '@/inngest/client'
import { backfillRequested, connectionConnected } from '@/inngest/events'
import { drainLocalRuns } from '@/inngest/local-dispatch'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../../crypto'
import { getSyncHealth } from '../../health/get-sync-health'
import { signUp } from '../../workspaces/sign-up'
import { getSyncProgress } from './get-sync-progress'

// An import whose functions give up on an error that is not Stripe's (here: the database
// refuses a write, through a real PostgreSQL trigger) must end, not hang as "Importing": the
// Inngest functions' onFailure handlers run through the SDK's engine (in-process dispatch,
// where a failed run is final at once), record the cause, finish the run as failed and leave
// the connection failing with "Re-sync" as the way out. Re-syncing then completes it.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
process.env.CHURNLESS_BACKFILL_PAGES_PER_RUN = '3'
let sandbox: RunningSandbox

beforeAll(async () => {
  expect(inngestMode.mode, inngestMode.reason).toBe('local')
  sandbox = await startSandbox({ customers: 10, seed: 31 })
})
afterAll(() => sandbox?.close())

async function connect(accountId: string, key: string) {
  const { workspaceId } = await signUp(db, { name: 'Fay', email: `fay-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({
    data: { workspaceId, accountId, mode: 'test', keyKind: 'restricted', keySealed: secretBox().seal(key), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all' },
  })
  return { workspaceId, connectionId: connection.id }
}

/** A PostgreSQL trigger that refuses to store one object: a database failure no retry heals. */
async function refuseToStore(table: string, id: string) {
  const name = `refuse_${randomBytes(4).toString('hex')}`
  await db.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = '${id}' THEN RAISE EXCEPTION 'disk full while writing ${id}'; END IF; RETURN NEW; END $$`)
  await db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`)
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON ${table}`)
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`)
  }
}

test('a stream whose writes fail for good: the stream fails with the cause, the run ends failed, the connection is failing; a re-sync finishes it', async () => {
  const account = sandbox.createAccount({ customers: 250, seed: 12 })
  const { connectionId, workspaceId } = await connect(account.accountId, account.control.createKey(F2_PERMISSIONS))
  const store = sandbox.sandbox.getAccount(account.accountId)?.account
  if (!store) throw new Error('no account')
  // The oldest invoice: outside the first page (fetched while planning), inside a range stream.
  const oldest = [...store.invoices.all.items].sort((a, b) => a.created - b.created)[0]
  if (!oldest || store.invoices.size <= 100) throw new Error('expected more than one page of invoices')
  const allow = await refuseToStore('stripe_invoices', oldest.id)

  await inngest.send(connectionConnected.create({ connectionId, workspaceId, importChoice: 'all' }))
  const outcomes = await drainLocalRuns({ timeoutMs: 120_000 })
  await allow()

  const streamFailure = outcomes.find((o) => o.functionId === 'fetch-backfill-stream' && o.status === 'failed')
  expect(streamFailure).toBeDefined()
  expect(outcomes.filter((o) => o.functionId === 'fetch-backfill-stream-failure').map((o) => o.status)).toEqual(['completed'])

  const progress = await getSyncProgress(db, { connectionId, now: new Date() })
  expect(progress.latest).toMatchObject({ state: 'failed', isUpdatingContacts: false })
  expect(progress.latest?.finishedAt).not.toBeNull()
  expect(progress.latest?.error).toMatch(/^Invoices: Importing invoices stopped on the database failed while storing what was fetched \(.*disk full while writing in_/)
  expect(progress.latest?.error).toContain('Re-sync to continue from where it stopped.')
  const invoices = progress.latest?.types.find((t) => t.type === 'invoices')
  expect(invoices?.state).toBe('failed')
  expect(progress.latest?.types.filter((t) => t.type !== 'invoices').every((t) => t.state === 'succeeded')).toBe(true)
  // No stream is left running, nothing failed is marked succeeded.
  const streams = await db.syncStream.findMany({ where: { runId: progress.latest?.id } })
  expect(streams.filter((s) => s.state === 'pending' || s.state === 'running')).toEqual([])
  expect(streams.filter((s) => s.state === 'failed').every((s) => s.objectType === 'invoices')).toBe(true)
  // Contacts were still derived from what arrived; the connection is failing, not syncing.
  expect(await db.contactStripeLink.count({ where: { connectionId } })).toBe(store.customers.size)
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).status).toBe('failing')

  // The health page explains it and offers the way out.
  const health = await getSyncHealth(db, { connectionId, now: new Date() })
  expect(health.health.summary).not.toMatch(/Importing/)
  expect(health.health.reasons).toContainEqual(expect.objectContaining({ code: 'import_failed', action: 'resync', message: expect.stringContaining('disk full while writing') }))

  // Re-sync: the same run continues from the failed stream's cursor and finishes, exact counts.
  await inngest.send(backfillRequested.create({ connectionId, reason: 'resync' }))
  const again = await drainLocalRuns({ timeoutMs: 120_000 })
  expect(again.filter((o) => o.status === 'failed')).toEqual([])
  const after = await getSyncProgress(db, { connectionId, now: new Date() })
  expect(after.latest).toMatchObject({ id: progress.latest?.id, state: 'succeeded', failed: 0 })
  const fetched = Object.fromEntries(after.latest?.types.map((t) => [t.type, t.fetched]) ?? [])
  expect(fetched).toMatchObject({ invoices: store.invoices.size, customers: store.customers.size, charges: store.charges.size })
  expect(await db.stripeInvoice.count({ where: { connectionId } })).toBe(store.invoices.size)
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).status).toBe('active')
}, 180_000)

test('planning that fails for good ends the run failed with the cause instead of leaving it "Importing"', async () => {
  const account = sandbox.createAccount({ customers: 30, seed: 13 })
  const { connectionId, workspaceId } = await connect(account.accountId, account.control.createKey(F2_PERMISSIONS))
  const store = sandbox.sandbox.getAccount(account.accountId)?.account
  const newestProduct = [...(store?.products.all.items ?? [])].sort((a, b) => b.created - a.created)[0]
  if (!newestProduct) throw new Error('expected products')
  // The products' first page is written while planning: refuse it.
  const allow = await refuseToStore('stripe_products', newestProduct.id)
  await inngest.send(connectionConnected.create({ connectionId, workspaceId, importChoice: 'all' }))
  const outcomes = await drainLocalRuns({ timeoutMs: 60_000 })
  await allow()
  expect(outcomes.find((o) => o.functionId === 'start-backfill')?.status).toBe('failed')
  expect(outcomes.find((o) => o.functionId === 'start-backfill-failure')?.status).toBe('completed')
  const run = await db.syncRun.findFirstOrThrow({ where: { connectionId }, include: { streams: true } })
  expect(run.state).toBe('failed')
  expect(run.finishedAt).not.toBeNull()
  expect(run.error).toMatch(/^Starting the import stopped on the database failed while storing what was fetched .*disk full/)
  expect(run.streams.filter((s) => s.state === 'pending' || s.state === 'running')).toEqual([])
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).status).toBe('failing')
}, 120_000)
