import { randomBytes, randomUUID } from 'node:crypto'
import { InngestTestEngine } from '@inngest/test'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { checkSyncHealth } from '@/inngest/functions/check-sync-health'
import { F2_PERMISSIONS, type Faults, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { serveConnectionRoute } from '@/test/support/route-server'
import { testDb as db } from '@/test/db'
import { type ConnectionDeps, stripeForConnection } from '../connections/connection-deps'
import { finishConnection } from '../connections/finish-connection'
import { rotateConnectionKey } from '../connections/manage-connections'
import { verifyKey } from '../connections/verify-key'
import { secretBox } from '../crypto'
import { createMailer } from '../mail/send-email'
import { notifyWorkspaceAdmins } from '../notices/notify-admins'
import { createStripeClient } from '../stripe/client'
import { applyStripeEvent } from '../sync/apply-event/apply-stripe-event'
import { isHandledType } from '../sync/apply-event/handlers'
import { runBackfill } from '../sync/backfill/run-backfill'
import { recomputeContacts } from '../sync/recompute-contacts'
import { repairGaps } from '../webhooks/repair-gaps'
import { createStripeWebhookHandler } from '../webhooks/stripe-webhook-handler'
import { acceptInvitation, createInvitation } from '../workspaces/invitations'
import { signUp } from '../workspaces/sign-up'
import { checkWebhookEndpoint, repairWebhookEndpoint } from './check-endpoint'
import { evaluateConnectionHealth } from './evaluate-health'
import { getSyncHealth } from './get-sync-health'
import { pauseSyncing, resumeSyncing } from './pause-syncing'
import { probeConnectionKey } from './probe-key'
import { redispatchStoredEvents } from './redispatch-events'
import { retryFailedEvents, retryFailedEventsSchema } from './retry-failed-events'

// F21 driven for real: the Stripe sandbox's fault switches (over its HTTP control API) break
// what they break in production — a revoked key, dropped deliveries, a deleted endpoint, 429s,
// an outage mid-refetch — and each test asserts what the admin then sees: getSyncHealth's
// state, reasons and figures, and the notices and emails evaluateConnectionHealth sends.
// Deliveries go over HTTP to the app's real webhook route handler; nothing is mocked. `now` is
// the wall clock (the facts' windows are measured against received_at / updated_at, written by
// PostgreSQL and Prisma at the real time), except for gap repair, run as the next pass a minute
// on and read at that same instant.

// The Inngest function reads the app's own secret box and env (mailer, APP_URL).
process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
process.env.AUTH_SECRET ??= randomBytes(32).toString('base64')
const box = secretBox()
const deps: ConnectionDeps = { db, box }
const now = () => new Date()
let sandbox: RunningSandbox
let server: Awaited<ReturnType<typeof serveConnectionRoute>> | undefined
let appUrl: string

const handler = createStripeWebhookHandler(() => ({ db, openSecret: (s) => box.open(s), dispatch: async () => {}, log: { warn: () => {}, error: () => {} } }))

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 0, seed: 21, delivery: { retryBaseMs: 100, maxAttempts: 3, timeoutMs: 5000 } })
  server = await serveConnectionRoute(handler)
  appUrl = server.url
})
afterAll(async () => {
  await sandbox?.close()
  await server?.close()
})

/** The sandbox's control API over HTTP (sandbox/README.md). */
async function control<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${sandbox.controlUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as T
}

function sandboxAccount(accountId: string) {
  const at = `/accounts/${accountId}`
  return {
    setFaults: (faults: Partial<Faults>) => control(`${at}/faults`, faults),
    revokeKey: (key: string) => control('/keys/revoke', { key }),
    createKey: async () => (await control<{ key: string }>(`${at}/keys`, { permissions: F2_PERMISSIONS })).key,
    createCustomer: (input: { email: string; name?: string; price?: string }) => control<{ customer: string; subscription: string | null; events: string[] }>(`${at}/customers`, input),
    webhooksIdle: () => control(`${at}/webhooks/idle`),
  }
}

