import type Stripe from 'stripe'
import type { Db } from '../db'
import { deriveLifecycleEvents } from '../sync/apply-event/derive-lifecycle'
import { handlerFor } from '../sync/apply-event/handlers'
import type { MirrorObject } from '../sync/mirror-write'
import { computeMrr } from '../sync/mrr'
import type { BundleSubscription } from '../sync/customer-bundle'
import { describeStripeEvent, type FeedItem } from './describe-event'
import { recordBillingEvents } from './record-billing-events'

// The backfill's history (F15): Stripe's Events API keeps 30 days, so the feed of an imported
// contact starts with what happened in those 30 days, marked historical — historical items are
// never announced (no billing/event.recorded), so automations never fire on the past.
// Lifecycle items are derived between consecutive snapshots of the same subscription in the
// listed events (each event carries the full object), never from `previous_attributes`.
//
// Call it after the backfill has recomputed contacts (items need the customer's contact):
//   await importHistoricalEvents(db, { connectionId, stripe, now: new Date() })
// It is idempotent (billing_events is unique on connection + event + type) and does not touch
// stripe_events, so gap repair, whose window starts at connectedAt, never replays these events.
//
// The window ends where live sync begins: at the connection's connectedAt (its webhook endpoint
// exists from then on). Events after it arrive live — perhaps late, since this runs after every
// re-sync and gap-repair import — and must stay live: recorded here first, the live delivery
// would insert nothing and automations would never fire. Events we hold in stripe_events
// (delivered, or found by gap repair) are skipped for the same reason; and a live delivery
// that still finds a historical row turns it live (lib/feed/record-billing-events.ts).

export const HISTORY_WINDOW_MS = 30 * 24 * 3600 * 1000

export async function importHistoricalEvents(db: Db, args: { connectionId: string; stripe: Stripe; now: Date }): Promise<{ listed: number; recorded: number; requests: number }> {
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { workspaceId: true, apiBase: true, connectedAt: true } })
  const since = Math.floor((args.now.getTime() - HISTORY_WINDOW_MS) / 1000)
  // Whole seconds: the second of connectedAt itself already belongs to live sync.
  const until = Math.floor((connection.connectedAt ?? args.now).getTime() / 1000)
  if (until <= since) return { listed: 0, recorded: 0, requests: 0 }
  // Account-wide list, 100 per page, newest first; collected then applied oldest first so each
  // subscription snapshot is compared with the one before it.
  const events: Stripe.Event[] = []
  let requests = 0
  let page: Stripe.ApiList<Stripe.Event> | undefined
  do {
    requests += 1
    page = await args.stripe.events.list({ created: { gte: since, lt: until }, limit: 100, ...(page && { starting_after: page.data.at(-1)!.id }) })
    events.push(...page.data)
  } while (page.has_more && page.data.length > 0)
  events.reverse()
  // One array parameter: a month of events can exceed PostgreSQL's 65,535 bind parameters.
  const stored = await db.$queryRawUnsafe<{ id: string }[]>('select id from stripe_events where connection_id = $1 and id = any($2::text[])', args.connectionId, events.map((e) => e.id))
  const live = new Set(stored.map((e) => e.id))

  const customerIds = new Set<string>()
  for (const e of events) {
    const object = e.data?.object as unknown as MirrorObject | undefined
    const handler = handlerFor(e.type)
    if (handler && object?.id) for (const c of handler.customerIdsOf(object)) customerIds.add(c)
  }
  const links = await db.contactStripeLink.findMany({ where: { connectionId: args.connectionId, customerId: { in: [...customerIds] } }, select: { customerId: true, contactId: true } })
  const contactOf = new Map(links.map((l) => [l.customerId, l.contactId]))

  const lastSnapshot = new Map<string, BundleSubscription>()
  let recorded = 0
  for (const e of events) {
    const handler = handlerFor(e.type)
    const object = e.data?.object as unknown as MirrorObject | undefined
    if (!handler || !object?.id) continue
    const items: FeedItem[] = describeStripeEvent(e.type, object)
    if (handler.mirror === 'subscription') {
      const sub = object as unknown as BundleSubscription
      const before = lastSnapshot.get(sub.id)
      const at = new Date(e.created * 1000)
      const state = (s: BundleSubscription) => {
        const mrr = computeMrr({ subscriptions: [s] }, { now: at })
        const x = s as BundleSubscription & { cancel_at?: number | null }
        return { id: s.id, status: s.status, cancelAtPeriodEnd: Boolean(s.cancel_at_period_end), cancelAt: x.cancel_at ?? null, trialEnd: s.trial_end ?? null, mrr: mrr[s.currency] ?? 0, currency: s.currency }
      }
      if (before) items.push(...deriveLifecycleEvents(state(before), state(sub)))
      else if (e.type === 'customer.subscription.created') items.push(...deriveLifecycleEvents(null, state(sub)))
      lastSnapshot.set(sub.id, sub)
    }
    const contactId = handler.customerIdsOf(object).map((c) => contactOf.get(c)).find(Boolean)
    if (!contactId || !items.length || live.has(e.id)) continue
    const inserted = await recordBillingEvents(db, {
      workspaceId: connection.workspaceId,
      connectionId: args.connectionId,
      contactId,
      stripeEventId: e.id,
      occurredAt: new Date(e.created * 1000),
      isHistorical: true,
      objectType: handler.mirror,
      objectId: object.id,
      livemode: e.livemode,
      isSandbox: connection.apiBase !== null,
      items,
    })
    recorded += inserted.length
  }
  return { listed: events.length, recorded, requests }
}
