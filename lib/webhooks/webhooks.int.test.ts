import { randomBytes, randomUUID } from 'node:crypto'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningSandbox, type SandboxControl, startSandbox } from '@/sandbox/index'
import { serveConnectionRoute } from '@/test/support/route-server'
import { testDb as db } from '@/test/db'
import { createSecretBox } from '../crypto/secret-box'
import { createDb, type Db } from '../db'
import { describeStripeEvent } from '../feed/describe-event'
import { importHistoricalEvents } from '../feed/import-historical-events'
import { recordBillingEvents } from '../feed/record-billing-events'
import { createStripeClient } from '../stripe/client'
import { handledStripeEvents } from '../stripe/webhook-events'
import { applyStripeEvent } from '../sync/apply-event/apply-stripe-event'
import { type MirrorObject, writeMirror } from '../sync/mirror-write'
import { recomputeContacts } from '../sync/recompute-contacts'
import { signUp } from '../workspaces/sign-up'
import type { WebhookDeps } from './receive-stripe-webhook'
import { repairGaps } from './repair-gaps'
import { createStripeWebhookHandler } from './stripe-webhook-handler'
import { signStripePayload } from './verify-signature'

// F13–F15 end to end: the sandbox signs and POSTs real deliveries over HTTP to the real route
// handler, which stores into PostgreSQL; processing is applyStripeEvent (what the Inngest
// function runs), called for every event the handler dispatched, in dispatch order.

const box = createSecretBox(randomBytes(32).toString('base64'))
let sandbox: RunningSandbox
let server: Awaited<ReturnType<typeof serveConnectionRoute>> | undefined
let baseUrl: string
const logs: unknown[][] = []
const log = { warn: (...a: unknown[]) => logs.push(a), error: (...a: unknown[]) => logs.push(a) }
let dispatched: { connectionId: string; stripeEventId: string; customerKey: string }[] = []
/** The database the endpoint uses; a test swaps in an unreachable one to simulate an outage. */
let endpointDb: Db = db

const deps = (): WebhookDeps => ({ db: endpointDb, openSecret: (s) => box.open(s), dispatch: async (e) => void dispatched.push(e), log })
const handler = createStripeWebhookHandler(deps)
const applyDeps = { db, stripeFor: (c: { keySealed: string; apiBase: string | null }) => createStripeClient(box.open(c.keySealed), { apiBase: c.apiBase }), now: () => new Date() }

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 5, seed: 11, delivery: { retryBaseMs: 150, maxAttempts: 6, timeoutMs: 5000 } })
  server = await serveConnectionRoute(handler)
  baseUrl = server.url
})
afterAll(async () => {
  await sandbox?.close()
  await server?.close()
})

type Conn = { workspaceId: string; connectionId: string; secret: string; control: SandboxControl; stripe: Stripe }

/** A workspace with a connection to a fresh sandbox account and our webhook endpoint registered there. */
async function connect(): Promise<Conn> {
  const account = sandbox.createAccount({ customers: 3, seed: Math.floor(Math.random() * 1e6) })
  const { workspaceId } = await signUp(db, { name: 'Wes', email: `wes-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({
    data: { workspaceId, mode: 'test', keyKind: 'secret', keySealed: box.seal(account.secretKey), keyHint: 'sk_test_…x', apiBase: sandbox.url, status: 'active', accountId: account.accountId, connectedAt: new Date() },
  })
  const stripe = createStripeClient(account.secretKey, { apiBase: sandbox.url })
  const endpoint = await stripe.webhookEndpoints.create({ url: `${baseUrl}/api/webhooks/stripe/${connection.id}`, enabled_events: [...handledStripeEvents] })
  await db.stripeConnection.update({ where: { id: connection.id }, data: { webhookSecretSealed: box.seal(endpoint.secret!), webhookEndpointId: endpoint.id } })
  return { workspaceId, connectionId: connection.id, secret: endpoint.secret!, control: account.control, stripe }
}

/** Waits for every delivery, then processes what the endpoint dispatched (as the Inngest function would). */
async function settle(conn: Conn) {
  await conn.control.webhooksIdle()
  const batch = dispatched.filter((d) => d.connectionId === conn.connectionId)
  dispatched = dispatched.filter((d) => d.connectionId !== conn.connectionId)
  for (const d of batch) await applyStripeEvent(applyDeps, { connectionId: d.connectionId, eventId: d.stripeEventId })
  return batch
}

const monthlyPrice = (c: Conn) => c.control.runtime.account.prices.all.items.find((p) => p.obj.recurring?.interval === 'month' && p.obj.currency === 'usd' && p.obj.billing_scheme !== 'tiered')!.id

function post(connectionId: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return handler(new Request(`${baseUrl}/api/webhooks/stripe/${connectionId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body as BodyInit }), { params: Promise.resolve({ connectionId }) })
}
const now = () => Math.floor(Date.now() / 1000)
const stored = (connectionId: string, id?: string) => db.stripeEvent.findMany({ where: { connectionId, ...(id && { id }) } })
const contactOf = async (connectionId: string, customerId: string) => {
  const link = await db.contactStripeLink.findUnique({ where: { connectionId_customerId: { connectionId, customerId } } })
  return link ? db.contact.findUniqueOrThrow({ where: { id: link.contactId } }) : null
}