/** A new workspace connected through the wizard to a new sandbox account: key verified, our endpoint created in Stripe. */
async function connect(options: { customers?: number } = {}) {
  const account = await control<{ accountId: string; secretKey: string; restrictedKey: string }>('/accounts', { customers: options.customers ?? 0, seed: Math.floor(Math.random() * 1e6) })
  const email = `ada-${randomUUID()}@example.com`
  const ws = await signUp(db, { name: 'Ada Admin', email, password: 'plum-violet-42-sky' })
  const verified = await verifyKey(deps, { ...ws, key: account.restrictedKey, apiBase: sandbox.url })
  if (!verified.ok) throw new Error(verified.message)
  await finishConnection({ ...deps, appUrl, emit: async () => {} }, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, importChoice: 'changes_only' })
  return {
    workspaceId: ws.workspaceId,
    connectionId: verified.connectionId,
    /** What alerts call the account: the F2 key may not read the account's name. */
    accountId: account.accountId,
    admin: { userId: ws.userId, email },
    key: account.restrictedKey,
    sandbox: sandboxAccount(account.accountId),
    /** The account owner's own client (a secret key), acting as someone in the Stripe dashboard. */
    owner: createStripeClient(account.secretKey, { apiBase: sandbox.url }),
  }
}
type Connected = Awaited<ReturnType<typeof connect>>

/** A member who joined through an invite link. */
async function invite(c: Connected, role: 'admin' | 'marketer') {
  const email = `${role}-${randomUUID()}@example.com`
  const { token } = await createInvitation(db, { workspaceId: c.workspaceId, createdById: c.admin.userId, role, now: now() })
  const { userId } = await signUp(db, { name: `Mo ${role}`, email, password: 'plum-violet-42-sky' }, (tx, userId) => acceptInvitation(tx, { token, userId, now: now() }))
  return { userId, email }
}

const healthOf = (c: Connected, at = now()) => getSyncHealth(db, { connectionId: c.connectionId, now: at })
const codesOf = (view: { health: { reasons: { code: string }[] } }) => view.health.reasons.map((r) => r.code)
const mailer = createMailer({ db, from: 'Churnless <no-reply@localhost>' })
const evaluate = (c: Connected, at?: Date) => evaluateConnectionHealth({ db, now: at ? () => at : now, notify: (notice) => notifyWorkspaceAdmins({ db, mailer, appUrl }, notice) }, { connectionId: c.connectionId })
const noticesOf = (c: Connected) => db.notice.findMany({ where: { workspaceId: c.workspaceId }, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }] })
const emailsOf = (c: Connected) => db.outboxEmail.findMany({ where: { workspaceId: c.workspaceId }, orderBy: [{ createdAt: 'asc' }, { to: 'asc' }] })
const storedEvents = (c: Connected) => db.stripeEvent.findMany({ where: { connectionId: c.connectionId } })
const healthHref = (c: Connected) => `/settings/stripe/${c.connectionId}/health`

/** Applies one stored event as the process-stripe-event function does; a failure is returned, as Inngest records it. */
async function apply(connectionId: string, eventId: string): Promise<string> {
  const applyDeps = { db, stripeFor: (c: { keySealed: string; apiBase: string | null }) => stripeForConnection(deps, c), now }
  return applyStripeEvent(applyDeps, { connectionId, eventId }).then(
    (r) => r.status,
    (error: Error) => `failed: ${error.message}`,
  )
}
const applyEach = async (events: { connectionId: string; stripeEventId: string }[]) => {
  for (const e of events) await apply(e.connectionId, e.stripeEventId)
}

/** Waits for Stripe's deliveries, then applies the events in the order Stripe created them (one customer's events run in turn). */
async function deliverAndApply(c: Connected, eventIds: string[]) {
  await c.sandbox.webhooksIdle()
  const outcomes: string[] = []
  for (const id of eventIds) outcomes.push(await apply(c.connectionId, id))
  return outcomes
}

const contactOf = async (c: Connected, customerId: string) => {
  const link = await db.contactStripeLink.findUnique({ where: { connectionId_customerId: { connectionId: c.connectionId, customerId } } })
  return link && db.contact.findUnique({ where: { id: link.contactId } })
}

