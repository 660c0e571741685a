import type { ConnectionStatus, SyncState } from '../generated/prisma/enums'
import type { HealthThresholds } from './thresholds'

// The sync-health state of one connection (F21), computed by one pure function from facts the
// sync recorded (lib/health/facts.ts reads them). Severity order: paused, needs re-auth,
// failing, degraded, healthy. Every reason says what happened and what to do next; the most
// severe come first.

export type HealthState = 'healthy' | 'degraded' | 'failing' | 'needs_reauth' | 'paused'

/** What the page offers next to a reason. */
export type HealthAction = 'resume' | 'rotate_key' | 'repair_endpoint' | 'retry_failed' | 'resync' | 'wait'

export type HealthReason = {
  code:
    | 'paused'
    | 'key_rejected'
    | 'endpoint_deleted'
    | 'endpoint_disabled'
    | 'deliveries_stopped'
    | 'failures_piling_up'
    | 'endpoint_events_missing'
    | 'webhook_lag'
    | 'rate_limited'
    | 'gap_repair_recovered'
    | 'events_failed'
    | 'events_stuck'
    | 'import_failed'
  severity: Exclude<HealthState, 'healthy'>
  message: string
  action: HealthAction
}

export type EndpointFacts = {
  /** False when the connection has no webhook endpoint (e.g. live mode on a private address). */
  configured: boolean
  /** When the endpoint was last looked up in Stripe; null = never checked. */
  checkedAt: Date | null
  exists: boolean
  enabled: boolean
  /** Handled event types the endpoint is not subscribed to. */
  missingEvents: string[]
}

export type HealthFacts = {
  status: ConnectionStatus
  /** What Stripe said when it last rejected the key; null when the last probe passed. */
  keyError: string | null
  connectedAt: Date | null
  endpoint: EndpointFacts
  /** Newest webhook delivery received (source webhook). */
  lastWebhookAt: Date | null
  /** `created` of the newest Stripe event that reached us only through gap repair. */
  newestUndeliveredEventAt: Date | null
  /** Webhook lag (received − created) over the last hour, seconds; null without deliveries. */
  lagP95Seconds: number | null
  /** Stripe 429 answers counted in the last hour (imports and gap repairs). */
  throttledLastHour: number
  /** Events whose processing failed and was not retried successfully. */
  failedEvents: number
  /** Events stored but not applied for more than ten minutes (gap repair re-sends them). */
  stuckEvents: number
  /** Events gap repair found at Stripe and applied in the last 24 hours. */
  recoveredLast24h: number
  /** The newest import run (backfill) of the connection. */
  lastImport: { state: SyncState; error: string | null } | null
}

export type SyncHealth = { state: HealthState; summary: string; reasons: HealthReason[] }