function fakeEvent(over: { id?: string; type?: string; created?: number; livemode?: boolean; object?: Record<string, unknown> } = {}) {
  return JSON.stringify({
    id: over.id ?? `evt_test_${randomUUID().replaceAll('-', '')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: over.created ?? now(),
    livemode: over.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: over.type ?? 'customer.updated',
    data: { object: over.object ?? { id: `cus_${randomUUID().slice(0, 12)}`, object: 'customer', email: 'x@example.com', created: now(), livemode: false, metadata: {} } },
  })
}

describe('signature and body checks (F13): refused with 400/413 before any write', () => {
  test('a valid delivery is stored then acknowledged; the same bytes again (a replay within 5 minutes) is a no-op', async () => {
    const c = await connect()
    const body = fakeEvent()
    const header = signStripePayload(body, [c.secret], now())
    const first = await post(c.connectionId, body, { 'stripe-signature': header })
    expect(first.status).toBe(200)
    const again = await post(c.connectionId, body, { 'stripe-signature': header })
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ received: true, duplicate: true })
    expect(await stored(c.connectionId)).toHaveLength(1)
    expect(dispatched.filter((d) => d.connectionId === c.connectionId)).toHaveLength(1)
    dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
  })

  test.each([
    ['a signature older than 5 minutes (replay)', (b: string, s: string) => ({ body: b, header: signStripePayload(b, [s], now() - 301) })],
    ['the wrong secret', (b: string) => ({ body: b, header: signStripePayload(b, ['whsec_not_this_one'], now()) })],
    ['no Stripe-Signature header', (b: string) => ({ body: b, header: null })],
    ['one changed byte', (b: string, s: string) => ({ body: b.replace('x@example.com', 'y@example.com'), header: signStripePayload(b, [s], now()) })],
    ['re-serialised JSON (same data, other bytes)', (b: string, s: string) => ({ body: JSON.stringify(JSON.parse(b), null, 2), header: signStripePayload(b, [s], now()) })],
    ['a header without v1', (b: string) => ({ body: b, header: `t=${now()},v0=abc` })],
  ])('%s → 400, nothing stored', async (_name, make) => {
    const c = await connect()
    const { body, header } = make(fakeEvent(), c.secret)
    const res = await post(c.connectionId, body, header ? { 'stripe-signature': header } : {})
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature')
    expect(await stored(c.connectionId)).toHaveLength(0)
  })

  test('secret roll: a header with the old and the new secret’s v1 is accepted; the old alone is not', async () => {
    const c = await connect()
    const body = fakeEvent()
    expect((await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, ['whsec_old_rolled_secret'], now()) })).status).toBe(400)
    expect((await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, ['whsec_old_rolled_secret', c.secret], now()) })).status).toBe(200)
    expect(await stored(c.connectionId)).toHaveLength(1)
  })

  test('malformed JSON with a valid signature → 400, logged, nothing stored', async () => {
    const c = await connect()
    const body = '{"id": "evt_1", "type": '
    const before = logs.length
    const res = await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json')
    expect(logs.slice(before).some((l) => String(l[0]).includes('not JSON'))).toBe(true)
    expect(await stored(c.connectionId)).toHaveLength(0)
  })

  test('a livemode event on a test-mode connection → 400, logged, nothing stored', async () => {
    const c = await connect()
    const body = fakeEvent({ livemode: true })
    const before = logs.length
    const res = await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })
    expect(res.status).toBe(400)
    expect(logs.slice(before).some((l) => String(l[0]).includes('livemode mismatch'))).toBe(true)
    expect(await stored(c.connectionId)).toHaveLength(0)
  })

  test('an unknown event type → 200, stored as ignored, not dispatched', async () => {
    const c = await connect()
    const body = fakeEvent({ type: 'radar.early_fraud_warning.created', object: { id: 'issfr_1', object: 'radar.early_fraud_warning' } })
    const res = await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })
    expect(res.status).toBe(200)
    expect(await stored(c.connectionId)).toMatchObject([{ type: 'radar.early_fraud_warning.created', status: 'ignored' }])
    expect(dispatched.filter((d) => d.connectionId === c.connectionId)).toHaveLength(0)
  })

  test('a 2 MB body → 413 without reading it all, nothing stored (streamed over HTTP, no content-length)', async () => {
    const c = await connect()
    let pulled = 0
    const chunk = new Uint8Array(64 * 1024).fill(32)
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 32) return controller.close()
        pulled += 1
        controller.enqueue(chunk)
      },
    })
    const res = await fetch(`${baseUrl}/api/webhooks/stripe/${c.connectionId}`, { method: 'POST', headers: { 'stripe-signature': `t=${now()},v1=${'0'.repeat(64)}` }, body: stream, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(await stored(c.connectionId)).toHaveLength(0)
    // Over HTTP the client's socket drains the stream whatever the server reads; handed the
    // stream directly, the handler is seen to stop just past 1 MB (16 chunks of 64 KB), not 2 MB.
    let read = 0
    const direct = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (read >= 32) return controller.close()
        read += 1
        controller.enqueue(chunk)
      },
    })
    const req = new Request(`${baseUrl}/api/webhooks/stripe/${c.connectionId}`, { method: 'POST', headers: { 'stripe-signature': `t=${now()},v1=${'0'.repeat(64)}` }, body: direct, duplex: 'half' } as RequestInit)
    expect((await handler(req, { params: Promise.resolve({ connectionId: c.connectionId }) })).status).toBe(413)
    expect(read).toBeGreaterThanOrEqual(16)
    expect(read).toBeLessThanOrEqual(18)
    // With a declared size the handler answers without reading a byte.
    const big = new Uint8Array(2 * 1024 * 1024)
    expect((await post(c.connectionId, big, { 'stripe-signature': signStripePayload(big, [c.secret], now()), 'content-length': String(big.byteLength) })).status).toBe(413)
  })

  test('the same evt_/cus_ ids in two workspaces stay apart, and one connection’s secret cannot sign for the other', async () => {
    const a = await connect()
    const b = await connect()
    const object = { id: 'cus_shared_id', object: 'customer', email: 'shared@example.com', created: now(), livemode: false, metadata: {} }
    const body = fakeEvent({ id: 'evt_shared_id', type: 'customer.created', object })
    expect((await post(b.connectionId, body, { 'stripe-signature': signStripePayload(body, [a.secret], now()) })).status).toBe(400)
    for (const c of [a, b]) expect((await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })).status).toBe(200)
    for (const c of [a, b]) await settle(c)
    const [ca, cb] = [await contactOf(a.connectionId, 'cus_shared_id'), await contactOf(b.connectionId, 'cus_shared_id')]
    expect(ca?.workspaceId).toBe(a.workspaceId)
    expect(cb?.workspaceId).toBe(b.workspaceId)
    expect(ca?.id).not.toBe(cb?.id)
    expect(await db.billingEvent.count({ where: { stripeEventId: 'evt_shared_id', workspaceId: a.workspaceId } })).toBe(1)
    expect(await db.billingEvent.count({ where: { stripeEventId: 'evt_shared_id', workspaceId: b.workspaceId } })).toBe(1)
  })
})

describe('storing and processing (F13)', () => {
  test('concurrent duplicate deliveries → one stored event, one processing run', async () => {
    const c = await connect()
    c.control.setFaults({ duplicateRate: 1 })
    const { customer } = c.control.createCustomer({ email: `dup-${randomUUID()}@example.com`, name: 'Dup' })
    const body = fakeEvent({ type: 'customer.updated', object: (await c.stripe.customers.retrieve(customer)) as unknown as Record<string, unknown> })
    const header = signStripePayload(body, [c.secret], now())
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(c.connectionId, body, { 'stripe-signature': header })))
    expect(answers.every((r) => r.status === 200)).toBe(true)
    const runs = await settle(c)
    const id = JSON.parse(body).id
    expect(runs.filter((r) => r.stripeEventId === id)).toHaveLength(1)
    expect(await stored(c.connectionId, id)).toMatchObject([{ status: 'processed', attempts: 1 }])
    // The sandbox's duplicated deliveries of customer.created were stored and processed once too.
    const created = (await stored(c.connectionId)).filter((e) => e.type === 'customer.created')
    expect(created).toHaveLength(1)
    expect(runs.filter((r) => r.stripeEventId === created[0]!.id)).toHaveLength(1)
    expect(c.control.runtime.dispatcher.log.filter((l) => l.fault === 'duplicated').length).toBeGreaterThan(0)
  })

  test('subscription.updated delivered before subscription.created, and a same-second tie: the mirror ends at Stripe’s truth', async () => {
    const c = await connect()
    const { customer, subscription } = c.control.createCustomer({ email: `order-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await settle(c)
    const truth = await c.stripe.subscriptions.retrieve(subscription!)
    const t = now()
    // Out of order: the newer update first, then an older "created" snapshot claiming trialing.
    const updated = fakeEvent({ type: 'customer.subscription.updated', created: t + 5, object: { ...truth, metadata: { step: 'updated' } } as unknown as Record<string, unknown> })
    const created = fakeEvent({ type: 'customer.subscription.created', created: t, object: { ...truth, status: 'trialing' } as unknown as Record<string, unknown> })
    for (const body of [updated, created]) expect((await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })).status).toBe(200)
    const ids = [JSON.parse(updated).id, JSON.parse(created).id]
    await c.control.webhooksIdle()
    const results = []
    for (const id of ids) results.push(await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: id }))
    expect(results.map((r) => r.refetched)).toEqual([null, 'regression'])
    let row = await db.stripeSubscription.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: subscription! } } })
    expect(row.status).toBe(truth.status)
    expect((row.data as { metadata: Record<string, string> }).metadata).toEqual(truth.metadata)

    // A tie: same second as what we hold, claiming past_due while Stripe says otherwise.
    const tie = fakeEvent({ type: 'customer.subscription.updated', created: Math.floor(row.dataAsOf.getTime() / 1000), object: { ...truth, status: 'past_due' } as unknown as Record<string, unknown> })
    await post(c.connectionId, tie, { 'stripe-signature': signStripePayload(tie, [c.secret], now()) })
    expect((await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: JSON.parse(tie).id })).refetched).toBe('tie')
    row = await db.stripeSubscription.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: subscription! } } })
    expect(row.status).toBe(truth.status)
    expect((await contactOf(c.connectionId, customer))?.subscriptionStatus).toBe(truth.status)
    dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
  })

  test('a failed payment: contact past_due, "Payment failed" and "Past due" on the feed, once', async () => {
    const c = await connect()
    const { customer, subscription } = c.control.createCustomer({ email: `fail-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await settle(c)
    expect((await contactOf(c.connectionId, customer))?.subscriptionStatus).toBe('active')
    c.control.failPayment(subscription!)
    await settle(c)
    const contact = await contactOf(c.connectionId, customer)
    expect(contact?.subscriptionStatus).toBe('past_due')
    const feed = await db.billingEvent.findMany({ where: { contactId: contact!.id }, orderBy: { occurredAt: 'asc' } })
    const types = feed.map((f) => f.type)
    expect(types).toEqual(expect.arrayContaining(['customer.created', 'subscription.created', 'charge.failed', 'invoice.payment_failed', 'subscription.past_due']))
    expect(feed.find((f) => f.type === 'charge.failed')?.summary).toMatch(/^Payment of \$\d+\.\d{2} failed — /)
    expect(feed.every((f) => !f.isHistorical)).toBe(true)
    expect(new Set(feed.map((f) => `${f.stripeEventId}/${f.type}`)).size).toBe(feed.length)
  })

  test('database unreachable during a delivery → 503, nothing acknowledged; Stripe’s redelivery after the restart is stored and processed', async () => {
    const c = await connect()
    const dead = createDb('postgresql://postgres@127.0.0.1:1/churnless_unreachable', { max: 1 })
    endpointDb = dead
    try {
      const { customer } = c.control.createCustomer({ email: `outage-${randomUUID()}@example.com`, name: 'Outage' })
      await new Promise((r) => setTimeout(r, 400))
      const failed = c.control.runtime.dispatcher.log.filter((l) => l.status !== null)
      expect(failed.length).toBeGreaterThan(0)
      expect(failed.every((l) => l.status === 503)).toBe(true)
      expect(await stored(c.connectionId)).toHaveLength(0)
      endpointDb = db // "restart": the database is back
      await settle(c)
      expect(c.control.runtime.dispatcher.log.some((l) => l.status === 200 && l.attempt > 1)).toBe(true)
      expect((await stored(c.connectionId)).every((e) => e.status === 'processed')).toBe(true)
      expect((await contactOf(c.connectionId, customer))?.name).toBe('Outage')
    } finally {
      endpointDb = db
      await dead.$disconnect().catch(() => undefined)
    }
  })
})

describe('storing fails after the connection was read (F13)', () => {
  test('the insert into stripe_events fails with the connection cached → 503, nothing stored or dispatched; the redelivery is stored', async () => {
    const c = await connect()
    const warm = fakeEvent()
    expect((await post(c.connectionId, warm, { 'stripe-signature': signStripePayload(warm, [c.secret], now()) })).status).toBe(200)
    dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
    // A real database failure on the insert only, for this connection (other test files share the database).
    const fn = `fail_insert_${c.connectionId.replace(/\W/g, '')}`
    await db.$executeRawUnsafe(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'simulated outage' using errcode = '57P01'; end $$`)
    await db.$executeRawUnsafe(`create trigger ${fn} before insert on stripe_events for each row when (new.connection_id = '${c.connectionId}') execute function ${fn}()`)
    try {
      const body = fakeEvent()
      const res = await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })
      expect(res.status).toBe(503)
      expect(await stored(c.connectionId, JSON.parse(body).id)).toHaveLength(0)
      expect(dispatched.filter((d) => d.connectionId === c.connectionId)).toHaveLength(0)
      await db.$executeRawUnsafe(`drop trigger ${fn} on stripe_events`)
      expect((await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })).status).toBe(200)
      expect(await stored(c.connectionId, JSON.parse(body).id)).toHaveLength(1)
    } finally {
      await db.$executeRawUnsafe(`drop trigger if exists ${fn} on stripe_events`)
      await db.$executeRawUnsafe(`drop function if exists ${fn}()`)
      dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
    }
  })
})

