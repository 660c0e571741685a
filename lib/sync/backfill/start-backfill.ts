import type Stripe from 'stripe'
import { stripeForConnection } from '../../connections/connection-deps'
import type { Db } from '../../db'
import { AppError } from '../../errors'
import { type BackfillObjectType, backfillObjectTypes, fetchListPage, type ListOptions, listOptionsOf, type Page } from '../../stripe/list-pages'
import { ensureConnectionBudget, type RequestStats, requestWithBudget, StripeRequestError } from '../../stripe/request-budget'
import { type BackfillDeps, nowOf } from './deps'
import { revokedKeyMessage, streamFailureMessage } from './failure-messages'
import { planRanges } from './plan-ranges'
import { stopRunForRevokedKey } from './stop-run'
import { writeMirrorBatch } from './write-batch'
import { importRunKinds } from './run-kinds'

// Starting a backfill: one sync run per connection at a time. A run left unfinished (a revoked
// key, a missing permission, a crash) is resumed from its cursors instead of starting over.

/** `resume`: syncing was resumed after a pause; an unfinished run continues at once. */
export type BackfillReason = 'initial_import' | 'resync' | 'gap_repair' | 'resume'
// An import is an import whoever asked for it (run-kinds.ts).
const kindOf = { initial_import: 'backfill', resync: 'resync', gap_repair: 'resync', resume: 'resync' } as const

/** Stripe was founded in 2010: no object is older. The search for an account's start begins here. */
const EARLIEST_CREATED = Date.UTC(2010, 0, 1) / 1000
const DAY = 86_400
/** No page written for this long: the run's workers are gone. */
const STALE_RUN_MS = 10 * 60_000

export async function startBackfillRun(deps: BackfillDeps, args: { connectionId: string; reason: BackfillReason }): Promise<{ runId: string; isResumed: boolean; isAlreadyRunning: boolean }> {
  const { db } = deps
  const connection = await db.stripeConnection.findUnique({ where: { id: args.connectionId } })
  if (!connection) throw new AppError('not_found', 'This Stripe connection no longer exists.')
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this Stripe account before importing.')
  if (connection.status === 'paused') throw new AppError('conflict', 'Syncing is paused. Resume it to import; an unfinished import continues from where it stopped.')
  await ensureConnectionBudget(db, { connectionId: connection.id, ...(deps.ratePerSecond !== undefined && { ratePerSecond: deps.ratePerSecond }) })

  return db.$transaction(async (tx) => {
    // Serialises starts per connection: two clicks on "Re-sync now" start one run.
    await tx.$queryRawUnsafe('SELECT id FROM stripe_connections WHERE id = $1 FOR UPDATE', connection.id)
    const latest = await tx.syncRun.findFirst({ where: { connectionId: connection.id, kind: { in: importRunKinds } }, orderBy: { startedAt: 'desc' }, include: { streams: { select: { state: true, updatedAt: true } } } })
    if (latest?.state === 'running' || latest?.state === 'pending') {
      // A run nobody has advanced for a while lost its worker (a process killed with the
      // in-process dispatch, which has no durability): resume it from its cursors.
      const lastProgress = Math.max(latest.startedAt.getTime(), ...latest.streams.map((s) => s.updatedAt.getTime()))
      // A pause stops a run's chain on purpose: resuming continues it whatever its age.
      const isStale = args.reason === 'resume' || nowOf(deps).getTime() - lastProgress > STALE_RUN_MS
      return { runId: latest.id, isResumed: isStale, isAlreadyRunning: !isStale }
    }
    await tx.stripeConnection.update({ where: { id: connection.id }, data: { status: 'syncing' } })
    const isUnfinished = latest?.state === 'failed' && latest.streams.some((s) => s.state !== 'succeeded')
    if (latest && isUnfinished) {
      await tx.syncStream.updateMany({ where: { runId: latest.id, state: { not: 'succeeded' } }, data: { state: 'pending', error: null, finishedAt: null } })
      await tx.syncRun.update({ where: { id: latest.id }, data: { state: 'running', error: null, finishedAt: null } })
      return { runId: latest.id, isResumed: true, isAlreadyRunning: false }
    }
    const run = await tx.syncRun.create({ data: { connectionId: connection.id, kind: kindOf[args.reason], state: 'running' } })
    return { runId: run.id, isResumed: false, isAlreadyRunning: false }
  }, TX_OPTIONS)
}

