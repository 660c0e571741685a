import type Stripe from 'stripe'
import type { Db } from '../db'
import { type StoredEventDispatch, redispatchStoredEvents } from '../health/redispatch-events'
import { customerKeyOf, isHandledType } from '../sync/apply-event/handlers'

// Gap repair (F14): Stripe delivers webhooks at least once — unless it gives up, an endpoint was
// down for days, or a delivery was lost on the way. Its Events API keeps 30 days, so a
// scheduled pass lists events since the last checkpoint and stores and processes any we never
// received. Past 30 days the Events API cannot answer: a range re-backfill is requested instead.
//
// Records live in sync_runs (kind gap_repair) with one sync_stream: objectType 'event' for a
// pass (fetched = events listed, written = events repaired, rangeStart/End = the window), or
// objectType 'backfill_requested' when it fell back. The last succeeded run's start is the next
// checkpoint. Also re-sends events stored but left `pending` (a lost hand-off to Inngest).

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
  | { kind: 'backfill_requested'; runId: string; checkpoint: string }

export async function repairGaps(deps: GapRepairDeps, args: { connectionId: string }): Promise<GapRepairResult> {
  const { db } = deps
  const now = deps.now()
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { connectedAt: true, createdAt: true } })
  const last = await db.syncRun.findFirst({ where: { connectionId: args.connectionId, kind: 'gap_repair', state: 'succeeded' }, orderBy: { startedAt: 'desc' }, select: { startedAt: true } })
  const checkpoint = last?.startedAt ?? connection.connectedAt ?? connection.createdAt

  if (now.getTime() - checkpoint.getTime() > EVENT_RETENTION_MS) {
    const run = await db.syncRun.create({
      data: { connectionId: args.connectionId, kind: 'gap_repair', state: 'succeeded', startedAt: now, finishedAt: now, streams: { create: { objectType: 'backfill_requested', state: 'succeeded', rangeStart: Math.floor(checkpoint.getTime() / 1000), rangeEnd: Math.floor(now.getTime() / 1000), startedAt: now, finishedAt: now } } },
    })
    await deps.requestBackfill({ connectionId: args.connectionId, reason: 'gap_repair' })
    return { kind: 'backfill_requested', runId: run.id, checkpoint: checkpoint.toISOString() }
  }

  const since = new Date(Math.max(checkpoint.getTime() - OVERLAP_MS, now.getTime() - EVENT_RETENTION_MS))
  const sinceSeconds = Math.floor(since.getTime() / 1000)
  const untilSeconds = Math.floor((now.getTime() - IN_FLIGHT_MS) / 1000)
  const run = await db.syncRun.create({
    data: { connectionId: args.connectionId, kind: 'gap_repair', state: 'running', startedAt: now, streams: { create: { objectType: 'event', state: 'running', rangeStart: sinceSeconds, rangeEnd: untilSeconds, startedAt: now } } },
    include: { streams: true },
  })
  const streamId = run.streams[0]!.id
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

    const redispatched = await redispatchStoredEvents(
      { db, dispatch: deps.resend, now: deps.now },
      { connectionId: args.connectionId, where: { status: 'pending', receivedAt: { lt: new Date(now.getTime() - STUCK_PENDING_MS) } }, reason: 'stuck' },
    )

    await db.syncStream.update({ where: { id: streamId }, data: { state: 'succeeded', written: repaired.length, finishedAt: deps.now() } })
    await db.syncRun.update({ where: { id: run.id }, data: { state: 'succeeded', finishedAt: deps.now() } })
    return { kind: 'repaired', runId: run.id, since: since.toISOString(), listed, repaired: repaired.length, redispatched }
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 500) : 'unknown error'
    await db.syncStream.update({ where: { id: streamId }, data: { state: 'failed', error: message, finishedAt: deps.now() } }).catch(() => undefined)
    await db.syncRun.update({ where: { id: run.id }, data: { state: 'failed', error: message, finishedAt: deps.now() } }).catch(() => undefined)
    throw error
  }
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