describe('needs re-auth: a revoked key', () => {
  test('probe → needs_reauth; each admin told once in the app and by email, the marketer not; a new key → healthy with one recovery notice', async () => {
    const c = await connect()
    const second = await invite(c, 'admin')
    const marketer = await invite(c, 'marketer')
    expect(await evaluate(c)).toMatchObject({ state: 'healthy', notified: null })

    await c.sandbox.revokeKey(c.key)
    expect(await probeConnectionKey(deps, { connectionId: c.connectionId })).toMatchObject({ ok: false, reason: 'key_rejected' })
    const view = await healthOf(c)
    expect(view).toMatchObject({ status: 'needs_reauth', health: { state: 'needs_reauth', summary: 'Stripe no longer accepts the key: save a new one.' } })
    expect(view.health.reasons).toEqual([expect.objectContaining({ code: 'key_rejected', action: 'rotate_key', message: expect.stringContaining('revoked or has expired') })])
    expect(view.checkedAt.key).not.toBeNull()

    expect(await evaluate(c)).toMatchObject({ state: 'needs_reauth', previous: 'healthy', notified: 'incident' })
    expect((await healthOf(c)).stateSince).not.toBeNull()
    const title = `Stripe sync stopped: ${c.accountId} needs a new key`
    const admins = [c.admin, second].sort((a, b) => a.userId.localeCompare(b.userId))
    expect((await noticesOf(c)).map((n) => ({ userId: n.userId, kind: n.kind, title: n.title, href: n.href }))).toEqual(admins.map((a) => ({ userId: a.userId, kind: 'incident', title, href: healthHref(c) })))
    const emails = await emailsOf(c)
    expect(emails.map((e) => e.to).sort()).toEqual([c.admin.email, second.email].sort())
    expect(emails.every((e) => e.subject === title && e.transport === 'outbox' && e.text.includes(`Open in Churnless: ${appUrl}${healthHref(c)}`))).toBe(true)
    expect(emails.some((e) => e.to === marketer.email)).toBe(false)

    // The next scheduled checks find the same incident: nobody is told twice.
    await probeConnectionKey(deps, { connectionId: c.connectionId })
    expect(await evaluate(c)).toMatchObject({ state: 'needs_reauth', previous: 'needs_reauth', notified: null })
    expect(await noticesOf(c)).toHaveLength(2)
    expect(await emailsOf(c)).toHaveLength(2)

    await rotateConnectionKey(deps, { workspaceId: c.workspaceId, connectionId: c.connectionId, key: await c.sandbox.createKey() })
    expect(await evaluate(c)).toMatchObject({ state: 'healthy', previous: 'needs_reauth', notified: 'recovery' })
    expect((await healthOf(c)).health).toMatchObject({ state: 'healthy', reasons: [] })
    const recoveries = (await noticesOf(c)).filter((n) => n.kind === 'recovery')
    expect(recoveries.map((n) => n.userId).sort()).toEqual(admins.map((a) => a.userId))
    expect(recoveries.every((n) => n.title === `Stripe sync recovered for ${c.accountId}` && n.body.includes('It was waiting for a new key'))).toBe(true)
    expect(await emailsOf(c)).toHaveLength(4)
  })

  test('the check-sync-health Inngest function, on health/check.requested, probes the key and reports needs_reauth', async () => {
    const c = await connect()
    await c.sandbox.revokeKey(c.key)
    const engine = new InngestTestEngine({ function: checkSyncHealth, events: [{ name: 'health/check.requested', data: { connectionId: c.connectionId, reason: 'admin' } }] })
    const { result } = await engine.execute()
    expect(result).toEqual({ state: 'needs_reauth', previous: null, notified: 'incident', keyOk: false })
    expect((await healthOf(c)).health.state).toBe('needs_reauth')
    expect(await noticesOf(c)).toMatchObject([{ userId: c.admin.userId, kind: 'incident' }])
    expect(await emailsOf(c)).toMatchObject([{ to: c.admin.email, subject: expect.stringContaining('needs a new key') }])
  })
})

