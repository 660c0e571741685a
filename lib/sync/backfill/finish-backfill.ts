import type { Db } from '../../db'
import { type ContactsPage, recomputeConnectionContacts } from '../remap-contacts'
import { type BackfillDeps, nowOf } from './deps'
import { objectLabels } from './failure-messages'
import type { BackfillObjectType } from '../../stripe/list-pages'
import { stripeForConnection } from '../../connections/connection-deps'
import { importHistoricalEvents } from '../../feed/import-historical-events'

// The end of a run. Contacts are derived once every stream has ended, over every customer of
// the connection: a contact computed per batch would miss subscriptions and charges not yet
// fetched. The pass is chunked (customer id cursor) so each step stays short.

/** The contact pass of a run: every customer of its connection (see recomputeConnectionContacts). */
export async function recomputeBackfillContacts(
  deps: BackfillDeps,
  args: { runId: string; afterCustomerId: string | null; batchSize?: number; maxBatches?: number },
): Promise<ContactsPage> {
  const run = await deps.db.syncRun.findUniqueOrThrow({ where: { id: args.runId }, select: { connectionId: true } })
  if (args.afterCustomerId === null) await analyzeMirror(deps.db)
  return recomputeConnectionContacts(deps.db, { ...args, connectionId: run.connectionId, now: nowOf(deps), recompute: deps.recomputeContacts })
}

// The tables the contact pass reads by (connection, customer). Right after a bulk load their
// planner statistics describe the empty tables of before the run (autovacuum analyzes them a
// minute or more later, or never where it is off), so the planner reads every charge of the
// connection for each batch of 500 customers instead of using the (connection, customer) index:
// measured at 10k customers, 66 ms vs 14 ms per batch. One ANALYZE per run (a sample of 30,000
// rows per table, ≈ 0.3 s at 100k charges) fixes the plans for the whole pass.
const mirrorTablesReadByContacts = ['stripe_customers', 'stripe_subscriptions', 'stripe_charges', 'stripe_prices', 'stripe_products']

async function analyzeMirror(db: Db) {
  // A role that does not own a table gets a warning, not an error: the pass runs on either way.
  await db.$executeRawUnsafe(`analyze ${mirrorTablesReadByContacts.join(', ')}`)
}

/**
 * Records how the run ended: succeeded only when every stream succeeded; otherwise failed,
 * naming each failed stream. The connection becomes `active`, or `failing` with a failed stream
 * (a connection that needs a new key keeps saying so).
 */
export async function completeBackfillRun(deps: BackfillDeps, args: { runId: string }) {
  const { db } = deps
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: args.runId }, include: { streams: true } })
  if (run.state !== 'running') return { state: run.state }
  const failed = run.streams.filter((s) => s.state !== 'succeeded')
  const messages = [...new Set(failed.map((s) => `${objectLabels[s.objectType as BackfillObjectType] ?? s.objectType}: ${s.error ?? 'did not finish'}`))]
  const state = failed.length === 0 ? 'succeeded' : 'failed'
  await db.$transaction([
    db.syncRun.update({ where: { id: run.id }, data: { state, finishedAt: nowOf(deps), error: messages.length ? messages.join(' ') : null } }),
    db.stripeConnection.updateMany({ where: { id: run.connectionId, status: { not: 'needs_reauth' } }, data: { status: state === 'succeeded' ? 'active' : 'failing' } }),
  ])
  return { state }
}

/**
 * The last 30 days of Stripe Events become historical feed items (F15): marked historical, so
 * they never trigger automations. A failure here leaves the mirror and contacts as they are and
 * is reported, not fatal to the run.
 */
export async function importRunHistory(deps: BackfillDeps, args: { runId: string }) {
  const run = await deps.db.syncRun.findUniqueOrThrow({ where: { id: args.runId }, select: { connectionId: true } })
  const connection = await deps.db.stripeConnection.findUniqueOrThrow({ where: { id: run.connectionId } })
  try {
    return await importHistoricalEvents(deps.db, { connectionId: connection.id, stripe: stripeForConnection(deps, connection), now: nowOf(deps) })
  } catch (error) {
    console.error('[churnless] importing historical events failed', error)
    return { error: 'Historical events could not be imported; the feed starts from now.' }
  }
}
