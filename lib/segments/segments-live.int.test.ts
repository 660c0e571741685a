import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { inngest, inngestMode } from '@/inngest/client'
import { connectionConnected } from '@/inngest/events'
import { drainLocalRuns } from '@/inngest/local-dispatch'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { serveConnectionRoute } from '@/test/support/route-server'
import { secretBox } from '../crypto'
import { createStripeClient } from '../stripe/client'
import { handledStripeEvents } from '../stripe/webhook-events'
import { signUp } from '../workspaces/sign-up'
import { builtinKeys } from './builtins'

// Segments on the app's real path, in-process (the SDK's engine, local dispatch):
// stripe/connection.connected → create-builtin-segments → recompute-segment; then the sandbox
// changes a subscription → signed webhook over HTTP → the real route → stripe/event.received →
// process-stripe-event → contact/updated → reevaluate-segment-memberships.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
let sandbox: RunningSandbox
let server: Awaited<ReturnType<typeof serveConnectionRoute>> | undefined

beforeAll(async () => {
  expect(inngestMode.mode, inngestMode.reason).toBe('local')
  sandbox = await startSandbox({ customers: 12, seed: 71, delivery: { retryBaseMs: 150, maxAttempts: 6, timeoutMs: 5000 } })
  // The app's own route module (its db() is the test database, its dispatch is inngest.send).
  const { POST } = await import('@/app/api/webhooks/stripe/[connectionId]/route')
  server = await serveConnectionRoute(POST)
})
afterAll(async () => {
  await sandbox?.close()
  await server?.close()
})

/** Every delivery landed, then every run they started (and the runs those started) finished. */
async function settle() {
  await sandbox.control.webhooksIdle()
  // The route hands events to Inngest in small batches after a few milliseconds.
  await new Promise((r) => setTimeout(r, 300))
  const outcomes = await drainLocalRuns({ timeoutMs: 120_000 })
  expect(outcomes.filter((o) => o.status === 'failed')).toEqual([])
  return outcomes
}

async function historyOf(contactId: string) {
  const rows = await db.segmentMembershipChange.findMany({ where: { contactId }, orderBy: [{ at: 'asc' }, { kind: 'asc' }] })
  const names = new Map((await db.segment.findMany({ where: { id: { in: rows.map((r) => r.segmentId) } } })).map((s) => [s.id, s.name]))
  return rows.map((r) => ({ line: `${r.kind} ${names.get(r.segmentId)}`, cause: r.cause }))
}

describe('segments on the live path (F18, F19)', () => {
  test('connect creates the 10 built-ins once (a reconnect adds none); a trial whose payment fails moves from "Current trials" to "Past due" through the webhook', async () => {
    const { workspaceId } = await signUp(db, { name: 'Sage', email: `sage-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
    const connection = await db.stripeConnection.create({
      data: { workspaceId, accountId: sandbox.accountId, mode: 'test', keyKind: 'restricted', keySealed: secretBox().seal(sandbox.control.createKey(F2_PERMISSIONS)), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'waiting_to_sync', importChoice: 'all', requestRate: 500 },
    })
    const stripe = createStripeClient(sandbox.secretKey, { apiBase: sandbox.url })
    const endpoint = await stripe.webhookEndpoints.create({ url: `${server?.url}/api/webhooks/stripe/${connection.id}`, enabled_events: [...handledStripeEvents] })
    await db.stripeConnection.update({ where: { id: connection.id }, data: { webhookSecretSealed: secretBox().seal(endpoint.secret as string), webhookEndpointId: endpoint.id } })

    await inngest.send(connectionConnected.create({ connectionId: connection.id, workspaceId, importChoice: 'all' }))
    const first = await settle()
    expect(first.find((o) => o.functionId === 'create-builtin-segments')).toMatchObject({ status: 'completed', output: { created: 10 } })
    const builtins = await db.segment.findMany({ where: { workspaceId }, orderBy: { builtinKey: 'asc' } })
    expect(builtins.map((s) => s.builtinKey).sort()).toEqual([...builtinKeys].sort())
    // Every built-in was computed in the background and finished.
    expect(builtins.every((s) => s.recomputeProgress === null)).toBe(true)
    const syncing = builtins.find((s) => s.builtinKey === 'syncing_with_stripe')
    expect(syncing?.memberCount).toBe(await db.contact.count({ where: { workspaceId, isStripeLinked: true } }))

    // Reconnect (the wizard finished again): nothing new, nothing duplicated.
    await inngest.send(connectionConnected.create({ connectionId: connection.id, workspaceId, importChoice: 'changes_only' }))
    const again = await settle()
    expect(again.find((o) => o.functionId === 'create-builtin-segments')).toMatchObject({ status: 'completed', output: { created: 0 } })
    expect(await db.segment.count({ where: { workspaceId } })).toBe(10)

    // A new customer starts a trial: the webhook makes a contact, which enters "Current trials".
    const price = sandbox.control.runtime.account.prices.all.items.find((p) => p.obj.recurring?.interval === 'month' && p.obj.currency === 'usd' && p.obj.billing_scheme !== 'tiered')?.id
    const { customer, subscription } = sandbox.control.createCustomer({ email: `tess-${randomUUID()}@example.com`, name: 'Tess Trial', price, trialDays: 14 })
    await settle()
    const link = await db.contactStripeLink.findUniqueOrThrow({ where: { connectionId_customerId: { connectionId: connection.id, customerId: customer } } })
    const before = await historyOf(link.contactId)
    expect(before.map((h) => h.line)).toContain('entered Current trials')
    expect(before.map((h) => h.line)).not.toContain('entered Past due')

    // The trial ends and the first payment fails: Stripe sends the subscription as past_due.
    sandbox.control.failPayment(subscription as string)
    await settle()
    const after = (await historyOf(link.contactId)).slice(before.length)
    const exited = after.find((h) => h.line === 'exited Current trials')
    const entered = after.find((h) => h.line === 'entered Past due')
    expect(exited, JSON.stringify(after)).toBeDefined()
    expect(entered, JSON.stringify(after)).toBeDefined()
    // The cause is the Stripe event that carried the change, as stored from the webhook.
    expect(entered?.cause).toMatch(/^stripe:evt_/)
    expect(exited?.cause).toBe(entered?.cause)
    const eventId = String(entered?.cause).slice('stripe:'.length)
    const event = await db.stripeEvent.findFirstOrThrow({ where: { connectionId: connection.id, id: eventId } })
    expect(event.type).toMatch(/^customer\.subscription\.|^invoice\./)
    const members = async (key: string) => (await db.segmentMembership.findMany({ where: { segment: { workspaceId, builtinKey: key } }, select: { contactId: true } })).map((m) => m.contactId)
    expect(await members('past_due')).toContain(link.contactId)
    expect(await members('current_trials')).not.toContain(link.contactId)
  }, 180_000)
})