describe('degraded: deliveries dropped, gap repair recovered them', () => {
  test('Stripe drops every delivery → nothing stored; gap repair stores and applies what the Events API kept → degraded "gap_repair_recovered" with the count, no alert', async () => {
    const c = await connect()
    await c.sandbox.setFaults({ dropRate: 1 })
    const monthly = (await c.owner.prices.list({ type: 'recurring', currency: 'usd', limit: 100 })).data.find((p) => p.recurring?.interval === 'month' && p.billing_scheme === 'per_unit')
    const created = [
      await c.sandbox.createCustomer({ email: `drop-a-${randomUUID()}@example.com`, name: 'Dee Dropped' }),
      await c.sandbox.createCustomer({ email: `drop-b-${randomUUID()}@example.com` }),
      await c.sandbox.createCustomer({ email: `drop-c-${randomUUID()}@example.com`, price: monthly?.id }),
    ]
    await c.sandbox.webhooksIdle()
    expect(await storedEvents(c)).toEqual([])

    // What Stripe has for these customers, and which of it we handle.
    const eventIds = created.flatMap((x) => x.events)
    const handled = (await Promise.all(eventIds.map((id) => c.owner.events.retrieve(id)))).filter((e) => isHandledType(e.type)).map((e) => e.id)
    expect(handled.length).toBeGreaterThanOrEqual(9)

    // The next scheduled pass: gap repair leaves events younger than a minute to their webhook.
    // What the admin sees is read at that same instant.
    const nextPass = new Date(Date.now() + 61_000)
    const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: c.connectionId } })
    const repaired = await repairGaps(
      { resend: async () => {},
        db,
        stripe: stripeForConnection(deps, connection),
        now: () => nextPass,
        dispatch: (e) => apply(e.connectionId, e.stripeEventId),
        requestBackfill: async () => {
          throw new Error('a fresh connection is well within Stripe’s 30 days')
        },
      },
      { connectionId: c.connectionId },
    )
    expect(repaired).toMatchObject({ kind: 'repaired', listed: eventIds.length, repaired: handled.length })

    const stored = await storedEvents(c)
    expect(stored.map((e) => e.id).sort()).toEqual([...eventIds].sort())
    expect(stored.every((e) => e.source === 'gap_repair')).toBe(true)
    expect(stored.filter((e) => e.status === 'processed').map((e) => e.id).sort()).toEqual([...handled].sort())
    for (const { customer } of created) expect(await contactOf(c, customer)).not.toBeNull()

    const view = await healthOf(c, nextPass)
    expect(view.health.state).toBe('degraded')
    expect(codesOf(view)).toEqual(['gap_repair_recovered'])
    expect(view.health.reasons[0]?.message).toContain(`found ${handled.length} events`)
    expect(view.figures).toMatchObject({ recoveredLast24h: handled.length, lastWebhookAt: null, failedEvents: 0 })
    expect(view.gapRepairs).toEqual([{ id: repaired.runId, state: 'succeeded', kind: 'events', startedAt: nextPass.toISOString(), listed: eventIds.length, recovered: handled.length, error: null }])

    // Degraded is worth a look, not an alert.
    expect(await evaluate(c, nextPass)).toMatchObject({ state: 'degraded', notified: null })
    expect(await noticesOf(c)).toEqual([])
  })
})

describe('failing: our webhook endpoint deleted in Stripe', () => {
  test('endpoint check → failing "endpoint_deleted" (repair_endpoint), admins alerted → repair → healthy, recovery notice; a new event is delivered with the new secret and stored', async () => {
    const c = await connect()
    const { webhookEndpointId } = await db.stripeConnection.findUniqueOrThrow({ where: { id: c.connectionId } })
    await c.owner.webhookEndpoints.del(webhookEndpointId!)

    expect(await checkWebhookEndpoint(deps, { connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { exists: false } })
    const view = await healthOf(c)
    expect(view).toMatchObject({ health: { state: 'failing', summary: 'Stripe data is not being kept up to date.' }, endpoint: { exists: false, enabled: false, missingEvents: [] } })
    expect(view.health.reasons).toEqual([expect.objectContaining({ code: 'endpoint_deleted', severity: 'failing', action: 'repair_endpoint' })])
    expect(await evaluate(c)).toMatchObject({ state: 'failing', notified: 'incident' })
    expect(await noticesOf(c)).toMatchObject([{ userId: c.admin.userId, kind: 'incident', title: `Stripe sync failing for ${c.accountId}` }])

    const repaired = await repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })
    expect(repaired).toMatchObject({ ok: true, endpoint: { exists: true, enabled: true } })
    expect((await healthOf(c)).health).toMatchObject({ state: 'healthy', reasons: [] })
    expect(await evaluate(c)).toMatchObject({ state: 'healthy', previous: 'failing', notified: 'recovery' })
    expect((await noticesOf(c)).map((n) => n.kind)).toEqual(['incident', 'recovery'])

    const { customer, events } = await c.sandbox.createCustomer({ email: `back-${randomUUID()}@example.com`, name: 'Bea Back' })
    expect(await deliverAndApply(c, events)).toEqual(events.map(() => 'processed'))
    expect((await storedEvents(c)).map((e) => [e.id, e.source]).sort()).toEqual(events.map((id) => [id, 'webhook']).sort())
    expect((await contactOf(c, customer))?.name).toBe('Bea Back')
    const after = await healthOf(c)
    expect(after.health.state).toBe('healthy')
    expect(after.figures.lastWebhookAt).not.toBeNull()
  })
})

