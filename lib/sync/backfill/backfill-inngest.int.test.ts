import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { inngest, inngestMode } from '@/inngest/client'
import { backfillRequested, connectionConnected } from '@/inngest/events'
import { drainLocalRuns } from '@/inngest/local-dispatch'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../../crypto'
import { signUp } from '../../workspaces/sign-up'
import { getSyncProgress } from './get-sync-progress'

// The chain as the app runs it: stripe/connection.connected → start-backfill → one
// fetch-backfill-stream run per range, re-chained every PAGES_PER_RUN pages →
// recompute-backfill-contacts → contact/updated. Through the SDK's engine (in-process dispatch).
// The in-process dispatch has no concurrency limit: every range runs at once, a harder case than
// Inngest's 4 per connection.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
// Small runs, so the chaining of runs (step.sendEvent with the stream id) is exercised.
process.env.CHURNLESS_BACKFILL_PAGES_PER_RUN = '3'
let sandbox: RunningSandbox

beforeAll(async () => {
  expect(inngestMode.mode, inngestMode.reason).toBe('local')
  sandbox = await startSandbox({ customers: 300, seed: 21 })
})
afterAll(() => sandbox?.close())

test('import all through Inngest: every range fetched by chained runs, contacts derived, connection active', async () => {
  const { workspaceId } = await signUp(db, { name: 'Ina', email: `ina-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({
    data: { workspaceId, accountId: sandbox.accountId, mode: 'test', keyKind: 'restricted', keySealed: secretBox().seal(sandbox.control.createKey(F2_PERMISSIONS)), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all', requestRate: 500 },
  })

  await inngest.send(connectionConnected.create({ connectionId: connection.id, workspaceId, importChoice: 'all' }))
  const outcomes = await drainLocalRuns({ timeoutMs: 120_000 })
  const mine = outcomes.filter((o) => ['start-backfill', 'fetch-backfill-stream', 'recompute-backfill-contacts'].includes(o.functionId))
  expect(mine.filter((o) => o.status === 'failed')).toEqual([])

  const account = sandbox.sandbox.getAccount(sandbox.accountId)?.account
  const progress = await getSyncProgress(db, { connectionId: connection.id, now: new Date() })
  expect(progress.latest).toMatchObject({ state: 'succeeded', failed: 0 })
  const byType = Object.fromEntries(progress.latest?.types.map((t) => [t.type, t.fetched]) ?? [])
  expect(byType).toMatchObject({ customers: account?.customers.size, subscriptions: account?.subscriptions.size, invoices: account?.invoices.size, charges: account?.charges.size })
  expect(progress.latest?.types.every((t) => t.fraction === 1)).toBe(true)
  // Contacts in sync counts contacts, not customers: customers sharing an email (or an external
  // id) are one contact. Expected from the sandbox's customers, grouped here independently.
  const customers = (account?.customers.all.items ?? []) as unknown as { id: string; email?: string | null; metadata?: Record<string, string> }[]
  const expectedContacts = countIdentities(customers)
  expect(expectedContacts).toBeLessThan(account?.customers.size ?? 0)
  expect(progress.contactsInSync).toBe(expectedContacts)
  expect(await db.contactStripeLink.count({ where: { connectionId: connection.id } })).toBe(account?.customers.size)
  // Ranges longer than 3 pages were continued by chained runs.
  expect(mine.filter((o) => o.functionId === 'fetch-backfill-stream' && o.sentBy === 'fetch-backfill-stream').length).toBeGreaterThan(0)
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe('active')

  // changes_only never starts an import.
  await inngest.send(connectionConnected.create({ connectionId: connection.id, workspaceId, importChoice: 'changes_only' }))
  const skipped = await drainLocalRuns()
  expect(skipped.find((o) => o.functionId === 'start-backfill')).toMatchObject({ status: 'completed', output: { skipped: 'changes_only' } })

  // "Re-sync now" starts a second run; the first shows in the history with its totals.
  await inngest.send(backfillRequested.create({ connectionId: connection.id, reason: 'resync' }))
  await drainLocalRuns({ timeoutMs: 120_000 })
  const after = await getSyncProgress(db, { connectionId: connection.id, now: new Date() })
  expect(after.latest).toMatchObject({ kind: 'resync', state: 'succeeded' })
  expect(after.previous[0]).toMatchObject({ id: progress.latest?.id, state: 'succeeded', fetched: progress.latest?.fetched })
}, 180_000)

/** Customers joined when they share a trimmed, lower-cased email or a metadata user_id/external_id (F9). */
function countIdentities(customers: { id: string; email?: string | null; metadata?: Record<string, string> }[]): number {
  const parent = new Map(customers.map((c) => [c.id, c.id]))
  const find = (id: string): string => {
    const p = parent.get(id) ?? id
    return p === id ? id : find(p)
  }
  const owner = new Map<string, string>()
  for (const c of customers) {
    const keys = [c.email?.trim() ? `e:${c.email.trim().toLowerCase()}` : null, (c.metadata?.user_id ?? c.metadata?.external_id)?.trim() ? `x:${(c.metadata?.user_id ?? c.metadata?.external_id)?.trim()}` : null]
    for (const k of keys) {
      if (!k) continue
      const first = owner.get(k)
      if (first) parent.set(find(c.id), find(first))
      else owner.set(k, c.id)
    }
  }
  return new Set(customers.map((c) => find(c.id))).size
}
