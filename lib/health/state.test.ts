import { describe, expect, test } from 'vitest'
import { computeSyncHealth, type EndpointFacts, type HealthAction, type HealthFacts, type HealthReason, type HealthState, type SyncHealth } from './state'
import { defaultHealthThresholds, type HealthThresholds } from './thresholds'

const NOW = new Date('2026-03-15T12:00:00.000Z')
const SECOND = 1_000
const MINUTE = 60 * SECOND
const ago = (ms: number) => new Date(NOW.getTime() - ms)

/** A healthy active connection: endpoint checked and complete, a webhook a minute ago, nothing wrong. */
const baseFacts: HealthFacts = {
  status: 'active',
  keyError: null,
  connectedAt: ago(30 * 24 * 60 * MINUTE),
  endpoint: { configured: true, checkedAt: ago(5 * MINUTE), exists: true, enabled: true, missingEvents: [] },
  lastWebhookAt: ago(1 * MINUTE),
  newestUndeliveredEventAt: null,
  lagP95Seconds: 2,
  throttledLastHour: 0,
  failedEvents: 0,
  stuckEvents: 0,
  recoveredLast24h: 0,
  lastImport: { state: 'succeeded', error: null },
}

const facts = (over: Partial<HealthFacts> = {}): HealthFacts => ({ ...baseFacts, ...over })
const endpoint = (over: Partial<EndpointFacts>): EndpointFacts => ({ ...baseFacts.endpoint, ...over })
/** Webhooks quiet for `minutes`, while Stripe has an event one second newer than the last delivery. */
const quietFor = (minutes: number): Partial<HealthFacts> => ({ lastWebhookAt: ago(minutes * MINUTE), newestUndeliveredEventAt: ago(minutes * MINUTE - SECOND) })

const health = (over: Partial<HealthFacts> = {}, thresholds: HealthThresholds = defaultHealthThresholds): SyncHealth => computeSyncHealth(facts(over), thresholds, NOW)
const codes = (h: SyncHealth) => h.reasons.map((r) => r.code)

/** A second, non-default set: the boundaries must follow the thresholds given, not the defaults. */
const custom: HealthThresholds = { lagSeconds: 60, throttledPerHour: 5, failedEvents: 3, silenceMinutes: 10 }

describe('computeSyncHealth: the fixture', () => {
  test('a healthy active connection has no reasons', () => {
    expect(health()).toEqual({ state: 'healthy', summary: 'Contacts are in sync with Stripe.', reasons: [] })
  })
})

describe('computeSyncHealth: one row per reason code → state, code, action', () => {
  test.each<[HealthReason['code'], Partial<HealthFacts>, HealthState, HealthAction]>([
    ['paused', { status: 'paused' }, 'paused', 'resume'],
    ['key_rejected', { status: 'needs_reauth' }, 'needs_reauth', 'rotate_key'],
    ['endpoint_deleted', { endpoint: endpoint({ exists: false }) }, 'failing', 'repair_endpoint'],
    ['endpoint_disabled', { endpoint: endpoint({ enabled: false }) }, 'failing', 'repair_endpoint'],
    ['deliveries_stopped', quietFor(45), 'failing', 'repair_endpoint'],
    ['failures_piling_up', { failedEvents: 25 }, 'failing', 'retry_failed'],
    ['endpoint_events_missing', { endpoint: endpoint({ missingEvents: ['invoice.paid'] }) }, 'degraded', 'repair_endpoint'],
    ['webhook_lag', { lagP95Seconds: 900 }, 'degraded', 'wait'],
    ['rate_limited', { throttledLastHour: 50 }, 'degraded', 'wait'],
    ['gap_repair_recovered', { recoveredLast24h: 4 }, 'degraded', 'wait'],
    ['events_failed', { failedEvents: 1 }, 'degraded', 'retry_failed'],
    ['events_stuck', { stuckEvents: 2 }, 'degraded', 'wait'],
    ['import_failed', { lastImport: { state: 'failed', error: 'Stripe refused to list customers with this key.' } }, 'degraded', 'resync'],
  ])('%s → %s', (code, over, state, action) => {
    const h = health(over)
    expect(h.state).toBe(state)
    expect(h.reasons).toHaveLength(1)
    expect(h.reasons[0]).toMatchObject({ code, severity: state, action })
  })

  test('a key error alone (status still active) needs re-auth', () => {
    const h = health({ keyError: 'Invalid API Key provided' })
    expect(h.state).toBe('needs_reauth')
    expect(codes(h)).toEqual(['key_rejected'])
  })
})

