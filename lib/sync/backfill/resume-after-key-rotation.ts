import type { Db } from '../../db'
import { importRunKinds } from './run-kinds'

/**
 * After a new key is saved: an import that stopped unfinished (a 401 stopped every stream with
 * its cursor kept; a 403 the new key may now allow) is resumed from those cursors, as the page
 * promised ("the import then continues from where it stopped"). The resume itself is
 * startBackfillRun's: it reopens the failed run's unfinished streams, so nothing already
 * fetched is fetched again and nothing is counted twice. Returns whether an import was resumed.
 */
export async function resumeImportAfterKeyRotation(
  deps: { db: Db; emit: (event: { name: 'sync/backfill.requested'; data: { connectionId: string; reason: 'resync' } }) => Promise<unknown> },
  args: { connectionId: string },
): Promise<{ isResumed: boolean }> {
  const connection = await deps.db.stripeConnection.findUnique({ where: { id: args.connectionId }, select: { status: true } })
  // Still refused, paused or never finished connecting: nothing to resume now (resume and
  // re-sync each restart an unfinished import on their own).
  if (!connection || connection.status === 'needs_reauth' || connection.status === 'paused' || connection.status === 'draft') return { isResumed: false }
  const latest = await deps.db.syncRun.findFirst({
    where: { connectionId: args.connectionId, kind: { in: importRunKinds } },
    orderBy: { startedAt: 'desc' },
    select: { state: true, streams: { where: { state: { not: 'succeeded' } }, select: { id: true }, take: 1 } },
  })
  if (latest?.state !== 'failed' || latest.streams.length === 0) return { isResumed: false }
  await deps.emit({ name: 'sync/backfill.requested', data: { connectionId: args.connectionId, reason: 'resync' } })
  return { isResumed: true }
}