describe('identity through webhooks (F9)', () => {
  test('customer deleted: unlinked, Stripe fields cleared, contact and its feed kept', async () => {
    const c = await connect()
    const { customer } = c.control.createCustomer({ email: `gone-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await settle(c)
    const contact = (await contactOf(c.connectionId, customer))!
    c.control.deleteCustomer(customer)
    await settle(c)
    expect(await contactOf(c.connectionId, customer)).toBeNull()
    const after = await db.contact.findUniqueOrThrow({ where: { id: contact.id } })
    expect(after).toMatchObject({ isStripeLinked: false, subscriptionStatus: null, mrr: 0n })
    expect(await db.billingEvent.count({ where: { contactId: contact.id, type: 'customer.deleted' } })).toBe(1)
    expect((await db.stripeCustomer.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: customer } } })).deletedAt).not.toBeNull()
  })

  test('email changed: the same contact, new email, no duplicate', async () => {
    const c = await connect()
    const { customer } = c.control.createCustomer({ email: `old-${randomUUID()}@example.com` })
    await settle(c)
    const before = (await contactOf(c.connectionId, customer))!
    const email = `new-${randomUUID()}@example.com`
    c.control.changeEmail(customer, email)
    await settle(c)
    const after = (await contactOf(c.connectionId, customer))!
    expect(after.id).toBe(before.id)
    expect(after.email).toBe(email)
    expect(await db.contact.count({ where: { workspaceId: c.workspaceId, email: { in: [before.email!, email] } } })).toBe(1)
  })

  test('two customers with one email: one contact, both linked, a conflict listed', async () => {
    const c = await connect()
    const email = `twin-${randomUUID()}@example.com`
    const first = c.control.createCustomer({ email, name: 'Twin One' }).customer
    const second = c.control.createCustomer({ email: ` ${email.toUpperCase()}`, name: 'Twin Two' }).customer
    await settle(c)
    const [a, b] = [await contactOf(c.connectionId, first), await contactOf(c.connectionId, second)]
    expect(a?.id).toBeDefined()
    expect(a?.id).toBe(b?.id)
    expect(await db.identityConflict.findFirst({ where: { workspaceId: c.workspaceId, contactId: a!.id, resolvedAt: null } })).toMatchObject({ customerIds: [first, second].sort() })
  })
})

describe('gap repair (F14) and history (F15)', () => {
  test('events whose deliveries were dropped are found in the Events API, stored and processed; the pass is recorded', async () => {
    const c = await connect()
    c.control.setFaults({ dropRate: 1 })
    const { customer } = c.control.createCustomer({ email: `dropped-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await c.control.webhooksIdle()
    expect(await stored(c.connectionId)).toHaveLength(0)
    // A pass right now leaves them alone: a minute-old event may still be arriving by webhook,
    // and storing it here would count an in-flight delivery as recovered.
    const early = await repairGaps({ resend: async () => {}, db, stripe: c.stripe, now: () => new Date(), dispatch: async () => {}, requestBackfill: async () => {} }, { connectionId: c.connectionId })
    expect(early).toMatchObject({ kind: 'repaired', repaired: 0 })
    expect(await stored(c.connectionId)).toHaveLength(0)
    // The pass a minute later finds them.
    const aMinuteLater = () => new Date(Date.now() + 61_000)
    const result = await repairGaps({ resend: async () => {}, db, stripe: c.stripe, now: aMinuteLater, dispatch: async (e) => void dispatched.push(e), requestBackfill: async () => {} }, { connectionId: c.connectionId })
    expect(result).toMatchObject({ kind: 'repaired' })
    if (result.kind !== 'repaired') return
    expect(result.repaired).toBeGreaterThanOrEqual(3)
    await settle(c)
    expect((await stored(c.connectionId)).every((e) => e.source === 'gap_repair' && ['processed', 'ignored'].includes(e.status))).toBe(true)
    expect((await contactOf(c.connectionId, customer))?.subscriptionStatus).toBe('active')
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId }, include: { streams: true } })
    expect(run).toMatchObject({ kind: 'gap_repair', state: 'succeeded' })
    expect(run.streams[0]).toMatchObject({ objectType: 'event', written: result.repaired })
    // A second pass finds nothing new.
    const again = await repairGaps({ resend: async () => {}, db, stripe: c.stripe, now: aMinuteLater, dispatch: async () => {}, requestBackfill: async () => {} }, { connectionId: c.connectionId })
    expect(again).toMatchObject({ kind: 'repaired', repaired: 0 })
  })

  test('an event stored but left pending for more than ten minutes is sent again, under a new id', async () => {
    const c = await connect()
    const event = { id: `evt_stuck_${randomUUID()}`, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000) - 1200, livemode: false, data: { object: { id: 'cus_stuck', object: 'customer' } } }
    await db.stripeEvent.create({ data: { connectionId: c.connectionId, id: event.id, type: event.type, created: new Date(event.created * 1000), livemode: false, payload: event, status: 'pending', receivedAt: new Date(Date.now() - 20 * 60_000) } })
    const resent: { stripeEventId: string; customerKey: string; dispatchId: string }[] = []
    const result = await repairGaps({ resend: async (events) => void resent.push(...events), db, stripe: c.stripe, now: () => new Date(), dispatch: async () => {}, requestBackfill: async () => {} }, { connectionId: c.connectionId })
    expect(result).toMatchObject({ kind: 'repaired', redispatched: 1 })
    expect(resent).toEqual([{ connectionId: c.connectionId, stripeEventId: event.id, customerKey: 'cus_stuck', dispatchId: expect.stringMatching(new RegExp(`^${c.connectionId}:${event.id}:stuck:\\d+$`)) }])
  })

  test('a checkpoint older than 30 days: the 30 days Stripe holds are replayed, the older part re-imported, and the checkpoint moves only once that import succeeded', async () => {
    const c = await connect()
    const connectedAt = new Date(Date.now() - 40 * 86_400_000)
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { connectedAt } })
    c.control.setFaults({ dropRate: 1 })
    const { customer } = c.control.createCustomer({ email: `weeks-${randomUUID()}@example.com`, name: 'Weeks Down' })
    await c.control.webhooksIdle()
    const requested: unknown[] = []
    const repairDeps = (at: Date) => ({ resend: async () => {}, db, stripe: c.stripe, now: () => at, dispatch: async (e: (typeof dispatched)[number]) => void dispatched.push(e), requestBackfill: async (e: unknown) => void requested.push(e) })
    const checkpointOf = async () => (await db.syncRun.findFirst({ where: { connectionId: c.connectionId, kind: 'gap_repair', state: 'succeeded', streams: { some: { objectType: 'event' } } }, orderBy: { startedAt: 'desc' } }))?.startedAt ?? null
    const later = new Date(Date.now() + 61_000)

    const first = await repairGaps(repairDeps(later), { connectionId: c.connectionId })
    expect(first).toMatchObject({ kind: 'backfill_requested', checkpoint: connectedAt.toISOString() })
    if (first.kind !== 'backfill_requested') return
    // What Stripe still holds is replayed now, not left to the import.
    expect(first.repaired).toBeGreaterThanOrEqual(1)
    await settle(c)
    expect((await contactOf(c.connectionId, customer))?.name).toBe('Weeks Down')
    expect(requested).toEqual([{ connectionId: c.connectionId, reason: 'gap_repair' }])
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: first.runId }, include: { streams: { orderBy: { objectType: 'asc' } } } })
    expect(run.state).toBe('running')
    expect(run.streams).toMatchObject([
      { objectType: 'backfill_requested', state: 'running', rangeStart: Math.floor(connectedAt.getTime() / 1000), rangeEnd: Math.floor((later.getTime() - 30 * 86_400_000) / 1000) },
      { objectType: 'event', state: 'succeeded', written: first.repaired },
    ])
    expect(await checkpointOf()).toBeNull()

    // The import has not started yet (a request can meet a run already going): ask again, wait.
    const waiting = await repairGaps(repairDeps(later), { connectionId: c.connectionId })
    expect(waiting).toMatchObject({ kind: 'waiting_for_backfill', runId: first.runId })
    expect(requested).toHaveLength(2)
    // It runs, then fails: the pass's run fails with it, and the next pass asks again.
    const failing = await db.syncRun.create({ data: { connectionId: c.connectionId, kind: 'resync', state: 'running', startedAt: new Date(later.getTime() + 1000), streams: { create: { objectType: 'customers', state: 'running' } } } })
    expect(await repairGaps(repairDeps(later), { connectionId: c.connectionId })).toMatchObject({ kind: 'waiting_for_backfill' })
    expect(requested).toHaveLength(2)
    await db.syncRun.update({ where: { id: failing.id }, data: { state: 'failed', error: 'Stripe refused the key' } })
    const retry = await repairGaps(repairDeps(new Date(later.getTime() + 2000)), { connectionId: c.connectionId })
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: first.runId } })).toMatchObject({ state: 'failed', error: expect.stringContaining('Stripe refused the key') })
    expect(retry.kind).toBe('backfill_requested')
    expect(requested).toHaveLength(3)
    expect(await checkpointOf()).toBeNull()

    // The import succeeds: the checkpoint moves to the start of the pass that asked for it.
    await db.syncRun.create({ data: { connectionId: c.connectionId, kind: 'resync', state: 'succeeded', startedAt: new Date(later.getTime() + 3000), finishedAt: new Date(later.getTime() + 4000), streams: { create: { objectType: 'customers', state: 'succeeded' } } } })
    const after = await repairGaps(repairDeps(new Date(later.getTime() + 5000)), { connectionId: c.connectionId })
    expect(after.kind).toBe('repaired')
    expect((await checkpointOf())?.getTime()).toBeGreaterThanOrEqual(later.getTime() + 2000)
    expect(requested).toHaveLength(3)
  })

  test('importHistoricalEvents puts the last 30 days on the feed as historical, once', async () => {
    const c = await connect()
    c.control.setFaults({ dropRate: 1 })
    const { customer, subscription } = c.control.createCustomer({ email: `hist-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    c.control.failPayment(subscription!)
    // These events predate the connection: history ends where live sync begins.
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { connectedAt: new Date(Date.now() + 2000) } })
    // What the backfill does first: mirror the customer and recompute its contact.
    const object = (await c.stripe.customers.retrieve(customer)) as unknown as MirrorObject
    await writeMirror(db, { connectionId: c.connectionId, type: 'customer', writes: [{ object, dataAsOf: new Date() }] })
    await recomputeContacts(db, { connectionId: c.connectionId, customerIds: [customer], now: new Date() })
    const contact = (await contactOf(c.connectionId, customer))!
    const first = await importHistoricalEvents(db, { connectionId: c.connectionId, stripe: c.stripe, now: new Date() })
    expect(first.recorded).toBeGreaterThan(0)
    const feed = await db.billingEvent.findMany({ where: { contactId: contact.id } })
    expect(feed.every((f) => f.isHistorical)).toBe(true)
    expect(feed.map((f) => f.type)).toEqual(expect.arrayContaining(['charge.failed', 'subscription.past_due']))
    expect((await importHistoricalEvents(db, { connectionId: c.connectionId, stripe: c.stripe, now: new Date() })).recorded).toBe(0)
  })
})


/** Signs and posts a Stripe event object to the endpoint, as a (late) live delivery. */
async function deliver(c: Conn, event: unknown) {
  const body = JSON.stringify(event)
  const res = await post(c.connectionId, body, { 'stripe-signature': signStripePayload(body, [c.secret], now()) })
  expect(res.status).toBe(200)
  dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
}

describe('events about customers we do not hold yet (F13, F9)', () => {
  test('reordered deliveries, customer.created last: the first event fetches the customer; contact, feed item and announcement exist at once', async () => {
    const c = await connect()
    c.control.setFaults({ reorderWindow: 30 })
    const email = `early-${randomUUID()}@example.com`
    const { customer } = c.control.createCustomer({ email, name: 'Early Bird', price: monthlyPrice(c) })
    await c.control.webhooksIdle()
    const batch = dispatched.filter((d) => d.connectionId === c.connectionId)
    dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
    const types = new Map((await stored(c.connectionId)).map((e) => [e.id, e.type]))
    // The worst order Stripe allows: the subscription first, every customer.* event last.
    const isCustomerEvent = (d: { stripeEventId: string }) => /^customer\.(created|updated|deleted)$/.test(types.get(d.stripeEventId) ?? '')
    const isSubscriptionCreated = (d: { stripeEventId: string }) => types.get(d.stripeEventId) === 'customer.subscription.created'
    const ordered = [...batch.filter(isSubscriptionCreated), ...batch.filter((d) => !isCustomerEvent(d) && !isSubscriptionCreated(d)), ...batch.filter(isCustomerEvent)]
    expect(ordered.length).toBeGreaterThan(2)
    expect(isSubscriptionCreated(ordered[0]!)).toBe(true)
    expect(await db.stripeCustomer.count({ where: { connectionId: c.connectionId, id: customer } })).toBe(0)

    const first = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: ordered[0]!.stripeEventId })
    expect(first.status).toBe('processed')
    const contact = await contactOf(c.connectionId, customer)
    expect(contact).toMatchObject({ email, name: 'Early Bird', isStripeLinked: true })
    expect(first.contactIds).toContain(contact!.id)
    expect(first.billingEvents.length).toBeGreaterThan(0)
    expect(first.billingEvents.every((b) => b.contactId === contact!.id)).toBe(true)
    expect(await db.billingEvent.count({ where: { contactId: contact!.id, stripeEventId: ordered[0]!.stripeEventId } })).toBe(first.billingEvents.length)

    for (const d of ordered.slice(1)) await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: d.stripeEventId })
    const after = (await contactOf(c.connectionId, customer))!
    expect(after.id).toBe(contact!.id)
    expect(after.subscriptionStatus).toBe('active')
    expect(await db.contact.count({ where: { workspaceId: c.workspaceId, email } })).toBe(1)
    expect(await db.billingEvent.count({ where: { contactId: after.id, type: 'customer.created' } })).toBe(1)
  })

  test('a changes_only connection: an invoice event for a customer that existed before connecting creates the contact, its feed item and the announcement', async () => {
    const c = await connect()
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { importChoice: 'changes_only' } })
    // Created "before connecting": its events never reach us.
    c.control.setFaults({ dropRate: 1 })
    const email = `before-${randomUUID()}@example.com`
    const { customer, subscription } = c.control.createCustomer({ email, price: monthlyPrice(c) })
    await c.control.webhooksIdle()
    c.control.setFaults({ dropRate: 0 })
    c.control.failPayment(subscription!)
    await c.control.webhooksIdle()
    const batch = dispatched.filter((d) => d.connectionId === c.connectionId)
    dispatched = dispatched.filter((d) => d.connectionId !== c.connectionId)
    const failedInvoice = (await stored(c.connectionId)).find((e) => e.type === 'invoice.payment_failed')!
    expect(failedInvoice).toBeDefined()
    expect((await stored(c.connectionId)).some((e) => e.type === 'customer.created')).toBe(false)

    const result = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: failedInvoice.id })
    const contact = (await contactOf(c.connectionId, customer))!
    expect(contact).toMatchObject({ email, isStripeLinked: true })
    expect(result.contactIds).toContain(contact.id)
    expect(result.billingEvents).toEqual([{ id: expect.any(String), contactId: contact.id, type: 'invoice.payment_failed' }])
    const feed = await db.billingEvent.findMany({ where: { contactId: contact.id } })
    expect(feed).toMatchObject([{ type: 'invoice.payment_failed', isHistorical: false, summary: expect.stringMatching(/^Payment of \$\d+\.\d{2} failed/) }])

    for (const d of batch) await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: d.stripeEventId })
    expect((await contactOf(c.connectionId, customer))?.subscriptionStatus).toBe('past_due')
  })

  test('a customer Stripe reports deleted stays deleted: a late invoice event links no contact', async () => {
    const c = await connect()
    c.control.setFaults({ dropRate: 1 })
    const { customer } = c.control.createCustomer({ email: `ghost-${randomUUID()}@example.com` })
    c.control.deleteCustomer(customer)
    await c.control.webhooksIdle()
    c.control.setFaults({ dropRate: 0 })
    const invoice = { id: `in_${randomUUID().slice(0, 12)}`, object: 'invoice', customer, status: 'open', amount_due: 4900, currency: 'usd', created: now(), livemode: false }
    const event = JSON.parse(fakeEvent({ type: 'invoice.created', object: invoice }))
    await deliver(c, event)
    const result = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: event.id })
    expect(result).toMatchObject({ status: 'processed', contactIds: [], billingEvents: [] })
    expect((await db.stripeCustomer.findUniqueOrThrow({ where: { connectionId_id: { connectionId: c.connectionId, id: customer } } })).deletedAt).not.toBeNull()
    expect(await contactOf(c.connectionId, customer)).toBeNull()
  })
})

describe('the newer-wins guard after a re-fetch (F13)', () => {
  test('old row → same-second tie re-fetched → a late event older than the fetch (newer than the old row) is re-fetched too, never applied', async () => {
    const c = await connect()
    const { customer, subscription } = c.control.createCustomer({ email: `guard-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await settle(c)
    const truth = await c.stripe.subscriptions.retrieve(subscription!)
    expect(truth.status).toBe('active')
    const key = { connectionId_id: { connectionId: c.connectionId, id: subscription! } }
    const T = now() - 20
    await db.stripeSubscription.update({ where: key, data: { dataAsOf: new Date(T * 1000) } })

    const tie = JSON.parse(fakeEvent({ type: 'customer.subscription.updated', created: T, object: { ...truth, status: 'past_due' } as unknown as Record<string, unknown> }))
    await deliver(c, tie)
    expect((await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: tie.id })).refetched).toBe('tie')
    const afterTie = await db.stripeSubscription.findUniqueOrThrow({ where: key })
    expect(afterTie.status).toBe('active')
    // Stored as true when fetched, not at the old row's second.
    expect(afterTie.dataAsOf.getTime()).toBeGreaterThan((T + 10) * 1000)

    const late = JSON.parse(fakeEvent({ type: 'customer.subscription.updated', created: T + 2, object: { ...truth, status: 'past_due' } as unknown as Record<string, unknown> }))
    await deliver(c, late)
    expect((await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: late.id })).refetched).toBe('regression')
    expect((await db.stripeSubscription.findUniqueOrThrow({ where: key })).status).toBe('active')
    expect((await contactOf(c.connectionId, customer))?.subscriptionStatus).toBe('active')
  })
})

