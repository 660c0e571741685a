import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { serveConnectionRoute } from '@/test/support/route-server'
import { testDb as db } from '@/test/db'
import type { ConnectionDeps } from '../connections/connection-deps'
import { finishConnection } from '../connections/finish-connection'
import { rotateConnectionKey } from '../connections/manage-connections'
import { verifyKey } from '../connections/verify-key'
import { createSecretBox } from '../crypto/secret-box'
import { AppError } from '../errors'
import { createStripeClient } from '../stripe/client'
import { handledStripeEvents } from '../stripe/webhook-events'
import { createStripeWebhookHandler } from '../webhooks/stripe-webhook-handler'
import { signStripePayload } from '../webhooks/verify-signature'
import { signUp } from '../workspaces/sign-up'
import { checkWebhookEndpoint, repairWebhookEndpoint } from './check-endpoint'
import { claimKeyProbe, probeConnectionKey } from './probe-key'

// F21 facts end to end: the key probe and the endpoint check talk to the Stripe sandbox over
// HTTP through the real SDK and record into PostgreSQL; the endpoint the sandbox delivers to is
// the app's real webhook route handler, served over HTTP by this file.

const box = createSecretBox(randomBytes(32).toString('base64'))
const deps: ConnectionDeps = { db, box }
const at = (iso: string) => () => new Date(iso)
let sandbox: RunningSandbox
let server: Awaited<ReturnType<typeof serveConnectionRoute>> | undefined
let appUrl: string
/** A port nothing listens on: Stripe "unreachable". */
let deadApiBase: string

const handler = createStripeWebhookHandler(() => ({ db, openSecret: (s) => box.open(s), dispatch: async () => {}, log: { warn: () => {}, error: () => {} } }))

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 2, seed: 21, delivery: { retryBaseMs: 100, maxAttempts: 3, timeoutMs: 5000 } })
  server = await serveConnectionRoute(handler)
  appUrl = server.url
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  deadApiBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => closed.close(() => resolve()))
})
afterAll(async () => {
  await sandbox?.close()
  await server?.close()
})

