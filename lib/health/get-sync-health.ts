import type { Db } from '../db'
import { getSyncProgress } from '../sync/backfill/get-sync-progress'
import { healthFactsSelect, readHealthFacts } from './facts'
import { computeSyncHealth } from './state'
import { readHealthThresholds } from './thresholds'

// Everything the sync-health page shows for one connection (F21): the state with its reasons
// (computed now, from the same facts the alerts use), the figures, the 24-hour event chart,
// gap repairs and recent errors. JSON-ready: dates as ISO strings, counts as numbers.

const HOUR_MS = 3600 * 1000

const mirrorTables = [
  ['customers', 'stripe_customers'],
  ['subscriptions', 'stripe_subscriptions'],
  ['invoices', 'stripe_invoices'],
  ['charges', 'stripe_charges'],
  ['prices', 'stripe_prices'],
  ['products', 'stripe_products'],
  ['checkout sessions', 'stripe_checkout_sessions'],
] as const

export type EventBucket = { hour: string; received: number; processed: number; failed: number; ignored: number; pending: number }

/** Events received per hour over the last 24 hours, by what became of them; empty hours included. */
async function readEventChart(db: Db, connectionId: string, now: Date): Promise<EventBucket[]> {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const start = end - 23 * HOUR_MS
  const rows = await db.$queryRawUnsafe<{ hour: Date; received: bigint; processed: bigint; failed: bigint; ignored: bigint; pending: bigint }[]>(
    `select date_trunc('hour', received_at) as hour, count(*) as received,
            count(*) filter (where status = 'processed') as processed,
            count(*) filter (where status = 'failed') as failed,
            count(*) filter (where status = 'ignored') as ignored,
            count(*) filter (where status = 'pending') as pending
       from stripe_events
      where connection_id = $1 and received_at >= $2
      group by 1`,
    connectionId,
    new Date(start),
  )
  const byHour = new Map(rows.map((r) => [r.hour.getTime(), r]))
  return Array.from({ length: 24 }, (_, i) => {
    const at = start + i * HOUR_MS
    const r = byHour.get(at)
    return { hour: new Date(at).toISOString(), received: Number(r?.received ?? 0), processed: Number(r?.processed ?? 0), failed: Number(r?.failed ?? 0), ignored: Number(r?.ignored ?? 0), pending: Number(r?.pending ?? 0) }
  })
}

/** Objects mirrored per type (deleted ones excluded), one statement. */
async function readMirrorCounts(db: Db, connectionId: string) {
  const sql = mirrorTables.map(([label, table]) => `select '${label}' as label, count(*) as n from ${table} where connection_id = $1 and deleted_at is null`).join(' union all ')
  const rows = await db.$queryRawUnsafe<{ label: string; n: bigint }[]>(sql, connectionId)
  const counts = new Map(rows.map((r) => [r.label, Number(r.n)]))
  return mirrorTables.map(([label]) => ({ label, count: counts.get(label) ?? 0 }))
}

/** Failed event processing grouped by cause: what a person reads, and what Retry acts on. */
async function readEventErrors(db: Db, connectionId: string) {
  const rows = await db.$queryRawUnsafe<{ error: string | null; type: string; count: bigint; first_seen: Date; last_seen: Date; event_id: string; object_id: string | null }[]>(
    `select error, type, count(*) as count, min(received_at) as first_seen, max(received_at) as last_seen,
            (array_agg(id order by received_at desc))[1] as event_id,
            (array_agg(payload #>> '{data,object,id}' order by received_at desc))[1] as object_id
       from stripe_events
      where connection_id = $1 and status = 'failed'
      group by error, type
      order by max(received_at) desc
      limit 20`,
    connectionId,
  )
  return rows.map((r) => ({
    cause: r.error ?? 'Processing failed without a message.',
    /** The stored error as is (null when none was recorded): what Retry filters by, not the words above. */
    error: r.error,
    eventType: r.type,
    eventId: r.event_id,
    objectId: r.object_id,
    count: Number(r.count),
    firstSeen: r.first_seen.toISOString(),
    lastSeen: r.last_seen.toISOString(),
  }))
}

