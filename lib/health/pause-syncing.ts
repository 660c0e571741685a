import { getConnectionOrThrow } from '../connections/connection-deps'
import type { Db } from '../db'
import { AppError } from '../errors'
import { redispatchStoredEvents, type StoredEventDispatch } from './redispatch-events'
import { importRunKinds } from '../sync/backfill/run-kinds'

// "Pause syncing" / "Resume syncing" (F21). While paused, webhooks are still verified, stored
// and acknowledged, but not applied (applyStripeEvent leaves them pending), gap repair and
// re-syncs do not run. Resuming restores the status the connection had and applies what was
// held, oldest first; an import the pause interrupted continues from its cursors.

export async function pauseSyncing(deps: { db: Db }, args: { workspaceId: string; connectionId: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this Stripe account before pausing it.')
  if (connection.status === 'paused') return { status: 'paused' as const }
  await deps.db.stripeConnection.updateMany({ where: { id: connection.id, status: connection.status }, data: { status: 'paused', pausedFromStatus: connection.status } })
  return { status: 'paused' as const }
}

export async function resumeSyncing(
  deps: { db: Db; dispatch: StoredEventDispatch; now: () => Date; requestBackfill: (connectionId: string) => Promise<unknown> },
  args: { workspaceId: string; connectionId: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status !== 'paused') return { status: connection.status, resumedEvents: 0 }
  const status = connection.pausedFromStatus ?? 'active'
  const updated = await deps.db.stripeConnection.updateMany({ where: { id: connection.id, status: 'paused' }, data: { status, pausedFromStatus: null } })
  if (updated.count === 0) return { status: connection.status, resumedEvents: 0 }
  const resumedEvents = await redispatchStoredEvents(deps, { connectionId: connection.id, where: { status: 'pending' }, reason: 'resume' })
  // An import interrupted by the pause continues from its cursors (start-backfill resumes it).
  const unfinished = await deps.db.syncRun.count({ where: { connectionId: connection.id, kind: { in: importRunKinds }, state: 'running' } })
  if (unfinished > 0) await deps.requestBackfill(connection.id)
  return { status, resumedEvents, isImportResumed: unfinished > 0 }
}