const severityRank: Record<HealthState, number> = { paused: 4, needs_reauth: 3, failing: 2, degraded: 1, healthy: 0 }

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** Ends a stored message with a full stop when it has none. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`)

function minutesSince(now: Date, then: Date): number {
  return Math.floor((now.getTime() - then.getTime()) / 60_000)
}

export function computeSyncHealth(facts: HealthFacts, thresholds: HealthThresholds, now: Date): SyncHealth {
  const reasons: HealthReason[] = []
  const add = (reason: HealthReason) => reasons.push(reason)

  if (facts.status === 'paused') {
    add({ code: 'paused', severity: 'paused', message: 'An admin paused syncing. Webhooks are still received and stored; they are applied when syncing resumes.', action: 'resume' })
  }
  if (facts.status === 'needs_reauth' || facts.keyError) {
    add({
      code: 'key_rejected',
      severity: 'needs_reauth',
      message: `Stripe rejected the stored key.${facts.keyError ? ` ${sentence(facts.keyError)}` : ''} Nothing syncs until a new restricted key of the same account is saved.`,
      action: 'rotate_key',
    })
  }

  const { endpoint } = facts
  if (endpoint.configured && endpoint.checkedAt && !endpoint.exists) {
    add({ code: 'endpoint_deleted', severity: 'failing', message: 'Our webhook endpoint no longer exists in Stripe, so no live updates arrive. Repair recreates it.', action: 'repair_endpoint' })
  } else if (endpoint.configured && endpoint.checkedAt && !endpoint.enabled) {
    add({ code: 'endpoint_disabled', severity: 'failing', message: 'Our webhook endpoint is disabled in Stripe, so no live updates arrive. Repair enables it again.', action: 'repair_endpoint' })
  } else if (endpoint.configured && endpoint.checkedAt && endpoint.missingEvents.length > 0) {
    add({
      code: 'endpoint_events_missing',
      severity: 'degraded',
      message: `Our webhook endpoint is not subscribed to ${plural(endpoint.missingEvents.length, 'event type')} (${endpoint.missingEvents.slice(0, 3).join(', ')}${endpoint.missingEvents.length > 3 ? ', …' : ''}). Repair subscribes it again.`,
      action: 'repair_endpoint',
    })
  }

  // Deliveries stopped: Stripe has events newer than our last delivery, and it has been quiet
  // for at least the threshold since that delivery (or since connecting, if none arrived).
  const quietSince = facts.lastWebhookAt ?? facts.connectedAt
  if (
    endpoint.configured &&
    facts.newestUndeliveredEventAt &&
    (!facts.lastWebhookAt || facts.newestUndeliveredEventAt > facts.lastWebhookAt) &&
    quietSince &&
    minutesSince(now, quietSince) >= thresholds.silenceMinutes
  ) {
    add({
      code: 'deliveries_stopped',
      severity: 'failing',
      message: `No webhook has arrived for ${plural(minutesSince(now, quietSince), 'minute')} while Stripe has newer events. Check the endpoint; gap repair keeps applying what Stripe's Events API returns meanwhile.`,
      action: 'repair_endpoint',
    })
  }

  if (facts.failedEvents >= thresholds.failedEvents) {
    add({ code: 'failures_piling_up', severity: 'failing', message: `${plural(facts.failedEvents, 'event')} failed to apply; failures are piling up. See the errors below and retry.`, action: 'retry_failed' })
  } else if (facts.failedEvents > 0) {
    add({ code: 'events_failed', severity: 'degraded', message: `${plural(facts.failedEvents, 'event')} failed to apply. See the errors below and retry.`, action: 'retry_failed' })
  }

  if (facts.lagP95Seconds !== null && facts.lagP95Seconds > thresholds.lagSeconds) {
    add({
      code: 'webhook_lag',
      severity: 'degraded',
      message: `Webhooks arrive late: p95 lag is ${Math.round(facts.lagP95Seconds * 10) / 10} s over the last hour (threshold ${thresholds.lagSeconds} s). Stripe is retrying or queueing deliveries.`,
      action: 'wait',
    })
  }
  if (facts.throttledLastHour >= thresholds.throttledPerHour) {
    add({
      code: 'rate_limited',
      severity: 'degraded',
      message: `Stripe answered ${plural(facts.throttledLastHour, 'request')} with 429 (rate limited) in the last hour. Syncing slows down and retries; nothing is lost.`,
      action: 'wait',
    })
  }
  if (facts.recoveredLast24h > 0) {
    add({
      code: 'gap_repair_recovered',
      severity: 'degraded',
      message: `Gap repair found ${plural(facts.recoveredLast24h, 'event')} in the last 24 hours that Stripe never delivered, and applied them.`,
      action: 'wait',
    })
  }
  if (facts.stuckEvents > 0) {
    add({ code: 'events_stuck', severity: 'degraded', message: `${plural(facts.stuckEvents, 'event')} waited more than ten minutes to be applied. Gap repair sends them again.`, action: 'wait' })
  }
  if (facts.lastImport?.state === 'failed') {
    add({ code: 'import_failed', severity: 'degraded', message: `The last import did not finish: ${sentence(facts.lastImport.error ?? 'unknown error')} Re-sync to fetch what is missing.`, action: 'resync' })
  }

  reasons.sort((a, b) => severityRank[b.severity] - severityRank[a.severity])
  const state: HealthState = reasons[0]?.severity ?? 'healthy'
  return { state, summary: summaryOf(state, facts), reasons }
}

function summaryOf(state: HealthState, facts: HealthFacts): string {
  switch (state) {
    case 'paused':
      return 'Syncing is paused.'
    case 'needs_reauth':
      return 'Stripe no longer accepts the key: save a new one.'
    case 'failing':
      return 'Stripe data is not being kept up to date.'
    case 'degraded':
      return 'Syncing works, with problems worth a look.'
    case 'healthy':
      if (facts.status === 'syncing' || facts.lastImport?.state === 'running') return 'Importing from Stripe; live updates are applied meanwhile.'
      if (facts.status === 'draft' || facts.status === 'waiting_to_sync') return 'Waiting for the first sync.'
      return 'Contacts are in sync with Stripe.'
  }
}