describe('degraded: rate limited', () => {
  test('a 429 storm during the import: throttledLastHour = Σ sync_streams.throttled; at or above the workspace threshold → degraded "rate_limited"', async () => {
    const c = await connect({ customers: 60 })
    // Stripe allows 4 requests/s here while our budget says 30: requests meet 429s and wait.
    await c.sandbox.setFaults({ rateLimit: 4 })
    const result = await runBackfill({ db, box, recomputeContacts, ratePerSecond: 30 }, { connectionId: c.connectionId, reason: 'initial_import', concurrency: 4 })
    expect(result.state).toBe('succeeded')
    const streams = await db.syncStream.findMany({ where: { runId: result.runId } })
    const throttled = streams.reduce((n, s) => n + s.throttled, 0)
    expect(throttled).toBeGreaterThan(0)

    const setThreshold = (throttledPerHour: number) => db.workspace.update({ where: { id: c.workspaceId }, data: { healthThresholds: { throttledPerHour } } })
    await setThreshold(throttled + 1)
    let view = await healthOf(c)
    expect(view.figures.throttledLastHour).toBe(throttled)
    expect(view.health).toMatchObject({ state: 'healthy', reasons: [] })

    await setThreshold(throttled)
    view = await healthOf(c)
    expect(view.thresholds.throttledPerHour).toBe(throttled)
    expect(view.health.state).toBe('degraded')
    expect(view.health.reasons).toEqual([expect.objectContaining({ code: 'rate_limited', action: 'wait', message: expect.stringContaining(`${throttled.toLocaleString('en-US')} request`) })])
  }, 120_000)
})