export async function getSyncHealth(db: Db, args: { connectionId: string; now: Date }) {
  const { connectionId, now } = args
  const connection = await db.stripeConnection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { ...healthFactsSelect, keyCheckedAt: true, healthState: true, healthChangedAt: true, workspace: { select: { healthThresholds: true } } },
  })
  const thresholds = readHealthThresholds(connection.workspace.healthThresholds)
  const [facts, chart, objects, progress, errors, gapRuns, retries, streamErrors] = await Promise.all([
    readHealthFacts(db, { connection, now }),
    readEventChart(db, connectionId, now),
    readMirrorCounts(db, connectionId),
    getSyncProgress(db, { connectionId, now }),
    readEventErrors(db, connectionId),
    db.syncRun.findMany({ where: { connectionId, kind: 'gap_repair' }, orderBy: { startedAt: 'desc' }, take: 8, include: { streams: true } }),
    db.stripeEvent.aggregate({ where: { connectionId, receivedAt: { gt: new Date(now.getTime() - 24 * HOUR_MS) }, attempts: { gt: 1 } }, _sum: { attempts: true }, _count: true }),
    db.syncStream.findMany({
      where: { run: { connectionId, startedAt: { gt: new Date(now.getTime() - 7 * 24 * HOUR_MS) } }, state: 'failed' },
      orderBy: { updatedAt: 'desc' },
      take: 10,
      select: { objectType: true, error: true, startedAt: true, updatedAt: true, run: { select: { kind: true } } },
    }),
  ])
  const { contactsInSync, latest: lastImport } = progress
  const health = computeSyncHealth(facts, thresholds, now)
  return {
    health,
    thresholds,
    status: connection.status,
    hasWebhookEndpoint: connection.webhookEndpointId !== null,
    checkedAt: { key: connection.keyCheckedAt?.toISOString() ?? null, endpoint: connection.endpointCheckedAt?.toISOString() ?? null },
    // Known only for the state last stored by a check (a paused connection stores the state under the pause).
    stateSince: connection.healthState === health.state ? (connection.healthChangedAt?.toISOString() ?? null) : null,
    endpoint: facts.endpoint.checkedAt ? { exists: facts.endpoint.exists, enabled: facts.endpoint.enabled, missingEvents: facts.endpoint.missingEvents } : null,
    figures: {
      contactsInSync,
      objects,
      lastWebhookAt: facts.lastWebhookAt?.toISOString() ?? null,
      lagP50Seconds: facts.lagP50Seconds,
      lagP95Seconds: facts.lagP95Seconds,
      throttledLastHour: facts.throttledLastHour,
      /** Events processed more than once in the last 24 hours, and the attempts beyond the first. */
      retriedEvents: retries._count,
      retryAttempts: (retries._sum.attempts ?? 0) - retries._count,
      failedEvents: facts.failedEvents,
      stuckEvents: facts.stuckEvents,
      recoveredLast24h: facts.recoveredLast24h,
      received24h: chart.reduce((n, b) => n + b.received, 0),
    },
    /** Backfill progress while an import runs (per type when known), or the last run's totals and duration. */
    lastImport,
    chart,
    gapRepairs: gapRuns.map((run) => {
      const stream = run.streams[0]
      return {
        id: run.id,
        state: run.state,
        startedAt: run.startedAt.toISOString(),
        /** 'events': listed Stripe's events; 'backfill': past 30 days, a re-import was requested. */
        kind: stream?.objectType === 'backfill_requested' ? ('backfill' as const) : ('events' as const),
        listed: stream?.fetched ?? 0,
        recovered: stream?.written ?? 0,
        error: run.error,
      }
    }),
    errors,
    syncErrors: streamErrors.map((s) => ({ objectType: s.objectType, runKind: s.run.kind, cause: s.error ?? 'did not finish', firstSeen: (s.startedAt ?? s.updatedAt).toISOString(), lastSeen: s.updatedAt.toISOString() })),
  }
}

export type SyncHealthView = Awaited<ReturnType<typeof getSyncHealth>>
