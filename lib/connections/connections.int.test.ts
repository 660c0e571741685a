import { randomBytes, randomUUID } from 'node:crypto'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { createSecretBox } from '../crypto/secret-box'
import { AppError } from '../errors'
import { createStripeClient } from '../stripe/client'
import { permissionSpecs } from '../stripe/permissions'
import { handledStripeEvents } from '../stripe/webhook-events'
import { defaultMapping } from '../sync/mapping'
import { createStripeWebhookHandler } from '../webhooks/stripe-webhook-handler'
import { signStripePayload } from '../webhooks/verify-signature'
import { signUp } from '../workspaces/sign-up'
import type { ConnectionDeps } from './connection-deps'
import { finishConnection, isPubliclyReachable } from './finish-connection'
import { saveForwardedWebhookSecret } from './forwarded-webhook-secret'
import { disconnectConnection, listConnections, rotateConnectionKey, setPrimaryConnection } from './manage-connections'
import { previewMapping, saveMapping } from './mapping-service'
import { verifyKey } from './verify-key'

// Everything below goes through the real stripe SDK to the sandbox over HTTP and a real database.

let sandbox: RunningSandbox
const box = createSecretBox(randomBytes(32).toString('base64'))
const deps: ConnectionDeps = { db, box }
const appUrl = 'http://localhost:3999'
const emitted: unknown[] = []

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 40, seed: 7 })
})
afterAll(() => sandbox?.close())