describe('paused, and failed events retried', () => {
  test('paused: a delivered webhook is stored and held (pending), the state is paused; resuming applies it', async () => {
    const c = await connect()
    await pauseSyncing({ db }, { workspaceId: c.workspaceId, connectionId: c.connectionId })
    const { customer, events } = await c.sandbox.createCustomer({ email: `held-${randomUUID()}@example.com`, name: 'Hal Held' })
    expect(await deliverAndApply(c, events)).toEqual(events.map(() => 'held'))
    expect((await storedEvents(c)).map((e) => [e.source, e.status])).toEqual(events.map(() => ['webhook', 'pending']))
    expect(await contactOf(c, customer)).toBeNull()

    const view = await healthOf(c)
    expect(view).toMatchObject({ status: 'paused', health: { state: 'paused', summary: 'Syncing is paused.' }, figures: { stuckEvents: 0 } })
    expect(view.health.reasons).toEqual([expect.objectContaining({ code: 'paused', action: 'resume' })])
    expect(view.chart.reduce((n, b) => n + b.pending, 0)).toBe(events.length)
    expect(await evaluate(c)).toMatchObject({ state: 'paused', notified: null })

    const resumed = await resumeSyncing(
      { db, dispatch: applyEach, now, requestBackfill: async () => { throw new Error('nothing was importing') } },
      { workspaceId: c.workspaceId, connectionId: c.connectionId },
    )
    expect(resumed).toEqual({ status: 'active', resumedEvents: events.length, isImportResumed: false })
    expect((await storedEvents(c)).every((e) => e.status === 'processed')).toBe(true)
    expect((await contactOf(c, customer))?.name).toBe('Hal Held')
    expect((await healthOf(c)).health).toMatchObject({ state: 'healthy', reasons: [] })
  })

  test('pausing during an incident neither ends it nor starts another: no "recovered" while the key is still refused', async () => {
    const c = await connect()
    const ids = { workspaceId: c.workspaceId, connectionId: c.connectionId }
    await c.sandbox.revokeKey(c.key)
    await probeConnectionKey(deps, { connectionId: c.connectionId })
    expect(await evaluate(c)).toMatchObject({ state: 'needs_reauth', notified: 'incident' })

    await pauseSyncing({ db }, ids)
    const paused = await evaluate(c)
    expect(paused).toMatchObject({ state: 'paused', previous: 'needs_reauth', notified: null })
    expect(paused.reasons.map((r) => r.code)).toEqual(['paused', 'key_rejected'])
    expect((await healthOf(c)).stateSince).toBeNull()
    await resumeSyncing({ db, dispatch: applyEach, now, requestBackfill: async () => {} }, ids)
    expect(await evaluate(c)).toMatchObject({ state: 'needs_reauth', notified: null })

    // A new key saved while paused does end it.
    await pauseSyncing({ db }, ids)
    await rotateConnectionKey(deps, { ...ids, key: await c.sandbox.createKey() })
    expect(await evaluate(c)).toMatchObject({ state: 'paused', previous: 'needs_reauth', notified: 'recovery' })
    expect((await noticesOf(c)).map((n) => n.kind)).toEqual(['incident', 'recovery'])
  })

  test('Stripe failing (5xx) while we fetch its copy fails the event → degraded "events_failed", listed with its count; once Stripe answers, Retry applies it → healthy', async () => {
    const c = await connect()
    const ids = { workspaceId: c.workspaceId, connectionId: c.connectionId }
    // customer.created, payment_method.attached and customer.updated share one second: the
    // update cannot be ordered against what we hold, so Stripe's copy is fetched — mid-outage.
    const { customer, events } = await c.sandbox.createCustomer({ email: `outage-${randomUUID()}@example.com`, name: 'Otto Outage' })
    await c.sandbox.setFaults({ errorRate: 1 })
    // Our client retries 5xx answers a few times (lib/stripe/request-budget.ts), then gives up.
    expect(await deliverAndApply(c, events)).toEqual(['processed', 'processed', 'failed: Stripe kept answering with errors after 6 attempts: An unknown error occurred'])
    const failedId = events[2]!

    let view = await healthOf(c)
    expect(view.health.state).toBe('degraded')
    expect(codesOf(view)).toEqual(['events_failed'])
    expect(view.health.reasons[0]).toMatchObject({ action: 'retry_failed', message: expect.stringMatching(/^1 event failed to apply/) })
    expect(view.figures.failedEvents).toBe(1)
    const cause = 'Stripe kept failing or rate-limiting the fetch of its copy of the object. Retry in a minute.'
    expect(view.errors).toEqual([{ cause, error: cause, eventType: 'customer.updated', eventId: failedId, objectId: customer, count: 1, firstSeen: expect.any(String), lastSeen: expect.any(String) }])

    // Retrying while Stripe still fails: it fails again and is still listed once.
    const retryDeps = { db, dispatch: applyEach, now }
    expect(await retryFailedEvents(retryDeps, ids)).toEqual({ retried: 1 })
    expect((await healthOf(c)).errors).toMatchObject([{ eventId: failedId, count: 1 }])

    await c.sandbox.setFaults({ errorRate: 0 })
    expect(await retryFailedEvents(retryDeps, ids)).toEqual({ retried: 1 })
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: failedId } } })).toMatchObject({ status: 'processed', error: null, attempts: 3 })
    view = await healthOf(c)
    expect(view.errors).toEqual([])
    expect(view.health).toMatchObject({ state: 'healthy', reasons: [] })
    expect(view.figures).toMatchObject({ failedEvents: 0, retriedEvents: 1, retryAttempts: 2 })
    expect((await contactOf(c, customer))?.name).toBe('Otto Outage')
  })

  test('Stripe refusing the key while we fetch its copy holds the event (pending, not failed) → needs re-auth; a new key and a re-send apply it', async () => {
    const c = await connect()
    const { customer, events } = await c.sandbox.createCustomer({ email: `held-${randomUUID()}@example.com`, name: 'Hal Held' })
    await c.sandbox.revokeKey(c.key)
    // The third event needs Stripe's copy (same-second tie): the 401 holds it instead of failing it.
    expect(await deliverAndApply(c, events)).toEqual(['processed', 'processed', 'held'])
    const heldId = events[2]!
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: heldId } } })).toMatchObject({ status: 'pending', error: expect.stringContaining('Waiting for a new Stripe key') })
    let view = await healthOf(c)
    expect(view.health.state).toBe('needs_reauth')
    expect(view.figures.failedEvents).toBe(0)
    expect(view.errors).toEqual([])

    await rotateConnectionKey(deps, { workspaceId: c.workspaceId, connectionId: c.connectionId, key: await c.sandbox.createKey() })
    // What the rotate-key route does next: re-send what was held.
    expect(await redispatchStoredEvents({ db, dispatch: applyEach, now }, { connectionId: c.connectionId, where: { status: 'pending' }, reason: 'new-key' })).toBe(1)
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: heldId } } })).toMatchObject({ status: 'processed', error: null })
    view = await healthOf(c)
    expect(view.health).toMatchObject({ state: 'healthy', reasons: [] })
    expect((await contactOf(c, customer))?.name).toBe('Hal Held')
  })
})