describe('history ends where live sync begins (F15)', () => {
  test('events after connectedAt are never imported as historical; a live delivery that finds a historical row turns it live and announces it', async () => {
    const c = await connect()
    const { customer, subscription } = c.control.createCustomer({ email: `window-${randomUUID()}@example.com`, price: monthlyPrice(c) })
    await settle(c)
    const contact = (await contactOf(c.connectionId, customer))!
    // A payment fails after connecting; its deliveries are late (dropped here, delivered below).
    c.control.setFaults({ dropRate: 1 })
    c.control.failPayment(subscription!)
    await c.control.webhooksIdle()
    c.control.setFaults({ dropRate: 0 })
    const late = (await c.stripe.events.list({ limit: 100 })).data.find((e) => e.type === 'charge.failed')!
    expect(late).toBeDefined()

    // The import a re-sync runs meanwhile lists up to connectedAt only.
    expect(await importHistoricalEvents(db, { connectionId: c.connectionId, stripe: c.stripe, now: new Date() })).toMatchObject({ recorded: 0 })
    expect(await db.billingEvent.count({ where: { contactId: contact.id, isHistorical: true } })).toBe(0)

    await deliver(c, late)
    const live = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: late.id })
    expect(live.billingEvents.map((b) => b.type)).toEqual(['charge.failed'])
    expect(await db.billingEvent.findFirst({ where: { contactId: contact.id, stripeEventId: late.id } })).toMatchObject({ type: 'charge.failed', isHistorical: false })

    // Even had an older import recorded it as historical first, the live delivery wins.
    const racing = (await c.stripe.events.list({ limit: 100 })).data.find((e) => e.type === 'invoice.payment_failed')!
    await recordBillingEvents(db, { workspaceId: c.workspaceId, connectionId: c.connectionId, contactId: contact.id, stripeEventId: racing.id, occurredAt: new Date(racing.created * 1000), isHistorical: true, objectType: 'invoice', objectId: racing.data.object.id ?? null, livemode: false, items: describeStripeEvent(racing.type, racing.data.object as unknown as Record<string, unknown>) })
    await deliver(c, racing)
    const turned = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: racing.id })
    expect(turned.billingEvents.map((b) => b.type)).toEqual(['invoice.payment_failed'])
    expect(await db.billingEvent.findMany({ where: { contactId: contact.id, stripeEventId: racing.id } })).toMatchObject([{ type: 'invoice.payment_failed', isHistorical: false }])
    // And a historical write never turns a live row back.
    expect(await recordBillingEvents(db, { workspaceId: c.workspaceId, connectionId: c.connectionId, contactId: contact.id, stripeEventId: racing.id, occurredAt: new Date(), isHistorical: true, objectType: 'invoice', objectId: null, livemode: false, items: [{ type: 'invoice.payment_failed', summary: 'x', amount: null, currency: null }] })).toEqual([])
    expect(await db.billingEvent.count({ where: { contactId: contact.id, isHistorical: true } })).toBe(0)
  })
})