type Planned = { streamIds: string[]; isStopped: boolean }

/**
 * Plans a run: per object type, the first page (newest 100) is fetched and written, then the
 * rest is split into `created` ranges, one sync stream each. Idempotent: types that already
 * have streams are skipped, so a retried step plans only what is missing. Returns the streams
 * still to fetch (all of the run's unfinished streams when it is a resumed run).
 */
export async function planBackfillRun(deps: BackfillDeps, args: { runId: string }): Promise<Planned> {
  const { db } = deps
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: args.runId }, include: { streams: { select: { objectType: true } } } })
  if (run.state !== 'running') return { streamIds: [], isStopped: true }
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: run.connectionId } })
  const planned = new Set(run.streams.map((s) => s.objectType))
  const missing = backfillObjectTypes.filter((t) => !planned.has(t))
  if (missing.length > 0) {
    const stripe = stripeForConnection(deps, connection)
    const { key, ratePerSecond } = await ensureConnectionBudget(db, { connectionId: connection.id, ...(deps.ratePerSecond !== undefined && { ratePerSecond: deps.ratePerSecond }) })
    const budget = { db, ratePerSecond, key }
    const options = listOptionsOf(connection)
    try {
      // The lower-bound probes (sequential by nature) run beside the other types' first pages.
      // They and the customers' first page count as the customers stream's requests.
      const probeStats: RequestStats = { requests: 0, throttled: 0 }
      const others = missing.filter((t) => t !== 'customers')
      const probing: Promise<LowerBound> = missing.includes('customers')
        ? findLowerBound(stripe, (fn) => requestWithBudget(budget, budget.key, probeStats, fn), nowOf(deps), probeStats, options)
        : Promise.resolve({ lowerBound: EARLIEST_CREATED })
      const [probe, firstPages] = await Promise.all([probing, Promise.all(others.map((type) => prefetchFirstPage(deps, { connectionId: connection.id, budget, stripe, type, options })))])
      for (const [i, type] of others.entries()) {
        const first = firstPages[i] as FirstPage
        await planType(deps, { runId: run.id, connectionId: connection.id, type, lowerBound: probe.lowerBound, first })
      }
      if (missing.includes('customers')) {
        const first: FirstPage = probe.firstPage ? { ...probe.firstPage, stats: probeStats } : await prefetchFirstPage(deps, { connectionId: connection.id, budget, stripe, type: 'customers', options })
        await planType(deps, { runId: run.id, connectionId: connection.id, type: 'customers', lowerBound: probe.lowerBound, first })
      }
    } catch (error) {
      if (error instanceof StripeRequestError && error.failure.kind === 'revoked') {
        await stopRunForRevokedKey(db, { runId: run.id, connectionId: connection.id, message: revokedKeyMessage })
        return { streamIds: [], isStopped: true }
      }
      throw error
    }
  }
  const streams = await db.syncStream.findMany({ where: { runId: run.id, state: { in: ['pending', 'running'] } }, select: { id: true }, orderBy: [{ objectType: 'asc' }, { rangeStart: 'desc' }] })
  return { streamIds: streams.map((s) => s.id), isStopped: false }
}

/**
 * The account's oldest customer, to the day, found by bisection with `limit=1` probes (≈ 13
 * calls whatever the account's size). It bounds the ranges of every type: invoices, charges
 * and subscriptions are no older than their customers. A wrong guess costs parallelism only.
 */
type LowerBound = { lowerBound: number; firstPage?: { page: Page; fetchedAt: Date } }