async function newWorkspace() {
  return signUp(db, { name: 'Connie', email: `connie-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
}
const verify = (ws: { workspaceId: string; userId: string }, key: string) => verifyKey(deps, { ...ws, key, apiBase: sandbox.url })
const finish = (ws: { workspaceId: string }, connectionId: string) =>
  finishConnection({ ...deps, appUrl, emit: async (e) => emitted.push(e) }, { workspaceId: ws.workspaceId, connectionId, importChoice: 'all' })

describe('key check (F1, F2)', () => {
  test('a restricted key with F2 permissions passes every required probe and names the account', async () => {
    const ws = await newWorkspace()
    const result = await verify(ws, sandbox.restrictedKey)
    expect(result).toMatchObject({ ok: true, mode: 'test', kind: 'restricted', canContinue: true, account: { id: sandbox.accountId } })
    if (!result.ok) return
    expect(result.keyHint).toBe(`rk_test_…${sandbox.restrictedKey.slice(-4)}`)
    expect(Object.fromEntries(result.checks.map((c) => [c.id, c.status]))).toEqual({
      charges_read: 'granted',
      customers_read: 'granted',
      events_read: 'granted',
      checkout_sessions_read: 'granted',
      invoices_read: 'granted',
      prices_read: 'granted',
      subscriptions_read: 'granted',
      webhook_endpoints_write: 'granted',
      products_read: 'granted',
      // Optional, outside SPEC F2's list: the sandbox's F2 key has neither.
      coupons_read: 'missing',
      checkout_sessions_write: 'missing',
    })
    // The probe of the webhook write permission created nothing.
    expect((await new Stripe(sandbox.secretKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' }).webhookEndpoints.list()).data).toHaveLength(0)
  })

  test.each(permissionSpecs.filter((p) => p.level !== 'optional').map((p) => [p.id, p] as const))('a key missing %s shows exactly that row as missing, with Stripe’s name', async (_id, spec) => {
    const resource = { charges_read: 'charge', customers_read: 'customer', events_read: 'event', checkout_sessions_read: 'checkout_session', invoices_read: 'invoice', prices_read: 'plan', subscriptions_read: 'subscription', webhook_endpoints_write: 'webhook', products_read: 'product' }[spec.id] as keyof typeof F2_PERMISSIONS
    const permissions = { ...F2_PERMISSIONS }
    delete permissions[resource]
    const result = await verify(await newWorkspace(), sandbox.control.createKey(permissions))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const missing = result.checks.filter((c) => c.status === 'missing' && c.level !== 'optional')
    expect(missing.map((c) => [c.id, c.stripeName])).toEqual([[spec.id, spec.stripeName]])
    expect(result.canContinue).toBe(spec.level !== 'required')
  })

  test('a publishable key is refused; a secret key is accepted with a warning', async () => {
    const ws = await newWorkspace()
    expect(await verify(ws, sandbox.publishableKey)).toEqual({ ok: false, message: expect.stringContaining('publishable key') })
    const secret = await verify(ws, sandbox.secretKey)
    expect(secret).toMatchObject({ ok: true, kind: 'secret', canContinue: true, warning: expect.stringContaining('far more than Churnless needs') })
  })

  test('a revoked key and an unknown key are refused with what to do', async () => {
    const key = sandbox.control.createKey(F2_PERMISSIONS)
    sandbox.control.revokeKey(key)
    const ws = await newWorkspace()
    expect(await verify(ws, key)).toEqual({ ok: false, message: expect.stringContaining('revoked or has expired') })
    expect(await verify(ws, `rk_test_${'x'.repeat(40)}`)).toEqual({ ok: false, message: expect.stringContaining("doesn't recognise this key") })
  })
})

describe('finishing, secrets, rotation and disconnect (F3–F6)', () => {
  test('finishing creates our webhook endpoint with exactly the handled events and stores its secret sealed', async () => {
    const ws = await newWorkspace()
    const verified = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    const { connectionId } = await finish(ws, verified.connectionId)
    const row = await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })
    expect(row).toMatchObject({ status: 'waiting_to_sync', importChoice: 'all', isPrimary: true, webhookUrl: `${appUrl}/api/webhooks/stripe/${connectionId}` })
    const endpoint = await new Stripe(sandbox.secretKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http' }).webhookEndpoints.retrieve(row.webhookEndpointId!)
    expect(endpoint.url).toBe(row.webhookUrl)
    expect([...endpoint.enabled_events].sort()).toEqual([...handledStripeEvents].sort())
    expect(endpoint.metadata).toMatchObject({ managed_by: 'churnless', churnless_connection_id: connectionId })
    expect(row.webhookSecretSealed).not.toContain('whsec_')
    expect(box.open(row.webhookSecretSealed!)).toMatch(/^whsec_/)
    expect(emitted).toContainEqual({ name: 'stripe/connection.connected', data: { connectionId, workspaceId: ws.workspaceId, importChoice: 'all' } })

    // Nothing the browser can read carries the key or the signing secret.
    const visible = JSON.stringify(await listConnections(db, ws.workspaceId, { appUrl }))
    expect(visible).not.toContain(box.open(row.keySealed))
    expect(visible).not.toContain(box.open(row.webhookSecretSealed!))
    expect(visible).toContain('rk_test_…')
  })

  test('the same account cannot be connected twice to one workspace', async () => {
    const ws = await newWorkspace()
    const first = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!first.ok) throw new Error(first.message)
    await finish(ws, first.connectionId)
    await expect(verify(ws, sandbox.control.createKey(F2_PERMISSIONS))).rejects.toThrow(/already connected to this workspace/)
  })

  test('rotation swaps the key of the same account and refuses a key of another account', async () => {
    const ws = await newWorkspace()
    const verified = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    await finish(ws, verified.connectionId)
    const other = sandbox.createAccount({ customers: 1, seed: 99 })
    await expect(rotateConnectionKey(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, key: other.restrictedKey })).rejects.toThrow(/belongs to another Stripe account/)
    const fresh = sandbox.control.createKey(F2_PERMISSIONS)
    const rotated = await rotateConnectionKey(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, key: fresh })
    expect(rotated.keyHint).toBe(`rk_test_…${fresh.slice(-4)}`)
    const row = await db.stripeConnection.findUniqueOrThrow({ where: { id: verified.connectionId } })
    expect(box.open(row.keySealed)).toBe(fresh)
  })

  test('disconnect removes only our endpoint and the stored key', async () => {
    const ws = await newWorkspace()
    const account = sandbox.createAccount({ customers: 2, seed: 5 })
    const admin = createStripeClient(account.secretKey, { apiBase: sandbox.url })
    const theirs = await admin.webhookEndpoints.create({ url: 'https://example.com/their-hook', enabled_events: ['charge.succeeded'] })
    const verified = await verify(ws, account.restrictedKey)
    if (!verified.ok) throw new Error(verified.message)
    await finish(ws, verified.connectionId)
    const result = await disconnectConnection(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, data: 'keep' })
    expect(result.endpointRemoved).toBe(true)
    expect((await admin.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([theirs.id])
    expect(await db.stripeConnection.count({ where: { id: verified.connectionId } })).toBe(0)
  })

  test("another workspace's connection does not exist for you", async () => {
    const owner = await newWorkspace()
    const verified = await verify(owner, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    const intruder = await newWorkspace()
    await expect(disconnectConnection(deps, { workspaceId: intruder.workspaceId, connectionId: verified.connectionId, data: 'delete' })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found')
  })

  test('which addresses Stripe can reach', () => {
    expect(isPubliclyReachable('http://localhost:3000')).toBe(false)
    expect(isPubliclyReachable('http://127.0.0.1:3000')).toBe(false)
    expect(isPubliclyReachable('http://192.168.1.20:3000')).toBe(false)
    expect(isPubliclyReachable('https://churnless.example.com')).toBe(true)
  })
})

describe('webhook endpoint when Stripe cannot reach APP_URL (F3)', () => {
  // "Real Stripe" here is a connection without apiBase, as a pasted key gets; its requests go to
  // a sandbox account standing in for api.stripe.com, so we can look at what was created there.
  async function realStripeConnection() {
    const account = sandbox.createAccount({ customers: 1, seed: Math.floor(Math.random() * 1e6) })
    const asStripe: ConnectionDeps = { ...deps, stripeFor: (key) => createStripeClient(key, { apiBase: sandbox.url }) }
    const ws = await newWorkspace()
    const verified = await verifyKey(asStripe, { ...ws, key: account.restrictedKey, apiBase: null })
    if (!verified.ok) throw new Error(verified.message)
    const endpoints = async () => (await createStripeClient(account.secretKey, { apiBase: sandbox.url }).webhookEndpoints.list()).data
    return { ws, connectionId: verified.connectionId, asStripe, endpoints }
  }

  test('a test-mode key of real Stripe with a localhost APP_URL: no endpoint is attempted, the connection finishes, and the warning says what to do', async () => {
    const { ws, connectionId, asStripe, endpoints } = await realStripeConnection()
    const result = await finishConnection({ ...asStripe, appUrl: 'http://localhost:3000', emit: async (e) => emitted.push(e) }, { workspaceId: ws.workspaceId, connectionId, importChoice: 'all' })

    expect(await endpoints()).toEqual([])
    const row = await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })
    expect(row).toMatchObject({ mode: 'test', apiBase: null, status: 'waiting_to_sync', webhookEndpointId: null, webhookSecretSealed: null, webhookUrl: null })
    expect(emitted).toContainEqual({ name: 'stripe/connection.connected', data: { connectionId, workspaceId: ws.workspaceId, importChoice: 'all' } })
    expect(result.webhookWarning).toContain('Stripe cannot reach http://localhost:3000 from the internet')
    expect(result.webhookWarning).toContain('set APP_URL to its public address')
    expect(result.webhookWarning).toContain(`stripe listen --forward-to http://localhost:3000/api/webhooks/stripe/${connectionId}`)
    // The connections list keeps saying it, with the same options.
    const [listed] = await listConnections(db, ws.workspaceId, { appUrl: 'http://localhost:3000' })
    expect(listed).toMatchObject({ hasWebhook: false, isForwarded: false, webhookWarning: result.webhookWarning })
  })

  test('the same key with a public APP_URL gets our endpoint', async () => {
    const { ws, connectionId, asStripe, endpoints } = await realStripeConnection()
    const result = await finishConnection({ ...asStripe, appUrl: 'https://churnless.example.com', emit: async () => {} }, { workspaceId: ws.workspaceId, connectionId, importChoice: 'changes_only' })
    expect(result.webhookWarning).toBeUndefined()
    expect((await endpoints()).map((e) => e.url)).toEqual([`https://churnless.example.com/api/webhooks/stripe/${connectionId}`])
    expect((await listConnections(db, ws.workspaceId, { appUrl: 'https://churnless.example.com' }))[0]).toMatchObject({ hasWebhook: true, webhookWarning: null })
  })

  test('the sandbox delivers from this machine, so it gets an endpoint at localhost', async () => {
    const ws = await newWorkspace()
    const verified = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    const result = await finish(ws, verified.connectionId)
    expect(result.webhookWarning).toBeUndefined()
    expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: verified.connectionId } })).webhookEndpointId).toMatch(/^we_/)
  })

  test('`stripe listen` forwarding: the secret it prints is saved sealed, and a delivery signed with it is accepted', async () => {
    const { ws, connectionId, asStripe } = await realStripeConnection()
    await finishConnection({ ...asStripe, appUrl: 'http://localhost:3000', emit: async () => {} }, { workspaceId: ws.workspaceId, connectionId, importChoice: 'changes_only' })
    await expect(saveForwardedWebhookSecret(deps, { workspaceId: ws.workspaceId, connectionId, secret: 'sk_test_123' })).rejects.toThrow()
    const cliSecret = `whsec_${randomBytes(24).toString('hex')}`
    await saveForwardedWebhookSecret(deps, { workspaceId: ws.workspaceId, connectionId, secret: ` ${cliSecret} ` })
    const row = await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })
    expect(row.webhookSecretSealed).not.toContain('whsec_')
    expect(box.open(row.webhookSecretSealed!)).toBe(cliSecret)
    expect((await listConnections(db, ws.workspaceId, { appUrl: 'http://localhost:3000' }))[0]).toMatchObject({ isForwarded: true, webhookWarning: null })

    const handler = createStripeWebhookHandler(() => ({ db, openSecret: (sealed) => box.open(sealed), dispatch: async () => {}, log: { warn: () => {}, error: () => {} } }))
    const body = JSON.stringify({ id: 'evt_forwarded_1', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), livemode: false, api_version: '2026-10-28.endive', data: { object: { id: 'cus_forwarded', object: 'customer', email: 'fwd@example.com' } } })
    const post = (secret: string) =>
      handler(new Request(`http://localhost:3000/api/webhooks/stripe/${connectionId}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, [secret], Math.floor(Date.now() / 1000)) } }), {
        params: Promise.resolve({ connectionId }),
      })
    expect((await post(`whsec_${'0'.repeat(48)}`)).status).toBe(400)
    expect((await post(cliSecret)).status).toBe(200)
    expect(await db.stripeEvent.count({ where: { connectionId, id: 'evt_forwarded_1' } })).toBe(1)
  })

  test('a connection with our own endpoint keeps its secret: forwarding is refused', async () => {
    const ws = await newWorkspace()
    const verified = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    await finish(ws, verified.connectionId)
    await expect(saveForwardedWebhookSecret(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, secret: `whsec_${'a'.repeat(40)}` })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'conflict' && e.message.includes('its own webhook endpoint'),
    )
  })
})

describe('primary connection (F4)', () => {
  async function twoConnections() {
    const ws = await newWorkspace()
    const ids: string[] = []
    for (const seed of [31, 32]) {
      const account = sandbox.createAccount({ customers: 0, seed })
      const verified = await verify(ws, account.restrictedKey)
      if (!verified.ok) throw new Error(verified.message)
      await finish(ws, verified.connectionId)
      ids.push(verified.connectionId)
    }
    return { ws, first: ids[0]!, second: ids[1]! }
  }
  const primaries = async (workspaceId: string) => (await listConnections(db, workspaceId, { appUrl })).filter((c) => c.isPrimary).map((c) => c.id)

  test('the first connection is primary; an admin moves it, and there is only ever one', async () => {
    const { ws, first, second } = await twoConnections()
    expect(await primaries(ws.workspaceId)).toEqual([first])
    await setPrimaryConnection(db, { workspaceId: ws.workspaceId, role: 'admin', connectionId: second })
    expect(await primaries(ws.workspaceId)).toEqual([second])
  })

  test('a marketer is refused and nothing changes', async () => {
    const { ws, second, first } = await twoConnections()
    await expect(setPrimaryConnection(db, { workspaceId: ws.workspaceId, role: 'marketer', connectionId: second })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'forbidden')
    expect(await primaries(ws.workspaceId)).toEqual([first])
  })

  test("another workspace's connection cannot be made primary, and the owner's primary stays", async () => {
    const { ws, first, second } = await twoConnections()
    const intruder = await newWorkspace()
    await expect(setPrimaryConnection(db, { workspaceId: intruder.workspaceId, role: 'admin', connectionId: second })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found')
    expect(await primaries(ws.workspaceId)).toEqual([first])
  })
})

describe('field mapping (F7)', () => {
  test('the preview applies the mapping to a real customer of the account, including a metadata attribute', async () => {
    const ws = await newWorkspace()
    const account = sandbox.createAccount({ customers: 3, seed: 11 })
    const stripe = createStripeClient(account.secretKey, { apiBase: sandbox.url })
    const customer = await stripe.customers.create({ email: 'Preview.Person@Example.com', name: 'Preview Person', metadata: { plan_tier: 'gold', seats: '12' } })
    const verified = await verify(ws, account.restrictedKey)
    if (!verified.ok) throw new Error(verified.message)
    const mapping = defaultMapping()
    mapping.fields = mapping.fields.map((f) => (f.key === 'customer.name' ? { ...f, target: 'stripe_full_name' } : f.key === 'customer.phone' ? { ...f, enabled: false } : f))
    mapping.metadata.push({ key: 'seats', target: 'stripe_seats', type: 'number' })
    const preview = await previewMapping(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, mapping, customer: customer.id })
    expect(preview.customer.email).toBe('Preview.Person@Example.com')
    expect(preview.attributes).toMatchObject({ stripe_full_name: 'Preview Person', stripe_email: 'Preview.Person@Example.com', stripe_customer_id: customer.id, stripe_seats: 12 })
    expect(preview.attributes).not.toHaveProperty('stripe_name')
    expect(preview.attributes).not.toHaveProperty('stripe_phone')
  })

  test('saving refuses a bad mapping with a message on each row, and keeps a good one', async () => {
    const ws = await newWorkspace()
    const verified = await verify(ws, sandbox.control.createKey(F2_PERMISSIONS))
    if (!verified.ok) throw new Error(verified.message)
    const bad = defaultMapping()
    bad.fields[0] = { ...bad.fields[0]!, target: 'Bad Name!' }
    bad.fields[1] = { ...bad.fields[1]!, target: 'email' }
    const error = await saveMapping(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, mapping: bad }).catch((e: AppError) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).fieldErrors).toMatchObject({ 'fields.0': expect.stringContaining('not a valid attribute name'), 'fields.1': expect.stringContaining('reserved') })
    const good = defaultMapping()
    good.metadata.push({ key: 'plan_tier', target: 'stripe_plan_tier', type: 'string' })
    await saveMapping(deps, { workspaceId: ws.workspaceId, connectionId: verified.connectionId, mapping: good })
    expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: verified.connectionId } })).mapping).toEqual(good)
  })
})

describe('disconnect and the imported data (F6)', () => {
  async function connectedWithContacts() {
    const ws = await newWorkspace()
    const account = sandbox.createAccount({ customers: 0, seed: 3 })
    const verified = await verify(ws, account.restrictedKey)
    if (!verified.ok) throw new Error(verified.message)
    await finish(ws, verified.connectionId)
    const asOf = new Date()
    const customers = [
      { id: 'cus_only', email: 'only@example.com', name: 'Only Stripe' },
      { id: 'cus_known', email: 'known@example.com', name: 'Known To The App' },
    ]
    for (const c of customers) {
      await db.stripeCustomer.create({ data: { connectionId: verified.connectionId, id: c.id, email: c.email, created: asOf, livemode: false, dataAsOf: asOf, data: { id: c.id, object: 'customer', email: c.email, name: c.name, phone: '+15550000', created: 1_700_000_000, livemode: false, metadata: {}, address: { city: 'Lyon' } } } })
    }
    const { recomputeContacts } = await import('../sync/recompute-contacts')
    await recomputeContacts(db, { connectionId: verified.connectionId, customerIds: customers.map((c) => c.id), now: new Date() })
    const known = await db.contact.findFirstOrThrow({ where: { workspaceId: ws.workspaceId, email: 'known@example.com' } })
    await db.activityEvent.create({ data: { workspaceId: ws.workspaceId, contactId: known.id, name: 'logged_in', occurredAt: new Date() } })
    return { ws, connectionId: verified.connectionId }
  }

  test('keep: contacts keep their attributes, unlinked; the mirror is gone', async () => {
    const { ws, connectionId } = await connectedWithContacts()
    await disconnectConnection(deps, { workspaceId: ws.workspaceId, connectionId, data: 'keep' })
    const contacts = await db.contact.findMany({ where: { workspaceId: ws.workspaceId }, orderBy: { email: 'asc' } })
    expect(contacts.map((c) => [c.email, c.name, c.isStripeLinked, (c.attributes as Record<string, unknown>).stripe_address_city])).toEqual([
      ['known@example.com', 'Known To The App', false, 'Lyon'],
      ['only@example.com', 'Only Stripe', false, 'Lyon'],
    ])
    expect(await db.stripeCustomer.count({ where: { connectionId } })).toBe(0)
  })

  test('anonymise: names, emails, phones and addresses from Stripe are removed', async () => {
    const { ws, connectionId } = await connectedWithContacts()
    await disconnectConnection(deps, { workspaceId: ws.workspaceId, connectionId, data: 'anonymise' })
    const contacts = await db.contact.findMany({ where: { workspaceId: ws.workspaceId } })
    expect(contacts).toHaveLength(2)
    for (const c of contacts) {
      expect([c.email, c.name]).toEqual([null, null])
      const attributes = c.attributes as Record<string, unknown>
      for (const personal of ['stripe_email', 'stripe_name', 'stripe_phone', 'stripe_address_city']) expect(attributes).not.toHaveProperty(personal)
      expect(attributes).toHaveProperty('stripe_customer_id')
    }
  })

  test('delete: contacts that only exist because of Stripe go; one the product API knows stays, cleared', async () => {
    const { ws, connectionId } = await connectedWithContacts()
    await disconnectConnection(deps, { workspaceId: ws.workspaceId, connectionId, data: 'delete' })
    const contacts = await db.contact.findMany({ where: { workspaceId: ws.workspaceId } })
    expect(contacts.map((c) => [c.email, c.isStripeLinked, c.attributes])).toEqual([['known@example.com', false, {}]])
  })
})