describe('failed events without a message', () => {
  test('the group is listed with words, and Retry on it (error null) applies it; the words themselves match nothing', async () => {
    const c = await connect()
    const ids = { workspaceId: c.workspaceId, connectionId: c.connectionId }
    const { customer, events } = await c.sandbox.createCustomer({ email: `quiet-${randomUUID()}@example.com`, name: 'Quinn Quiet' })
    await c.sandbox.webhooksIdle()
    // An event whose processing failed without recording why (as rows written before causes were kept are).
    const failedId = events[0]!
    await db.stripeEvent.update({ where: { connectionId_id: { connectionId: c.connectionId, id: failedId } }, data: { status: 'failed', error: null } })

    const view = await healthOf(c)
    expect(view.errors).toEqual([expect.objectContaining({ cause: 'Processing failed without a message.', error: null, eventType: 'customer.created', eventId: failedId, count: 1 })])
    const retryDeps = { db, dispatch: applyEach, now }
    const group = view.errors[0]!
    expect(await retryFailedEvents(retryDeps, { ...ids, eventType: group.eventType, cause: group.cause })).toEqual({ retried: 0 })
    // What the page sends (the route's schema accepts null).
    const body = retryFailedEventsSchema.parse(JSON.parse(JSON.stringify({ eventType: group.eventType, cause: group.error })))
    expect(await retryFailedEvents(retryDeps, { ...ids, ...body })).toEqual({ retried: 1 })
    expect(await db.stripeEvent.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: failedId } } })).toMatchObject({ status: 'processed', error: null })
    expect((await healthOf(c)).errors).toEqual([])
    expect(await contactOf(c, customer)).not.toBeNull()
  })
})

describe('contacts in sync', () => {
  test('counts contacts, not linked customers: two customers sharing an email (any case) are one contact', async () => {
    const c = await connect()
    const shared = `Shared.${randomUUID()}@Example.com`
    const created = [
      await c.sandbox.createCustomer({ email: shared, name: 'Sam Shared' }),
      await c.sandbox.createCustomer({ email: shared.toLowerCase(), name: 'Sam Again' }),
      await c.sandbox.createCustomer({ email: `solo-${randomUUID()}@example.com`, name: 'Solo' }),
    ]
    for (const { events } of created) await deliverAndApply(c, events)
    expect(await db.contactStripeLink.count({ where: { connectionId: c.connectionId } })).toBe(3)
    expect((await healthOf(c)).figures.contactsInSync).toBe(2)
  })
})

describe('failing: deliveries stopped while Stripe has events', () => {
  test('deliveries dropped, events occurring, time passing → degraded until the silence reaches the threshold, then failing "deliveries_stopped" with an alert', async () => {
    const c = await connect()
    // One delivery arrives: the last webhook.
    const first = await c.sandbox.createCustomer({ email: `first-${randomUUID()}@example.com`, name: 'Fay First' })
    await deliverAndApply(c, first.events)
    const lastWebhookAt = (await healthOf(c)).figures.lastWebhookAt
    expect(lastWebhookAt).not.toBeNull()
    const quietSince = new Date(lastWebhookAt!).getTime()

    // Stripe stops delivering; two minutes on (Stripe's clock), new events occur there.
    await c.sandbox.setFaults({ dropRate: 1 })
    await control(`/accounts/${c.accountId}/clock/advance`, { seconds: 120 })
    const dropped = [await c.sandbox.createCustomer({ email: `gone-a-${randomUUID()}@example.com` }), await c.sandbox.createCustomer({ email: `gone-b-${randomUUID()}@example.com` })]
    await c.sandbox.webhooksIdle()
    const droppedIds = dropped.flatMap((d) => d.events)
    expect((await storedEvents(c)).filter((e) => droppedIds.includes(e.id))).toEqual([])

    // Gap repair's next pass (past the minute it leaves to webhooks) finds them at Stripe.
    const nextPass = new Date(Date.now() + 120_000 + 61_000)
    const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: c.connectionId } })
    const repaired = await repairGaps(
      { resend: async () => {}, db, stripe: stripeForConnection(deps, connection), now: () => nextPass, dispatch: (e) => apply(e.connectionId, e.stripeEventId), requestBackfill: async () => {} },
      { connectionId: c.connectionId },
    )
    expect(repaired).toMatchObject({ kind: 'repaired' })
    expect((await storedEvents(c)).filter((e) => droppedIds.includes(e.id)).every((e) => e.source === 'gap_repair')).toBe(true)

    // Quiet for less than the threshold (30 minutes by default): degraded, recovered by gap repair.
    const silence = 30 * 60_000
    const before = await healthOf(c, new Date(quietSince + silence - 60_000))
    expect(before.health.state).toBe('degraded')
    expect(codesOf(before)).not.toContain('deliveries_stopped')
    expect(await evaluate(c, new Date(quietSince + silence - 60_000))).toMatchObject({ state: 'degraded', notified: null })

    // Quiet for the threshold while Stripe has newer events: failing, and the admin is alerted.
    const at = new Date(quietSince + silence)
    const view = await healthOf(c, at)
    expect(view.health.state).toBe('failing')
    expect(view.health.reasons[0]).toMatchObject({ code: 'deliveries_stopped', severity: 'failing', action: 'repair_endpoint', message: expect.stringContaining('No webhook has arrived for 30 minutes while Stripe has newer events') })
    expect(codesOf(view)).toContain('gap_repair_recovered')
    expect(await evaluate(c, at)).toMatchObject({ state: 'failing', previous: 'degraded', notified: 'incident' })
    expect(await noticesOf(c)).toMatchObject([{ userId: c.admin.userId, kind: 'incident', title: `Stripe sync failing for ${c.accountId}` }])

    // Deliveries resume: the next webhook ends the silence.
    await c.sandbox.setFaults({ dropRate: 0 })
    const back = await c.sandbox.createCustomer({ email: `back-${randomUUID()}@example.com` })
    await deliverAndApply(c, back.events)
    expect(codesOf(await healthOf(c, at))).not.toContain('deliveries_stopped')
  })
})

