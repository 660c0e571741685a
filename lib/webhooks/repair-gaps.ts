import type Stripe from 'stripe'
import type { Db } from '../db'
import { type StoredEventDispatch, redispatchStoredEvents } from '../health/redispatch-events'
import { customerKeyOf, isHandledType } from '../sync/apply-event/handlers'
import { importRunKinds } from '../sync/backfill/run-kinds'

// Gap repair (F14): Stripe delivers webhooks at least once — unless it gives up, an endpoint was
// down for days, or a delivery was lost on the way. Its Events API keeps 30 days, so a
// scheduled pass lists events since the last checkpoint and stores and processes any we never
// received. Also re-sends events stored but left `pending` (a lost hand-off to Inngest).
//
// Records live in sync_runs (kind gap_repair). A pass has one sync_stream of objectType 'event'
// (fetched = events listed, written = events repaired, rangeStart/End = the window). The
// checkpoint is the start of the last succeeded pass. The re-imports a pass asks for are
// imports (lib/sync/backfill/run-kinds.ts), never of this kind.
//
// A checkpoint older than 30 days (a connection down for weeks): the pass replays the 30 days
// Stripe still holds and asks for a re-import of the older part, recorded as a second stream
// (objectType 'backfill_requested', the range older than Stripe's events). That run stays
// `running` — the checkpoint does not move — until a backfill started after it succeeds; later
// passes wait for it (re-asking if it never started) and record a failed import as a failed
// run, so the next pass asks again. The backfill has no range option yet: it re-imports every
// object, which covers the range.

/** Stripe keeps events for 30 days. */
export const EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000
/** Deliveries still on their way when the previous pass ran are caught by overlapping windows. */
const OVERLAP_MS = 10 * 60 * 1000
/**
 * Events younger than this may still be on their way by webhook: listing them would store an
 * in-flight delivery as "recovered". The next pass's overlapping window picks them up.
 */
const IN_FLIGHT_MS = 60 * 1000
/** A pending event older than this was not handed to Inngest (or its run was lost). */
const STUCK_PENDING_MS = 10 * 60 * 1000

export type GapRepairDeps = {
  db: Db
  stripe: Stripe
  now: () => Date
  /** Hands a newly stored event to processing (its Stripe event id is the dispatch id). */
  dispatch: (event: { connectionId: string; stripeEventId: string; customerKey: string }) => Promise<unknown>
  /** Hands stored events to processing again, each under a new id (lib/health/redispatch-events.ts). */
  resend: StoredEventDispatch
  requestBackfill: (event: { connectionId: string; reason: 'gap_repair' }) => Promise<unknown>
}

export type GapRepairResult =
  | { kind: 'repaired'; runId: string; since: string; listed: number; repaired: number; redispatched: number }
  | { kind: 'backfill_requested'; runId: string; checkpoint: string; since: string; listed: number; repaired: number; redispatched: number }
  | { kind: 'waiting_for_backfill'; runId: string; checkpoint: string; redispatched: number }

export async function repairGaps(deps: GapRepairDeps, args: { connectionId: string }): Promise<GapRepairResult> {
  const { db } = deps
  const now = deps.now()
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { connectedAt: true, createdAt: true } })
  const liveSince = connection.connectedAt ?? connection.createdAt

  const outstanding = await settleRangeRepair(deps, args.connectionId)
  if (outstanding) {
    const redispatched = await redispatchStuck(deps, args.connectionId, now)
    return { kind: 'waiting_for_backfill', runId: outstanding.id, checkpoint: outstanding.checkpoint.toISOString(), redispatched }
  }

  const last = await db.syncRun.findFirst({ where: { connectionId: args.connectionId, kind: 'gap_repair', state: 'succeeded' }, orderBy: { startedAt: 'desc' }, select: { startedAt: true } })
  const checkpoint = last?.startedAt ?? liveSince
  const isBeyondRetention = now.getTime() - checkpoint.getTime() > EVENT_RETENTION_MS

  // Never before the connection: earlier events are history (lib/feed/import-historical-events)
  // and must not be processed as live ones (they would trigger automations).
  const since = new Date(Math.max(checkpoint.getTime() - OVERLAP_MS, liveSince.getTime(), now.getTime() - EVENT_RETENTION_MS))
  const sinceSeconds = Math.floor(since.getTime() / 1000)
  const untilSeconds = Math.floor((now.getTime() - IN_FLIGHT_MS) / 1000)
  const streams = [
    { objectType: 'event', state: 'running' as const, rangeStart: sinceSeconds, rangeEnd: untilSeconds, startedAt: now },
    ...(isBeyondRetention ? [{ objectType: 'backfill_requested', state: 'running' as const, rangeStart: Math.floor(checkpoint.getTime() / 1000), rangeEnd: sinceSeconds, startedAt: now }] : []),
  ]
  const run = await db.syncRun.create({ data: { connectionId: args.connectionId, kind: 'gap_repair', state: 'running', startedAt: now, streams: { create: streams } }, include: { streams: true } })
  const streamId = run.streams.find((s) => s.objectType === 'event')!.id
  try {
    let listed = 0
    let requests = 0
    const repaired: { id: string; type: string; customerKey: string }[] = []
    let page: Stripe.ApiList<Stripe.Event> | undefined
    do {
      requests += 1
      page = await deps.stripe.events.list({ created: { gte: sinceSeconds, lt: untilSeconds }, limit: 100, ...(page && { starting_after: page.data.at(-1)!.id }) })
      listed += page.data.length
      const fresh = await storeEvents(db, args.connectionId, page.data)
      for (const e of page.data) if (fresh.has(e.id) && isHandledType(e.type)) repaired.push({ id: e.id, type: e.type, customerKey: customerKeyOf(e.type, e.data?.object) })
      await db.syncStream.update({ where: { id: streamId }, data: { fetched: listed, requests } })
    } while (page.has_more && page.data.length > 0)

    // Newest first from Stripe; applied oldest first.
    for (const e of repaired.reverse()) await deps.dispatch({ connectionId: args.connectionId, stripeEventId: e.id, customerKey: e.customerKey })

    const redispatched = await redispatchStuck(deps, args.connectionId, now)

    await db.syncStream.update({ where: { id: streamId }, data: { state: 'succeeded', written: repaired.length, finishedAt: deps.now() } })
    if (isBeyondRetention) {
      // The run (and so the checkpoint) waits for the re-import of what Stripe no longer holds.
      await deps.requestBackfill({ connectionId: args.connectionId, reason: 'gap_repair' })
      return { kind: 'backfill_requested', runId: run.id, checkpoint: checkpoint.toISOString(), since: since.toISOString(), listed, repaired: repaired.length, redispatched }
    }
    await db.syncRun.update({ where: { id: run.id }, data: { state: 'succeeded', finishedAt: deps.now() } })
    return { kind: 'repaired', runId: run.id, since: since.toISOString(), listed, repaired: repaired.length, redispatched }
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : 'unknown error'
    await db.syncStream.updateMany({ where: { runId: run.id, state: 'running' }, data: { state: 'failed', error: message, finishedAt: deps.now() } }).catch(() => undefined)
    await db.syncRun.update({ where: { id: run.id }, data: { state: 'failed', error: message, finishedAt: deps.now() } }).catch(() => undefined)
    throw error
  }
}