describe('guest checkouts (F15, F9)', () => {
  test('checkout.session.completed with customer null lands on the contact with the buyer’s email (trimmed, any case)', async () => {
    const c = await connect()
    const email = `guest-${randomUUID()}@example.com`
    const { customer } = c.control.createCustomer({ email })
    await settle(c)
    const contact = (await contactOf(c.connectionId, customer))!
    const session = { id: `cs_test_${randomUUID().replaceAll('-', '')}`, object: 'checkout.session', customer: null, customer_details: { email: `  ${email.toUpperCase()} ` }, amount_total: 2500, currency: 'usd', status: 'complete', mode: 'payment', created: now(), livemode: false }
    const event = JSON.parse(fakeEvent({ type: 'checkout.session.completed', object: session }))
    await deliver(c, event)
    const result = await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: event.id })
    expect(result.billingEvents).toEqual([{ id: expect.any(String), contactId: contact.id, type: 'checkout.completed' }])
    expect(await db.billingEvent.findFirst({ where: { contactId: contact.id, stripeEventId: event.id } })).toMatchObject({ summary: 'Checkout completed — $25.00', amount: 2500n })
    // No contact with that email: nothing to attach it to, and nothing is invented.
    const stranger = JSON.parse(fakeEvent({ type: 'checkout.session.completed', object: { ...session, id: `cs_test_${randomUUID().replaceAll('-', '')}`, customer_details: { email: 'nobody@example.com' } } }))
    await deliver(c, stranger)
    expect(await applyStripeEvent(applyDeps, { connectionId: c.connectionId, eventId: stranger.id })).toMatchObject({ status: 'processed', billingEvents: [] })
    expect(await db.contact.count({ where: { workspaceId: c.workspaceId, email: 'nobody@example.com' } })).toBe(0)
  })
})
