import { stripeForConnection } from '../../connections/connection-deps'
import { type BackfillObjectType, backfillObjectTypeSchema, fetchListPage, listOptionsOf, type Page } from '../../stripe/list-pages'
import { budgetKeyOf, ensureConnectionBudget, type RequestStats, requestWithBudget, StripeRequestError } from '../../stripe/request-budget'
import { type BackfillDeps, nowOf } from './deps'
import { revokedKeyMessage, streamFailureMessage } from './failure-messages'
import { refineExpected } from './plan-ranges'
import { claimRunEnd, stopRunForRevokedKey } from './stop-run'
import { prepareMirrorBatch } from './write-batch'

// One stream (object type × `created` range): fetch a page → write the batch → checkpoint the
// cursor, in one transaction with the write, so a kill at any point resumes with no page
// skipped and none counted twice. The next page is fetched while the current one is written.

export type StreamOutcome = {
  /**
   * `more`: call again (chain another run); `ended`: succeeded or failed; `stopped`: the run
   * stopped; `paused`: an admin paused syncing — the cursor stays, resuming continues from it.
   */
  status: 'more' | 'ended' | 'stopped' | 'paused'
  pages: number
  /** True for exactly one caller: the one whose stream ended the run. It finishes the run. */
  isRunEndClaimed: boolean
}

export class BackfillAbortedError extends Error {
  override name = 'BackfillAbortedError'
}