describe('import progress and last run totals', () => {
  test('while an import runs: per-type progress; once finished: totals and duration, still shown after a later gap repair', async () => {
    const c = await connect({ customers: 25 })
    const result = await runBackfill({ db, box, recomputeContacts, ratePerSecond: 100 }, { connectionId: c.connectionId, reason: 'initial_import', concurrency: 2 })
    expect(result.state).toBe('succeeded')
    const streams = await db.syncStream.findMany({ where: { runId: result.runId } })
    const total = (k: 'fetched' | 'written' | 'requests') => streams.filter((s) => s.objectType !== 'events').reduce((n, s) => n + s[k], 0)
    const customers = (await c.owner.customers.list({ limit: 100 })).data.length

    let view = await healthOf(c)
    expect(view.lastImport).toMatchObject({ id: result.runId, kind: 'backfill', state: 'succeeded', written: total('written'), requests: total('requests'), finishedAt: expect.any(String) })
    expect(view.lastImport?.seconds).toBeGreaterThan(0)
    expect(view.lastImport?.types?.find((t) => t.type === 'customers')).toMatchObject({ state: 'succeeded', fetched: customers, fraction: 1 })

    // A gap repair runs after it: the import, per type and in total, stays on the page.
    const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: c.connectionId } })
    const nextPass = new Date(Date.now() + 61_000)
    await repairGaps({ resend: async () => {}, db, stripe: stripeForConnection(deps, connection), now: () => nextPass, dispatch: async () => {}, requestBackfill: async () => {} }, { connectionId: c.connectionId })
    view = await healthOf(c, nextPass)
    expect(view.lastImport).toMatchObject({ id: result.runId, state: 'succeeded', written: total('written') })
    expect(view.lastImport?.types?.find((t) => t.type === 'customers')).toMatchObject({ state: 'succeeded', fetched: customers, fraction: 1 })

    // The same run seen mid-way (its customers still being fetched), as the page reads it while it runs.
    await db.syncRun.update({ where: { id: result.runId }, data: { state: 'running', finishedAt: null, startedAt: new Date(nextPass.getTime() + 1000) } })
    await db.syncStream.updateMany({ where: { runId: result.runId, objectType: 'customers' }, data: { state: 'running', finishedAt: null } })
    view = await healthOf(c, new Date(nextPass.getTime() + 5000))
    expect(view.lastImport).toMatchObject({ id: result.runId, state: 'running', finishedAt: null })
    const running = view.lastImport?.types?.find((t) => t.type === 'customers')
    expect(running).toMatchObject({ state: 'running', fetched: customers })
    expect(running?.fraction).toBeLessThan(1)
    expect(view.lastImport?.types?.find((t) => t.type === 'subscriptions')?.state).toBe('succeeded')
  }, 120_000)
})