describe('computeSyncHealth: summaries', () => {
  test.each<[string, Partial<HealthFacts>, HealthState, string]>([
    ['paused', { status: 'paused' }, 'paused', 'Syncing is paused.'],
    ['needs re-auth', { status: 'needs_reauth' }, 'needs_reauth', 'Stripe no longer accepts the key: save a new one.'],
    ['failing', { endpoint: endpoint({ exists: false }) }, 'failing', 'Stripe data is not being kept up to date.'],
    ['degraded', { stuckEvents: 1 }, 'degraded', 'Syncing works, with problems worth a look.'],
    ['healthy, status syncing', { status: 'syncing', lastImport: { state: 'running', error: null } }, 'healthy', 'Importing from Stripe; live updates are applied meanwhile.'],
    ['healthy, active with a re-sync running', { lastImport: { state: 'running', error: null } }, 'healthy', 'Importing from Stripe; live updates are applied meanwhile.'],
    ['healthy, waiting_to_sync', { status: 'waiting_to_sync', lastImport: null, lastWebhookAt: null }, 'healthy', 'Waiting for the first sync.'],
    ['healthy, draft', { status: 'draft', lastImport: null, lastWebhookAt: null }, 'healthy', 'Waiting for the first sync.'],
    ['healthy, active', {}, 'healthy', 'Contacts are in sync with Stripe.'],
    ['healthy, active without any import run', { lastImport: null }, 'healthy', 'Contacts are in sync with Stripe.'],
  ])('%s → %s: %s', (_name, over, state, summary) => {
    expect(health(over)).toMatchObject({ state, summary })
  })
})

describe('computeSyncHealth: severity order when several reasons apply', () => {
  test.each<[string, Partial<HealthFacts>, HealthState, HealthReason['code'][]]>([
    ['paused + key rejected → paused first, both listed', { status: 'paused', keyError: 'Expired API Key provided' }, 'paused', ['paused', 'key_rejected']],
    ['paused + failing + degraded → all listed, most severe first', { status: 'paused', failedEvents: 25, stuckEvents: 1 }, 'paused', ['paused', 'failures_piling_up', 'events_stuck']],
    ['needs re-auth beats failing', { status: 'needs_reauth', endpoint: endpoint({ exists: false }) }, 'needs_reauth', ['key_rejected', 'endpoint_deleted']],
    ['failing beats degraded', { failedEvents: 25, lagP95Seconds: 900 }, 'failing', ['failures_piling_up', 'webhook_lag']],
    // endpoint_events_missing (degraded) is recorded before deliveries_stopped (failing): the sort must move it down.
    ['failing recorded after degraded still comes first', { endpoint: endpoint({ missingEvents: ['invoice.paid'] }), ...quietFor(45) }, 'failing', ['deliveries_stopped', 'endpoint_events_missing']],
    ['degraded reasons keep their order', { lagP95Seconds: 900, throttledLastHour: 20, recoveredLast24h: 1, stuckEvents: 1, lastImport: { state: 'failed', error: 'x.' } }, 'degraded', ['webhook_lag', 'rate_limited', 'gap_repair_recovered', 'events_stuck', 'import_failed']],
    [
      'everything at once',
      {
        status: 'paused',
        keyError: 'Invalid API Key provided',
        endpoint: endpoint({ enabled: false }),
        ...quietFor(45),
        failedEvents: 1,
        lagP95Seconds: 900,
        throttledLastHour: 20,
        recoveredLast24h: 1,
        stuckEvents: 1,
        lastImport: { state: 'failed', error: 'x.' },
      },
      'paused',
      ['paused', 'key_rejected', 'endpoint_disabled', 'deliveries_stopped', 'events_failed', 'webhook_lag', 'rate_limited', 'gap_repair_recovered', 'events_stuck', 'import_failed'],
    ],
  ])('%s', (_name, over, state, expected) => {
    const h = health(over)
    expect(h.state).toBe(state)
    expect(codes(h)).toEqual(expected)
  })
})