/** A workspace connected through the wizard to a fresh sandbox account: key verified, our endpoint created. */
async function connect() {
  const account = sandbox.createAccount({ customers: 1, seed: Math.floor(Math.random() * 1e6) })
  const ws = await signUp(db, { name: 'Hal', email: `hal-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const verified = await verifyKey(deps, { ...ws, key: account.restrictedKey, apiBase: sandbox.url })
  if (!verified.ok) throw new Error(verified.message)
  await finishConnection({ ...deps, appUrl, emit: async () => {} }, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, importChoice: 'changes_only' })
  return {
    workspaceId: ws.workspaceId,
    connectionId: verified.connectionId,
    key: account.restrictedKey,
    control: account.control,
    /** The account owner's own client (a secret key), editing our endpoint as someone in the dashboard would. */
    admin: createStripeClient(account.secretKey, { apiBase: sandbox.url }),
  }
}
const rowOf = (connectionId: string) => db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })

describe('key probe (F21)', () => {
  test('a revoked key → needs re-auth with a reason a person understands; rotating in a new key clears it', async () => {
    const c = await connect()
    c.control.revokeKey(c.key)
    const probed = await probeConnectionKey({ ...deps, now: at('2026-11-22T10:00:00Z') }, { connectionId: c.connectionId })
    expect(probed).toEqual({ ok: false, reason: 'key_rejected', message: expect.stringContaining('revoked or has expired') })
    expect(await rowOf(c.connectionId)).toMatchObject({
      status: 'needs_reauth',
      keyError: 'Stripe says the key was revoked or has expired (401)',
      keyCheckedAt: new Date('2026-11-22T10:00:00Z'),
      pausedFromStatus: null,
    })

    const fresh = c.control.createKey(F2_PERMISSIONS)
    await rotateConnectionKey({ ...deps, now: at('2026-11-22T10:05:00Z') }, { workspaceId: c.workspaceId, connectionId: c.connectionId, key: fresh })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'active', keyError: null, keyCheckedAt: new Date('2026-11-22T10:05:00Z') })
    expect(await probeConnectionKey(deps, { connectionId: c.connectionId })).toEqual({ ok: true })
  })

  test('a key Stripe does not know (deleted or rolled) is rejected too, with its own words', async () => {
    const c = await connect()
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { keySealed: box.seal(`rk_test_${'x'.repeat(40)}`) } })
    expect(await probeConnectionKey(deps, { connectionId: c.connectionId })).toMatchObject({ ok: false, reason: 'key_rejected' })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'needs_reauth', keyError: expect.stringContaining('no longer recognises the key') })
  })

  test('a passing probe ends a needs_reauth set elsewhere (a backfill’s 401) and clears the old keyError', async () => {
    const c = await connect()
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { status: 'needs_reauth', keyError: 'Stripe says the key was revoked or has expired (401)' } })
    expect(await probeConnectionKey({ ...deps, now: at('2026-11-22T11:00:00Z') }, { connectionId: c.connectionId })).toEqual({ ok: true })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'active', keyError: null, keyCheckedAt: new Date('2026-11-22T11:00:00Z') })
  })

  test.each([
    ['5xx from Stripe', { errorRate: 1 }],
    ['429 rate limited', { rateLimit: 0.001 }],
  ] as const)('%s does not mark the key bad: only the time of the attempt is recorded', async (_name, faults) => {
    const c = await connect()
    c.control.setFaults(faults)
    const probed = await probeConnectionKey({ ...deps, now: at('2026-11-22T12:00:00Z') }, { connectionId: c.connectionId })
    expect(probed).toEqual({ ok: false, reason: 'unavailable', message: expect.stringContaining('not marked bad') })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'active', keyError: null, keyCheckedAt: new Date('2026-11-22T12:00:00Z') })
  })

  test('Stripe unreachable (nothing listening) neither marks the key bad nor clears an earlier verdict', async () => {
    const c = await connect()
    const earlier = 'Stripe says the key was revoked or has expired (401)'
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { apiBase: deadApiBase, status: 'needs_reauth', keyError: earlier } })
    const probed = await probeConnectionKey({ ...deps, now: at('2026-11-22T12:30:00Z') }, { connectionId: c.connectionId })
    expect(probed).toMatchObject({ ok: false, reason: 'unavailable' })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'needs_reauth', keyError: earlier, keyCheckedAt: new Date('2026-11-22T12:30:00Z') })
  })

  test('a paused connection stays paused (an admin’s decision) while the rejected key is recorded', async () => {
    const c = await connect()
    await db.stripeConnection.update({ where: { id: c.connectionId }, data: { status: 'paused', pausedFromStatus: 'active' } })
    c.control.revokeKey(c.key)
    expect(await probeConnectionKey(deps, { connectionId: c.connectionId })).toMatchObject({ ok: false, reason: 'key_rejected' })
    expect(await rowOf(c.connectionId)).toMatchObject({ status: 'paused', pausedFromStatus: 'active', keyError: expect.stringContaining('revoked') })
  })

  test('claimKeyProbe: 20 webhooks at once → one probe; the next only after the interval', async () => {
    const c = await connect()
    const t0 = new Date('2026-11-22T13:00:00Z')
    const claim = (now: Date) => claimKeyProbe(db, { connectionId: c.connectionId, now, minIntervalMs: 60_000 })
    const burst = await Promise.all(Array.from({ length: 20 }, () => claim(t0)))
    expect(burst.filter(Boolean)).toHaveLength(1)
    expect(await claim(new Date(t0.getTime() + 59_999))).toBe(false)
    expect((await rowOf(c.connectionId)).keyCheckedAt).toEqual(t0)
    expect(await claim(new Date(t0.getTime() + 60_000))).toBe(true)
    expect((await rowOf(c.connectionId)).keyCheckedAt).toEqual(new Date(t0.getTime() + 60_000))
    expect(await claimKeyProbe(db, { connectionId: 'no_such_connection', now: t0, minIntervalMs: 60_000 })).toBe(false)
  })
})

describe('webhook endpoint check and repair (F21)', () => {
  test('deleted in Stripe → exists:false → repair recreates it; deliveries signed with the new secret are accepted, the old secret is not', async () => {
    const c = await connect()
    const before = await rowOf(c.connectionId)
    await c.admin.webhookEndpoints.del(before.webhookEndpointId!)

    const checked = await checkWebhookEndpoint({ ...deps, now: at('2026-11-22T14:00:00Z') }, { connectionId: c.connectionId })
    expect(checked).toEqual({ ok: true, endpoint: { configured: true, checkedAt: new Date('2026-11-22T14:00:00Z'), exists: false, enabled: false, missingEvents: [] } })
    expect(await rowOf(c.connectionId)).toMatchObject({ endpointCheck: { exists: false, enabled: false, missingEvents: [] }, endpointCheckedAt: new Date('2026-11-22T14:00:00Z') })

    const repaired = await repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })
    expect(repaired).toMatchObject({ ok: true, endpoint: { configured: true, exists: true, enabled: true, missingEvents: [] } })
    const after = await rowOf(c.connectionId)
    expect(after.webhookEndpointId).not.toBe(before.webhookEndpointId)
    expect(after.webhookUrl).toBe(`${appUrl}/api/webhooks/stripe/${c.connectionId}`)
    const [oldSecret, newSecret] = [box.open(before.webhookSecretSealed!), box.open(after.webhookSecretSealed!)]
    expect(newSecret).toMatch(/^whsec_/)
    expect(newSecret).not.toBe(oldSecret)
    expect(after.endpointCheck).toEqual({ exists: true, enabled: true, missingEvents: [] })

    // Recreated exactly as connecting creates it, and the only endpoint of the account.
    const endpoint = await c.admin.webhookEndpoints.retrieve(after.webhookEndpointId!)
    expect(endpoint).toMatchObject({ url: after.webhookUrl, status: 'enabled', description: expect.stringContaining('Churnless'), metadata: { managed_by: 'churnless', churnless_connection_id: c.connectionId } })
    expect([...endpoint.enabled_events].sort()).toEqual([...handledStripeEvents].sort())
    expect((await c.admin.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([after.webhookEndpointId])

    // Stripe signs a real delivery with the new secret; the app's route stores it.
    const { events } = c.control.createCustomer({ email: `back-${randomUUID()}@example.com`, name: 'Back Again' })
    await c.control.webhooksIdle()
    const deliveries = c.control.runtime.dispatcher.log.filter((d) => d.endpointId === after.webhookEndpointId)
    expect(deliveries.length).toBeGreaterThan(0)
    expect(deliveries.every((d) => d.status === 200)).toBe(true)
    const stored = await db.stripeEvent.findMany({ where: { connectionId: c.connectionId, source: 'webhook' } })
    expect(stored.map((e) => e.id)).toEqual(expect.arrayContaining(events))

    // The old endpoint's secret no longer signs for this connection.
    const body = JSON.stringify({ id: `evt_old_${randomUUID().slice(0, 8)}`, object: 'event', type: 'customer.updated', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: 'cus_x', object: 'customer' } } })
    const res = await fetch(after.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, [oldSecret], Math.floor(Date.now() / 1000)) }, body })
    expect(res.status).toBe(400)
  })

  test('disabled → enabled:false (no deliveries meanwhile) → repair enables the same endpoint', async () => {
    const c = await connect()
    const before = await rowOf(c.connectionId)
    const id = before.webhookEndpointId!
    await c.admin.webhookEndpoints.update(id, { disabled: true })
    expect(await checkWebhookEndpoint(deps, { connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { exists: true, enabled: false, missingEvents: [] } })
    c.control.createCustomer({ email: `quiet-${randomUUID()}@example.com` })
    await c.control.webhooksIdle()
    expect(c.control.runtime.dispatcher.log.filter((d) => d.endpointId === id)).toHaveLength(0)

    expect(await repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { exists: true, enabled: true } })
    expect((await c.admin.webhookEndpoints.retrieve(id)).status).toBe('enabled')
    expect(await rowOf(c.connectionId)).toMatchObject({ webhookEndpointId: id, webhookSecretSealed: before.webhookSecretSealed, endpointCheck: { enabled: true } })
  })

  test('event types removed → missingEvents lists them → repair subscribes to every handled event again', async () => {
    const c = await connect()
    const id = (await rowOf(c.connectionId)).webhookEndpointId!
    const removed = ['charge.refunded', 'invoice.paid']
    await c.admin.webhookEndpoints.update(id, { enabled_events: handledStripeEvents.filter((e) => !removed.includes(e)) })
    expect(await checkWebhookEndpoint(deps, { connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { exists: true, enabled: true, missingEvents: ['invoice.paid', 'charge.refunded'] } })

    expect(await repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { missingEvents: [] } })
    expect([...(await c.admin.webhookEndpoints.retrieve(id)).enabled_events].sort()).toEqual([...handledStripeEvents].sort())

    // Subscribed to everything ('*') misses nothing.
    await c.admin.webhookEndpoints.update(id, { enabled_events: ['*'] })
    expect(await checkWebhookEndpoint(deps, { connectionId: c.connectionId })).toMatchObject({ ok: true, endpoint: { missingEvents: [] } })
  })

  test('a rejected key or an outage leaves the recorded endpoint facts as they were; repair says what to do', async () => {
    const c = await connect()
    const id = (await rowOf(c.connectionId)).webhookEndpointId!
    await checkWebhookEndpoint({ ...deps, now: at('2026-11-22T15:00:00Z') }, { connectionId: c.connectionId })
    await c.admin.webhookEndpoints.update(id, { disabled: true })

    c.control.setFaults({ errorRate: 1 })
    expect(await checkWebhookEndpoint({ ...deps, now: at('2026-11-22T15:10:00Z') }, { connectionId: c.connectionId })).toMatchObject({ ok: false, reason: 'unavailable' })
    await expect(repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'unavailable')
    c.control.setFaults({ errorRate: 0 })

    c.control.revokeKey(c.key)
    expect(await checkWebhookEndpoint({ ...deps, now: at('2026-11-22T15:20:00Z') }, { connectionId: c.connectionId })).toEqual({ ok: false, reason: 'key_rejected', message: expect.stringContaining('Stripe rejected the stored key') })
    await expect(repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: c.workspaceId, connectionId: c.connectionId })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'conflict' && /new restricted key/.test(e.message),
    )
    expect(await rowOf(c.connectionId)).toMatchObject({ endpointCheck: { exists: true, enabled: true, missingEvents: [] }, endpointCheckedAt: new Date('2026-11-22T15:00:00Z'), status: 'active' })
  })

  test('no endpoint (real Stripe, APP_URL on a private address): not configured, no request to Stripe; repair explains why', async () => {
    const ws = await signUp(db, { name: 'Liv', email: `liv-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
    // Real Stripe (no apiBase), here unreachable: any request would fail the check.
    const unreachable: ConnectionDeps = { ...deps, stripeFor: (key) => createStripeClient(key, { apiBase: deadApiBase }) }
    const connection = await db.stripeConnection.create({
      data: { workspaceId: ws.workspaceId, mode: 'test', keyKind: 'restricted', keySealed: box.seal(`rk_test_${'y'.repeat(40)}`), keyHint: 'rk_test_…yyyy', apiBase: null, status: 'active', accountId: `acct_${randomUUID().slice(0, 12)}`, connectedAt: new Date() },
    })
    expect(await checkWebhookEndpoint(unreachable, { connectionId: connection.id })).toEqual({ ok: true, endpoint: { configured: false, checkedAt: null, exists: false, enabled: false, missingEvents: [] } })
    expect((await rowOf(connection.id)).endpointCheckedAt).toBeNull()
    await expect(repairWebhookEndpoint({ ...unreachable, appUrl: 'http://localhost:3000' }, { workspaceId: ws.workspaceId, connectionId: connection.id })).rejects.toSatisfy(
      (e) =>
        e instanceof AppError &&
        e.code === 'conflict' &&
        e.message.includes('Stripe cannot reach http://localhost:3000 from the internet') &&
        e.message.includes('APP_URL') &&
        e.message.includes(`stripe listen --forward-to http://localhost:3000/api/webhooks/stripe/${connection.id}`),
    )
  })

  test("another workspace's connection does not exist for you", async () => {
    const c = await connect()
    const intruder = await signUp(db, { name: 'Ian', email: `ian-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
    await expect(repairWebhookEndpoint({ ...deps, appUrl }, { workspaceId: intruder.workspaceId, connectionId: c.connectionId })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found')
  })
})
