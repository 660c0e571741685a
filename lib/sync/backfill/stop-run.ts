import type { Db } from '../../db'

/**
 * A 401 (revoked or expired key) ends every stream of the run: the connection needs a new key.
 * Cursors stay where they are, so a re-sync after rotating the key continues from them; no
 * stream that had not finished is marked succeeded.
 */
export async function stopRunForRevokedKey(db: Db, args: { runId: string; connectionId: string; message: string }) {
  await db.$transaction([
    db.stripeConnection.update({ where: { id: args.connectionId }, data: { status: 'needs_reauth', keyError: args.message, keyCheckedAt: new Date() } }),
    db.syncStream.updateMany({ where: { runId: args.runId, state: { in: ['pending', 'running'] } }, data: { state: 'failed', error: args.message } }),
    db.syncRun.updateMany({ where: { id: args.runId, state: 'running' }, data: { state: 'failed', error: args.message, finishedAt: new Date() } }),
  ])
}

/**
 * Claims the end of a run when its last stream has ended: only one caller gets `true`, however
 * many streams end at once (the conditional UPDATE takes the row lock and re-checks). The
 * claim sets `finished_at` while the state stays `running`: contacts are being recomputed.
 */
export async function claimRunEnd(db: Db, runId: string): Promise<boolean> {
  const claimed = await db.$executeRawUnsafe(
    `UPDATE sync_runs r SET finished_at = clock_timestamp() AT TIME ZONE 'UTC'
     WHERE r.id = $1 AND r.state = 'running' AND r.finished_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM sync_streams s WHERE s.run_id = r.id AND s.state IN ('pending', 'running'))`,
    runId,
  )
  return claimed === 1
}