describe.each<[string, HealthThresholds]>([
  ['default thresholds', defaultHealthThresholds],
  ['custom thresholds', custom],
])('computeSyncHealth: threshold boundaries (%s)', (_name, t) => {
  const run = (over: Partial<HealthFacts>) => codes(computeSyncHealth(facts(over), t, NOW))
  const stateOf = (over: Partial<HealthFacts>) => computeSyncHealth(facts(over), t, NOW).state

  test.each<[string, Partial<HealthFacts>, HealthState, HealthReason['code'][]]>([
    // lagSeconds: above the threshold degrades; at it does not.
    ['lag exactly at the threshold → healthy', { lagP95Seconds: t.lagSeconds }, 'healthy', []],
    ['lag one second above → degraded webhook_lag', { lagP95Seconds: t.lagSeconds + 1 }, 'degraded', ['webhook_lag']],
    ['no lag measured (no deliveries) → healthy', { lagP95Seconds: null }, 'healthy', []],
    // throttledPerHour: at or above degrades.
    ['throttled one below the threshold → healthy', { throttledLastHour: t.throttledPerHour - 1 }, 'healthy', []],
    ['throttled at the threshold → degraded rate_limited', { throttledLastHour: t.throttledPerHour }, 'degraded', ['rate_limited']],
    // failedEvents: any failure degrades; at the threshold it fails.
    ['1 failed event → degraded events_failed', { failedEvents: 1 }, 'degraded', ['events_failed']],
    ['threshold − 1 failed events → degraded events_failed', { failedEvents: t.failedEvents - 1 }, 'degraded', ['events_failed']],
    ['threshold failed events → failing failures_piling_up', { failedEvents: t.failedEvents }, 'failing', ['failures_piling_up']],
    ['threshold + 1 failed events → failing failures_piling_up only', { failedEvents: t.failedEvents + 1 }, 'failing', ['failures_piling_up']],
    // silenceMinutes: quiet for at least the threshold, while Stripe has newer events.
    ['quiet threshold − 1 minutes → not stopped', quietFor(t.silenceMinutes - 1), 'healthy', []],
    ['quiet threshold minutes minus one second → not stopped (whole minutes)', { lastWebhookAt: ago(t.silenceMinutes * MINUTE - SECOND), newestUndeliveredEventAt: ago(SECOND) }, 'healthy', []],
    ['quiet exactly threshold minutes → deliveries_stopped', quietFor(t.silenceMinutes), 'failing', ['deliveries_stopped']],
    ['quiet long, newest undelivered event older than the last webhook → not stopped', { lastWebhookAt: ago(3 * t.silenceMinutes * MINUTE), newestUndeliveredEventAt: ago(3 * t.silenceMinutes * MINUTE + SECOND) }, 'healthy', []],
    ['quiet long, newest undelivered event as old as the last webhook → not stopped', { lastWebhookAt: ago(3 * t.silenceMinutes * MINUTE), newestUndeliveredEventAt: ago(3 * t.silenceMinutes * MINUTE) }, 'healthy', []],
    ['quiet long, nothing undelivered → not stopped', { lastWebhookAt: ago(3 * t.silenceMinutes * MINUTE), newestUndeliveredEventAt: null }, 'healthy', []],
    ['no webhook ever, connected threshold minutes ago, Stripe has events → stopped', { lastWebhookAt: null, connectedAt: ago(t.silenceMinutes * MINUTE), newestUndeliveredEventAt: ago(MINUTE) }, 'failing', ['deliveries_stopped']],
    ['no webhook ever, connected threshold − 1 minutes ago, Stripe has events → not stopped', { lastWebhookAt: null, connectedAt: ago((t.silenceMinutes - 1) * MINUTE), newestUndeliveredEventAt: ago(MINUTE) }, 'healthy', []],
    ['no webhook ever, connected long ago, Stripe has no events → not stopped', { lastWebhookAt: null, connectedAt: ago(3 * t.silenceMinutes * MINUTE), newestUndeliveredEventAt: null }, 'healthy', []],
    ['no webhook ever, never connected → not stopped', { lastWebhookAt: null, connectedAt: null, newestUndeliveredEventAt: ago(MINUTE) }, 'healthy', []],
  ])('%s', (_name, over, state, expected) => {
    expect(stateOf(over)).toBe(state)
    expect(run(over)).toEqual(expected)
  })
})