async function findLowerBound(stripe: Stripe, send: <T>(fn: () => Promise<T>) => Promise<T>, fetchedAt: Date, extraCalls: RequestStats, options: ListOptions): Promise<LowerBound> {
  let first: Page
  try {
    first = await send(() => fetchListPage(stripe, 'customers', { limit: 100 }, options))
    extraCalls.requests += first.calls - 1
  } catch (error) {
    // planType meets the same refusal on customers and records it on that stream.
    if (error instanceof StripeRequestError && error.failure.kind !== 'revoked') return { lowerBound: EARLIEST_CREATED }
    throw error
  }
  const firstPage = { page: first, fetchedAt }
  const oldest = first.data.at(-1)?.created
  if (oldest === undefined || !first.hasMore) return { lowerBound: oldest ?? EARLIEST_CREATED, firstPage }
  let lo = EARLIEST_CREATED
  let hi = oldest + 1 // something exists before hi
  while (hi - lo > DAY) {
    const mid = Math.floor((lo + hi) / 2)
    const probe = await send(() => fetchListPage(stripe, 'customers', { lt: mid, limit: 1 }))
    extraCalls.requests += probe.calls - 1
    if (probe.data.length > 0) hi = mid
    else lo = mid
  }
  return { lowerBound: lo, firstPage }
}

type FirstPage = { page: Page; fetchedAt: Date; stats: RequestStats } | { error: StripeRequestError; fetchedAt: Date; stats: RequestStats }

/** The first page of a type; a refusal other than a revoked key is kept to fail that type's stream. */
async function prefetchFirstPage(deps: BackfillDeps, a: { connectionId: string; budget: { db: Db; ratePerSecond: number; key: string }; stripe: Stripe; type: BackfillObjectType; options: ListOptions }): Promise<FirstPage> {
  const stats: RequestStats = { requests: 0, throttled: 0 }
  const fetchedAt = nowOf(deps)
  try {
    const page = await requestWithBudget(a.budget, a.budget.key, stats, () => fetchListPage(a.stripe, a.type, { limit: 100 }, a.options))
    stats.requests += page.calls - 1
    return { page, fetchedAt, stats }
  } catch (error) {
    if (!(error instanceof StripeRequestError) || error.failure.kind === 'revoked') throw error
    return { error, fetchedAt, stats }
  }
}

async function planType(deps: BackfillDeps, a: { runId: string; connectionId: string; type: BackfillObjectType; lowerBound: number; first: FirstPage }) {
  const { db } = deps
  const { fetchedAt, stats } = a.first
  if ('error' in a.first) {
    await db.syncStream.create({
      data: { runId: a.runId, objectType: a.type, state: 'failed', error: streamFailureMessage(a.type, a.first.error), requests: stats.requests, throttled: stats.throttled, startedAt: fetchedAt, finishedAt: nowOf(deps) },
    })
    return
  }
  const { page } = a.first
  const newest = page.data[0]?.created ?? 0
  const oldest = page.data.at(-1)?.created ?? 0
  const ranges = planRanges({ firstPage: { count: page.data.length, newest, oldest, hasMore: page.hasMore }, lowerBound: Math.min(a.lowerBound, oldest) })
  await db.$transaction(
    async (tx) => {
      const batch = await writeMirrorBatch(tx, { connectionId: a.connectionId, type: a.type, objects: page.data, dataAsOf: fetchedAt })
      for (const [i, range] of ranges.entries()) {
        const isHead = i === ranges.length - 1
        const isDone = isHead && !page.hasMore
        await tx.syncStream.create({
          data: {
            runId: a.runId,
            objectType: a.type,
            rangeStart: range.start,
            rangeEnd: range.end,
            expected: range.expected,
            ...(isHead && {
              cursor: page.data.at(-1)?.id ?? null,
              fetched: page.data.length,
              written: batch.written,
              failed: batch.failedIds.length,
              requests: stats.requests,
              throttled: stats.throttled,
              startedAt: fetchedAt,
              ...(batch.firstError && { error: `Could not store ${batch.failedIds.length} object(s), e.g. ${batch.firstError}` }),
            }),
            ...(isDone && { state: batch.failedIds.length > 0 ? 'failed' : 'succeeded', finishedAt: nowOf(deps) }),
          },
        })
      }
    },
    TX_OPTIONS,
  )
}

/** Planning and starting write a few rows; under load (many streams at once) allow the wait. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 }