export async function fetchStreamPages(deps: BackfillDeps, args: { streamId: string; maxPages: number; signal?: AbortSignal }): Promise<StreamOutcome> {
  const { db } = deps
  const stream = await db.syncStream.findUniqueOrThrow({ where: { id: args.streamId }, include: { run: true } })
  const type: BackfillObjectType = backfillObjectTypeSchema.parse(stream.objectType)
  const connectionId = stream.run.connectionId
  if (stream.run.state !== 'running') return { status: 'stopped', pages: 0, isRunEndClaimed: false }
  if (stream.state !== 'pending' && stream.state !== 'running') return { status: 'ended', pages: 0, isRunEndClaimed: await claimRunEnd(db, stream.runId) }

  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })
  if (connection.status === 'paused') return { status: 'paused', pages: 0, isRunEndClaimed: false }
  // The account's bucket, shared with every other stream and workspace of this Stripe account.
  const key = budgetKeyOf(connection)
  const budgetRow = await db.stripeRequestBudget.findUnique({ where: { key } })
  const ratePerSecond = budgetRow?.ratePerSecond ?? (await ensureConnectionBudget(db, { connectionId })).ratePerSecond
  const stripe = stripeForConnection(deps, connection)
  const budget = { db, ratePerSecond }
  await db.syncStream.update({ where: { id: stream.id }, data: { state: 'running', startedAt: stream.startedAt ?? nowOf(deps) } })

  const rangeTop = stream.rangeEnd ?? Math.floor(stream.run.startedAt.getTime() / 1000)
  let cursor = stream.cursor
  let { fetched, expected } = stream
  let failedFirstError: string | null = stream.error
  let failedCount = stream.failed
  let pages = 0

  type Fetched = { page: Page; fetchedAt: Date; stats: RequestStats }
  const fetchPage = async (after: string | null): Promise<Fetched> => {
    const stats: RequestStats = { requests: 0, throttled: 0 }
    const fetchedAt = nowOf(deps) // before sending: the data is at least this recent
    try {
      const page = await requestWithBudget(budget, key, stats, () => fetchListPage(stripe, type, { gte: stream.rangeStart, lt: stream.rangeEnd, startingAfter: after }, listOptionsOf(connection)))
      stats.requests += page.calls - 1
      return { page, fetchedAt, stats }
    } catch (error) {
      // Requests made before the failure still count.
      if (error instanceof StripeRequestError) Object.assign(error, { stats })
      throw error
    }
  }

  let next: Promise<Fetched> | null = fetchPage(cursor)
  try {
    while (next) {
      const { page, fetchedAt, stats } = await next
      next = null
      if (args.signal?.aborted) throw new BackfillAbortedError('aborted after fetching a page, before writing it')
      const isDone = !page.hasMore
      const last = page.data.at(-1)
      // Prefetch only within this call's page allowance, so a chained run wastes no request.
      if (!isDone && pages + 1 < args.maxPages && last) {
        next = fetchPage(last.id)
        // Handled when awaited on the next turn; meanwhile a rejection is not "unhandled".
        next.catch(() => {})
      }
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: stream.runId }, select: { state: true } })
      if (run.state !== 'running') return { status: 'stopped', pages, isRunEndClaimed: false }

      fetched += page.data.length
      expected = refineExpected({ fetched, isDone, rangeStart: stream.rangeStart, rangeTop, oldestSeen: last?.created ?? rangeTop, previous: expected })
      const batch = prepareMirrorBatch({ connectionId, type, objects: page.data, dataAsOf: fetchedAt })
      failedCount += batch.failedIds.length
      if (batch.firstError && !failedFirstError) failedFirstError = `Could not store ${batch.failedIds.length} object(s), e.g. ${batch.firstError}`
      const finalState = isDone ? (failedCount > 0 || failedFirstError ? 'failed' : 'succeeded') : null
      // The batch and its checkpoint in ONE statement: atomic without an interactive
      // transaction, one round trip, and no connection held while the next page downloads.
      const batchParams = batch.rows > 0 ? batch.params : []
      const n = batchParams.length
      await db.$executeRawUnsafe(
        `WITH w AS (${batch.rows > 0 ? `${batch.sql} RETURNING 1` : 'SELECT 1 WHERE false'})
         UPDATE sync_streams SET
           cursor = $${n + 2}, fetched = fetched + $${n + 3}::int, written = written + (SELECT count(*) FROM w)::int,
           failed = failed + $${n + 4}::int, requests = requests + $${n + 5}::int, throttled = throttled + $${n + 6}::int,
           expected = $${n + 7}::int, error = COALESCE($${n + 8}, error),
           state = COALESCE($${n + 9}::"SyncState", state),
           finished_at = CASE WHEN $${n + 9}::text IS NULL THEN finished_at ELSE clock_timestamp() AT TIME ZONE 'UTC' END,
           updated_at = clock_timestamp() AT TIME ZONE 'UTC'
         WHERE id = $${n + 1}`,
        ...batchParams,
        stream.id,
        last?.id ?? cursor,
        page.data.length,
        batch.failedIds.length,
        stats.requests,
        stats.throttled,
        expected,
        failedFirstError,
        finalState,
      )
      cursor = last?.id ?? cursor
      pages += 1
      if (isDone) return { status: 'ended', pages, isRunEndClaimed: await claimRunEnd(db, stream.runId) }
    }
    return { status: 'more', pages, isRunEndClaimed: false }
  } catch (error) {
    if (!(error instanceof StripeRequestError)) throw error
    const stats = (error as StripeRequestError & { stats?: RequestStats }).stats ?? { requests: 0, throttled: 0 }
    if (error.failure.kind === 'revoked') {
      await db.syncStream.update({ where: { id: stream.id }, data: { requests: { increment: stats.requests }, throttled: { increment: stats.throttled } } })
      await stopRunForRevokedKey(db, { runId: stream.runId, connectionId, message: revokedKeyMessage })
      return { status: 'stopped', pages, isRunEndClaimed: false }
    }
    await db.syncStream.update({
      where: { id: stream.id },
      data: { state: 'failed', error: streamFailureMessage(type, error), finishedAt: nowOf(deps), requests: { increment: stats.requests }, throttled: { increment: stats.throttled } },
    })
    return { status: 'ended', pages, isRunEndClaimed: await claimRunEnd(db, stream.runId) }
  }
}
