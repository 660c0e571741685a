import type { Db } from '../db'
import { endpointCheckSchema } from './check-endpoint'
import type { EndpointFacts, HealthFacts } from './state'
import { importRunKinds } from '../sync/backfill/run-kinds'

// Reads what the sync recorded about one connection into the facts the health state is
// computed from (lib/health/state.ts). Window queries stay on the (connection_id,
// received_at) index of stripe_events: the last hour for lag, the last 24 hours for the rest.

const STUCK_AFTER_MS = 10 * 60 * 1000
const HOUR_MS = 3600 * 1000
const DAY_MS = 24 * HOUR_MS

const numberOrNull = (value: number | null | undefined) => (value === null || value === undefined ? null : Number(value))

type WindowRow = {
  last_webhook_at: Date | null
  newest_undelivered_at: Date | null
  lag_p50: number | null
  lag_p95: number | null
  recovered: bigint
}

/** Webhook lag and gap-repair facts over the last 24 hours of received events. */
async function readEventWindow(db: Db, connectionId: string, now: Date) {
  const [row] = await db.$queryRawUnsafe<WindowRow[]>(
    `select max(received_at) filter (where source = 'webhook') as last_webhook_at,
            max(created) filter (where source = 'gap_repair') as newest_undelivered_at,
            percentile_cont(0.5) within group (order by extract(epoch from received_at - created))
              filter (where source = 'webhook' and received_at > $3) as lag_p50,
            percentile_cont(0.95) within group (order by extract(epoch from received_at - created))
              filter (where source = 'webhook' and received_at > $3) as lag_p95,
            count(*) filter (where source = 'gap_repair' and status <> 'ignored') as recovered
       from stripe_events
      where connection_id = $1 and received_at > $2`,
    connectionId,
    new Date(now.getTime() - DAY_MS),
    new Date(now.getTime() - HOUR_MS),
  )
  // Quiet for a day: the newest delivery ever (one index probe backwards).
  const lastWebhookAt =
    row?.last_webhook_at ??
    (await db.stripeEvent.findFirst({ where: { connectionId, source: 'webhook' }, orderBy: { receivedAt: 'desc' }, select: { receivedAt: true } }))?.receivedAt ??
    null
  return {
    lastWebhookAt,
    newestUndeliveredEventAt: row?.newest_undelivered_at ?? null,
    lagP50Seconds: numberOrNull(row?.lag_p50),
    lagP95Seconds: numberOrNull(row?.lag_p95),
    recoveredLast24h: Number(row?.recovered ?? 0),
  }
}

/** 429 answers counted by runs (imports, gap repairs) whose streams moved in the last hour. */
async function readThrottled(db: Db, connectionId: string, since: Date): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ throttled: bigint | null }[]>(
    `select sum(s.throttled) as throttled
       from sync_streams s join sync_runs r on r.id = s.run_id
      where r.connection_id = $1 and s.updated_at > $2`,
    connectionId,
    since,
  )
  return Number(row?.throttled ?? 0)
}

export function readEndpointFacts(connection: { webhookEndpointId: string | null; endpointCheckedAt: Date | null; endpointCheck: unknown }): EndpointFacts {
  const check = endpointCheckSchema.safeParse(connection.endpointCheck)
  return {
    configured: connection.webhookEndpointId !== null,
    checkedAt: check.success ? connection.endpointCheckedAt : null,
    exists: check.success ? check.data.exists : true,
    enabled: check.success ? check.data.enabled : true,
    missingEvents: check.success ? check.data.missingEvents : [],
  }
}

/** The connection columns the facts read: callers load them with their own select, once. */
export const healthFactsSelect = { id: true, status: true, keyError: true, connectedAt: true, webhookEndpointId: true, endpointCheckedAt: true, endpointCheck: true } as const

type FactsConnection = { id: string; status: HealthFacts['status']; keyError: string | null; connectedAt: Date | null; webhookEndpointId: string | null; endpointCheckedAt: Date | null; endpointCheck: unknown }

export async function readHealthFacts(db: Db, args: { connection: FactsConnection; now: Date }): Promise<HealthFacts & { lagP50Seconds: number | null }> {
  const { connection, now } = args
  const connectionId = connection.id
  const [window, throttledLastHour, failedEvents, stuckEvents, lastImport] = await Promise.all([
    readEventWindow(db, connectionId, now),
    readThrottled(db, connectionId, new Date(now.getTime() - HOUR_MS)),
    db.stripeEvent.count({ where: { connectionId, status: 'failed' } }),
    db.stripeEvent.count({ where: { connectionId, status: 'pending', receivedAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) } } }),
    db.syncRun.findFirst({ where: { connectionId, kind: { in: importRunKinds } }, orderBy: { startedAt: 'desc' }, select: { state: true, error: true } }),
  ])
  return {
    status: connection.status,
    keyError: connection.keyError,
    connectedAt: connection.connectedAt,
    endpoint: readEndpointFacts(connection),
    ...window,
    throttledLastHour,
    failedEvents,
    // A paused connection holds its events on purpose: they are not stuck.
    stuckEvents: connection.status === 'paused' ? 0 : stuckEvents,
    lastImport,
  }
}
