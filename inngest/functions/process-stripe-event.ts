import { secretBox } from '@/lib/crypto'
import { db } from '@/lib/db'
import { stripeForConnection } from '@/lib/connections/connection-deps'
import { applyStripeEvent } from '@/lib/sync/apply-event/apply-stripe-event'
import { claimKeyProbe } from '@/lib/health/probe-key'
import { inngest } from '../client'
import { billingEventRecorded, contactUpdated, healthCheckRequested, stripeEventReceived } from '../events'

// Applies one stored Stripe event (lib/sync/apply-event), then announces what changed.
// One run at a time per (connection, customer): a customer's events are applied in turn, while
// different customers proceed in parallel. Retries come from Inngest; the stored event says
// `failed` with the error in between, and gap repair re-sends events left pending. A paused
// connection's events are held (left pending) and applied on resume.

const KEY_PROBE_INTERVAL_MS = 5_000
export const processStripeEvent = inngest.createFunction(
  {
    id: 'process-stripe-event',
    retries: 5,
    triggers: [stripeEventReceived],
    concurrency: [{ key: 'event.data.connectionId + "/" + event.data.customerKey', limit: 1 }],
  },
  async ({ event, step }) => {
    const { connectionId, stripeEventId } = event.data
    const { isProbeDue, ...result } = await step.run('apply-stripe-event', async () => ({
      // Webhooks arriving are the moment to notice a revoked key: at most one probe per interval.
      // (An apply that meets a 401 itself records the rejected key.)
      isProbeDue: await claimKeyProbe(db(), { connectionId, now: new Date(), minIntervalMs: KEY_PROBE_INTERVAL_MS }),
      ...(await applyStripeEvent({ db: db(), stripeFor: (c) => stripeForConnection({ db: db(), box: secretBox() }, c), now: () => new Date() }, { connectionId, eventId: stripeEventId })),
    }))
    if (isProbeDue) await step.sendEvent('request-health-check', healthCheckRequested.create({ connectionId, reason: 'webhook' }))
    const cause = `stripe:${stripeEventId}`
    const announcements = [
      // `changed` lets segments skip rules that read neither Stripe data nor these billing events.
      ...chunk(result.contactIds, 500).map((contactIds) =>
        contactUpdated.create({ workspaceId: result.workspaceId, contactIds, cause, changed: { stripe: true, billing: [...new Set(result.billingEvents.map((b) => b.type))].slice(0, 200) } }),
      ),
      ...result.billingEvents.map((b) => billingEventRecorded.create({ workspaceId: result.workspaceId, contactId: b.contactId, billingEventId: b.id, type: b.type, stripeEventId })),
    ]
    if (announcements.length) await step.sendEvent('announce-changes', announcements)
    return { status: result.status, contacts: result.contactIds.length, billingEvents: result.billingEvents.length, refetched: result.refetched }
  },
)

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