async function redispatchStuck(deps: GapRepairDeps, connectionId: string, now: Date): Promise<number> {
  return redispatchStoredEvents(
    { db: deps.db, dispatch: deps.resend, now: deps.now },
    { connectionId, where: { status: 'pending', receivedAt: { lt: new Date(now.getTime() - STUCK_PENDING_MS) } }, reason: 'stuck' },
  )
}

/**
 * The re-import a pass asked for, if one is outstanding: succeeded → the pass's run succeeds
 * (the checkpoint moves to its start); failed → the run fails (the next pass asks again);
 * running → still outstanding; never started (a request that met a run already going, or was
 * lost) → asked again. Returns the run still waiting, with the checkpoint it holds.
 */
async function settleRangeRepair(deps: GapRepairDeps, connectionId: string): Promise<{ id: string; checkpoint: Date } | null> {
  const { db } = deps
  const waiting = await db.syncRun.findFirst({
    where: { connectionId, kind: 'gap_repair', state: 'running', streams: { some: { objectType: 'backfill_requested', state: 'running' } } },
    orderBy: { startedAt: 'desc' },
    include: { streams: { where: { objectType: 'backfill_requested' } } },
  })
  if (!waiting) return null
  const stream = waiting.streams[0]!
  const checkpoint = new Date((stream.rangeStart ?? 0) * 1000)
  const imports = { connectionId, kind: { in: importRunKinds } }
  const started = await db.syncRun.findFirst({ where: { ...imports, startedAt: { gte: waiting.startedAt } }, orderBy: { startedAt: 'desc' }, select: { id: true, state: true, error: true } })
  const at = deps.now()
  if (started?.state === 'succeeded') {
    await db.syncStream.update({ where: { id: stream.id }, data: { state: 'succeeded', finishedAt: at } })
    await db.syncRun.update({ where: { id: waiting.id }, data: { state: 'succeeded', finishedAt: at } })
    return null
  }
  if (started?.state === 'failed') {
    const error = `The re-import of events older than Stripe keeps failed${started.error ? `: ${started.error}` : ''}`.slice(0, 500)
    await db.syncStream.update({ where: { id: stream.id }, data: { state: 'failed', error, finishedAt: at } })
    await db.syncRun.update({ where: { id: waiting.id }, data: { state: 'failed', error, finishedAt: at } })
    return null
  }
  if (!started) {
    const going = await db.syncRun.findFirst({ where: { ...imports, state: { in: ['running', 'pending'] } }, select: { id: true } })
    if (!going) await deps.requestBackfill({ connectionId, reason: 'gap_repair' })
  }
  return { id: waiting.id, checkpoint }
}

/** Stores listed events we never received (source gap_repair); returns the ids that were new. */
async function storeEvents(db: Db, connectionId: string, events: readonly Stripe.Event[]): Promise<Set<string>> {
  if (!events.length) return new Set()
  const rows = events.map((e) => ({
    id: e.id,
    type: e.type,
    created: new Date(e.created * 1000).toISOString(),
    livemode: e.livemode,
    api_version: e.api_version ?? null,
    payload: e,
    status: isHandledType(e.type) ? 'pending' : 'ignored',
  }))
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `insert into stripe_events (connection_id, id, type, created, livemode, api_version, payload, source, status, received_at)
     select $1, x.id, x.type, x.created, x.livemode, x.api_version, x.payload, 'gap_repair', x.status::"StripeEventStatus", (now() at time zone 'utc')
     from jsonb_to_recordset($2::jsonb) as x(id text, type text, created timestamp, livemode boolean, api_version text, payload jsonb, status text)
     on conflict (connection_id, id) do nothing returning id`,
    connectionId,
    JSON.stringify(rows),
  )
  return new Set(inserted.map((r) => r.id))
}
