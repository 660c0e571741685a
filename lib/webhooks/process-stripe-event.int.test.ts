import { randomBytes, randomUUID } from 'node:crypto'
import { InngestTestEngine } from '@inngest/test'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { processStripeEvent } from '@/inngest/functions/process-stripe-event'
import { drainLocalRuns } from '@/inngest/local-dispatch'
import { type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../crypto'
import { createStripeClient } from '../stripe/client'
import { signUp } from '../workspaces/sign-up'

// The process-stripe-event Inngest function through the SDK's execution engine (@inngest/test):
// the stored event is applied, and what changed is announced — contact/updated for segments,
// billing/event.recorded for automations — once; a second run of the same event announces nothing.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 1, seed: 5 })
})
afterAll(async () => {
  await drainLocalRuns({ timeoutMs: 10_000 }).catch(() => undefined)
  await sandbox?.close()
})

type Sent = { name: string; data: Record<string, unknown> }
const sentBy = (ctx: { step: { sendEvent: unknown } }): Sent[] =>
  ((ctx.step.sendEvent as { mock: { calls: [string, Sent | Sent[]][] } }).mock.calls ?? []).flatMap(([, events]) => (Array.isArray(events) ? events : [events]))

describe('process-stripe-event (Inngest)', () => {
  test('a failed payment: contact/updated and billing/event.recorded are sent for the contact; a rerun sends nothing', async () => {
    const account = sandbox.createAccount({ customers: 0, seed: 9 })
    const { workspaceId } = await signUp(db, { name: 'Ivy', email: `ivy-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
    const connection = await db.stripeConnection.create({
      data: { workspaceId, mode: 'test', keyKind: 'secret', keySealed: secretBox().seal(account.secretKey), keyHint: 'sk_test_…x', apiBase: sandbox.url, status: 'active', accountId: account.accountId, connectedAt: new Date(Date.now() - 60_000) },
    })
    const stripe = createStripeClient(account.secretKey, { apiBase: sandbox.url })
    const email = `ivy-${randomUUID()}@example.com`
    const price = account.control.runtime.account.prices.all.items.find((p) => p.obj.recurring?.interval === 'month' && p.obj.currency === 'usd' && p.obj.billing_scheme !== 'tiered')!.id
    const { subscription } = account.control.createCustomer({ email, price })
    account.control.failPayment(subscription!)
    const event = (await stripe.events.list({ limit: 100 })).data.find((e) => e.type === 'charge.failed')!
    await db.stripeEvent.create({ data: { connectionId: connection.id, id: event.id, type: event.type, created: new Date(event.created * 1000), livemode: false, payload: event as object, status: 'pending' } })

    const run = () => new InngestTestEngine({ function: processStripeEvent, events: [{ name: 'stripe/event.received', data: { connectionId: connection.id, stripeEventId: event.id, customerKey: String(event.data.object && (event.data.object as { customer?: string }).customer) } }] }).execute()
    const { result, ctx } = await run()
    expect(result).toMatchObject({ status: 'processed', billingEvents: 1 })
    const contact = await db.contact.findFirstOrThrow({ where: { workspaceId, email } })
    const sent = sentBy(ctx as never)
    expect(sent.filter((e) => e.name === 'contact/updated')).toMatchObject([{ data: { workspaceId, contactIds: [contact.id], cause: `stripe:${event.id}` } }])
    const feedItem = await db.billingEvent.findFirstOrThrow({ where: { contactId: contact.id, stripeEventId: event.id } })
    expect(sent.filter((e) => e.name === 'billing/event.recorded')).toMatchObject([{ data: { workspaceId, contactId: contact.id, billingEventId: feedItem.id, type: 'charge.failed', stripeEventId: event.id } }])

    const again = await run()
    expect(again.result).toMatchObject({ status: 'skipped', billingEvents: 0 })
    expect(sentBy(again.ctx as never).filter((e) => e.name === 'billing/event.recorded' || e.name === 'contact/updated')).toEqual([])
  })
})
