import type { BackfillDeps } from './deps'
import { fetchStreamPages } from './fetch-stream-pages'
import { completeBackfillRun, recomputeBackfillContacts } from './finish-backfill'
import { type BackfillReason, planBackfillRun, startBackfillRun } from './start-backfill'
import { claimRunEnd } from './stop-run'

// The whole backfill in one process, with the same lib calls the Inngest functions make (start →
// plan → streams in parallel, each in chunks of `maxPages` → contacts → complete). For tests,
// the benchmark and scripts; the app runs it through inngest/functions/*-backfill*.ts.

export type RunBackfillOptions = {
  connectionId: string
  reason: BackfillReason
  /** Streams fetched at once (Inngest: the function's concurrency per connection). */
  concurrency?: number
  maxPagesPerCall?: number
  /** Aborts between a page's fetch and its write (a kill mid-range, for tests). */
  signal?: AbortSignal
  onContactsUpdated?: (event: { workspaceId: string; contactIds: string[] }) => Promise<void> | void
}

export type BackfillResult = { runId: string; state: string; fetchSeconds: number; contactsSeconds: number }

export async function runBackfill(deps: BackfillDeps, options: RunBackfillOptions): Promise<BackfillResult> {
  const startedAt = performance.now()
  const { runId } = await startBackfillRun(deps, { connectionId: options.connectionId, reason: options.reason })
  const planned = await planBackfillRun(deps, { runId })
  if (planned.isStopped) return { runId, state: (await deps.db.syncRun.findUniqueOrThrow({ where: { id: runId } })).state, fetchSeconds: (performance.now() - startedAt) / 1000, contactsSeconds: 0 }
  let isRunEndClaimed = planned.streamIds.length === 0 && (await claimRunEnd(deps.db, runId))
  const queue = [...planned.streamIds]
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (;;) {
        const outcome = await fetchStreamPages(deps, { streamId: id, maxPages: options.maxPagesPerCall ?? 20, ...(options.signal && { signal: options.signal }) })
        if (outcome.isRunEndClaimed) isRunEndClaimed = true
        if (outcome.status !== 'more') break
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker))
  const fetchSeconds = (performance.now() - startedAt) / 1000
  if (!isRunEndClaimed) return { runId, state: (await deps.db.syncRun.findUniqueOrThrow({ where: { id: runId } })).state, fetchSeconds, contactsSeconds: 0 }
  let after: string | null = null
  do {
    const batch = await recomputeBackfillContacts(deps, { runId, afterCustomerId: after })
    for (const contactIds of batch.contactIdChunks) await options.onContactsUpdated?.({ workspaceId: batch.workspaceId, contactIds })
    after = batch.nextAfterCustomerId
  } while (after !== null)
  const completed = await completeBackfillRun(deps, { runId })
  return { runId, ...completed, fetchSeconds, contactsSeconds: (performance.now() - startedAt) / 1000 - fetchSeconds }
}