describe('computeSyncHealth: endpoint facts', () => {
  const broken = { exists: false, enabled: false, missingEvents: ['invoice.paid', 'customer.updated'] }

  test.each<[string, EndpointFacts, HealthReason['code'][]]>([
    ['deleted wins over disabled and missing events', endpoint(broken), ['endpoint_deleted']],
    ['disabled wins over missing events', endpoint({ enabled: false, missingEvents: ['invoice.paid'] }), ['endpoint_disabled']],
    ['not configured → no endpoint reasons', endpoint({ configured: false, ...broken }), []],
    ['never checked (checkedAt null) → no endpoint reasons', endpoint({ checkedAt: null, ...broken }), []],
  ])('%s', (_name, e, expected) => {
    expect(codes(health({ endpoint: e }))).toEqual(expected)
  })

  test('not configured → no deliveries_stopped, however long it has been quiet', () => {
    expect(health({ endpoint: endpoint({ configured: false }), ...quietFor(600) })).toMatchObject({ state: 'healthy', reasons: [] })
    expect(health({ endpoint: endpoint({ configured: false }), lastWebhookAt: null, newestUndeliveredEventAt: ago(MINUTE) })).toMatchObject({ state: 'healthy', reasons: [] })
  })

  test('never checked → deliveries can still count as stopped (that rule does not need the lookup)', () => {
    expect(codes(health({ endpoint: endpoint({ checkedAt: null }), ...quietFor(45) }))).toEqual(['deliveries_stopped'])
  })
})

describe('computeSyncHealth: messages a person reads', () => {
  const message = (over: Partial<HealthFacts>) => health(over).reasons.map((r) => r.message)

  test.each<[string, Partial<HealthFacts>, string]>([
    ['key rejected, with what Stripe said', { keyError: 'Expired API Key provided' }, 'Stripe rejected the stored key. Expired API Key provided. Nothing syncs until a new restricted key of the same account is saved.'],
    ['key rejected, without a stored error', { status: 'needs_reauth' }, 'Stripe rejected the stored key. Nothing syncs until a new restricted key of the same account is saved.'],
    ['one missing event type', { endpoint: endpoint({ missingEvents: ['invoice.paid'] }) }, 'Our webhook endpoint is not subscribed to 1 event type (invoice.paid). Repair subscribes it again.'],
    [
      'four missing event types: three named, then an ellipsis',
      { endpoint: endpoint({ missingEvents: ['invoice.paid', 'customer.updated', 'charge.refunded', 'customer.deleted'] }) },
      'Our webhook endpoint is not subscribed to 4 event types (invoice.paid, customer.updated, charge.refunded, …). Repair subscribes it again.',
    ],
    ['quiet for 45 minutes', quietFor(45), "No webhook has arrived for 45 minutes while Stripe has newer events. Check the endpoint; gap repair keeps applying what Stripe's Events API returns meanwhile."],
    ['1,234 failures piling up', { failedEvents: 1234 }, '1,234 events failed to apply; failures are piling up. See the errors below and retry.'],
    ['1 failed event', { failedEvents: 1 }, '1 event failed to apply. See the errors below and retry.'],
    ['lag to a tenth of a second, with the threshold', { lagP95Seconds: 412.64 }, 'Webhooks arrive late: p95 lag is 412.6 s over the last hour (threshold 300 s). Stripe is retrying or queueing deliveries.'],
    ['20 rate-limited requests', { throttledLastHour: 20 }, 'Stripe answered 20 requests with 429 (rate limited) in the last hour. Syncing slows down and retries; nothing is lost.'],
    ['3 recovered events', { recoveredLast24h: 3 }, 'Gap repair found 3 events in the last 24 hours that Stripe never delivered, and applied them.'],
    ['2 stuck events', { stuckEvents: 2 }, '2 events waited more than ten minutes to be applied. Gap repair sends them again.'],
    [
      'import failed, with the run error',
      { lastImport: { state: 'failed', error: 'Stripe refused to list customers with this key.' } },
      'The last import did not finish: Stripe refused to list customers with this key. Re-sync to fetch what is missing.',
    ],
    // Stored run errors may lack a full stop (e.g. 'Customers: did not finish'): one is added.
    ['import failed, no error recorded', { lastImport: { state: 'failed', error: null } }, 'The last import did not finish: unknown error. Re-sync to fetch what is missing.'],
  ])('%s', (_name, over, expected) => {
    expect(message(over)).toEqual([expected])
  })
})
