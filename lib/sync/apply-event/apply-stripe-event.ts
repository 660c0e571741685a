import type Stripe from 'stripe'
import type { Db } from '../../db'
import { describeStripeEvent, type FeedItem } from '../../feed/describe-event'
import { type RecordedBillingEvent, recordBillingEvents } from '../../feed/record-billing-events'
import { createdAtOf, stripeEventEnvelopeSchema } from '../../webhooks/event-envelope'
import type { BundlePrice, BundleSubscription } from '../customer-bundle'
import { type MirrorObject, type MirrorRow, type MirrorWrite, readMirror, writeMirror } from '../mirror-write'
import { computeMrr } from '../mrr'
import { recomputeContacts } from '../recompute-contacts'
import { recordRejectedKey } from '../../health/probe-key'
import { canReadCoupons } from '../../stripe/permissions'
import { type ConnectionBudget, ensureConnectionBudget, type RequestStats, requestWithBudget, StripeRequestError } from '../../stripe/request-budget'
import { completeSubscriptionItems } from '../../stripe/subscription-items'
import { normalizeEmail } from '../../email'
import { customerEvents } from './customer'
import { deriveLifecycleEvents, type SubscriptionState } from './derive-lifecycle'
import { expandEventDiscounts } from './expand-discounts'
import { handlerFor } from './handlers'
import type { EventHandler } from './types'

// Applies one stored Stripe event (F13): object → mirror under the newer-wins guard (re-fetching
// the truth from Stripe on a same-second tie, an apparent regression or a thin event), contacts
// recomputed with the identity rules (lib/sync/recompute-contacts), feed items written once per
// (connection, event, type), and the stored event marked processed or failed. What to announce
// (contact/updated, billing/event.recorded) is returned for the Inngest function to send.

export type ApplyDeps = {
  db: Db
  /** A Stripe client for the connection; only called when the truth must be fetched. */
  stripeFor: (connection: { keySealed: string; apiBase: string | null }) => Stripe
  now: () => Date
}

export type ApplyResult = {
  /** `held`: paused, or Stripe refused the key; the event stays pending until resumed / a new key is saved. */
  status: 'processed' | 'skipped' | 'ignored' | 'held'
  workspaceId: string
  contactIds: string[]
  billingEvents: RecordedBillingEvent[]
  /** Why the object was fetched from Stripe instead of taken from the event, if it was. */
  refetched: 'tie' | 'regression' | 'thin' | null
}

export async function applyStripeEvent(deps: ApplyDeps, args: { connectionId: string; eventId: string }): Promise<ApplyResult> {
  const { db } = deps
  const stored = await db.stripeEvent.findUnique({ where: { connectionId_id: { connectionId: args.connectionId, id: args.eventId } } })
  if (!stored) throw new Error(`Stripe event ${args.eventId} is not stored for connection ${args.connectionId}`)
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { workspaceId: true, keySealed: true, apiBase: true, status: true, mode: true, permissions: true } })
  const empty = { workspaceId: connection.workspaceId, contactIds: [], billingEvents: [], refetched: null }
  if (stored.status === 'processed' || stored.status === 'ignored') return { status: 'skipped', ...empty }
  if (connection.status === 'paused') return { status: 'held', ...empty }

  try {
    const envelope = stripeEventEnvelopeSchema.parse(stored.payload)
    const handler = handlerFor(envelope.type)
    if (!handler) {
      await mark(db, args, 'ignored', null)
      return { status: 'ignored', ...empty }
    }
    const eventAt = createdAtOf(envelope)
    const objectId = envelope.data?.object?.id ?? envelope.related_object?.id ?? null
    let object = (envelope.data?.object as MirrorObject | undefined) ?? null
    let deleted = handler.isDeletion?.(envelope.type) ?? false
    let refetched: ApplyResult['refetched'] = null
    let stripe: Stripe | undefined
    const client = () => (stripe ??= deps.stripeFor(connection))
    // Every fetch goes through the connection's request budget, shared with the backfill and
    // every other run: Stripe's rate limit is per account.
    const budget = budgetFor(db, { connectionId: args.connectionId, mode: connection.mode })
    const truth = async () => {
      if (!handler.retrieve || !objectId) return null
      const retrieve = handler.retrieve
      return budget(() => retrieve(client(), objectId))
    }

    if (!object && objectId) {
      refetched = 'thin'
      object = await truth()
      if (!object) object = { id: objectId, deleted: true }
    }

    // Mirror, newer wins. The stored row's data_as_of is the instant its data was true at Stripe.
    let previous: MirrorRow | undefined
    let current = object
    if (handler.mirror && object?.id && current) {
      previous = (await readMirror(db, { connectionId: args.connectionId, type: handler.mirror, ids: [object.id] })).get(object.id)
      let asOf = eventAt
      if (previous && previous.dataAsOf.getTime() >= eventAt.getTime() && handler.retrieve) {
        // Same second (Stripe timestamps are whole seconds and often equal) or older than what
        // we hold: the event cannot say which state is last; Stripe can.
        refetched = previous.dataAsOf.getTime() === eventAt.getTime() ? 'tie' : 'regression'
        // The fetched object is true as of the moment we asked (taken before the request, so
        // an event created while it was in flight still counts as newer). Storing it with the
        // old row's time would let a late event older than the fetch, but newer than that
        // row, overwrite the truth without a re-fetch.
        const fetchedAt = deps.now()
        const fetched = await truth()
        current = fetched ?? { ...(previous.data as MirrorObject), id: object.id, deleted: true }
        deleted = !fetched || fetched.deleted === true || (deleted && refetched === 'tie')
        asOf = fetchedAt.getTime() > previous.dataAsOf.getTime() ? fetchedAt : previous.dataAsOf
      }
      // A subscription embeds only its first 10 items; MRR needs the rest.
      if (handler.mirror === 'subscription' && !deleted && (current.items as { has_more?: boolean } | undefined)?.has_more) {
        await completeSubscriptionItems(client(), current)
      }
      // Events carry discount ids; keep the expanded discounts MRR needs (expand-discounts.ts).
      if ((handler.mirror === 'subscription' || handler.mirror === 'customer') && !deleted) {
        current = await expandEventDiscounts({ stripe: client, canReadCoupons: canReadCoupons(connection) }, { type: handler.mirror, object: current, previous: previous?.data })
      }
      await writeMirror(db, { connectionId: args.connectionId, type: handler.mirror, writes: [{ object: current, dataAsOf: asOf, deleted, livemode: envelope.livemode }] })
    }

    // Contacts: the feed's contact is read before recompute, so a deleted customer's last
    // events still land on the contact it had.
    const customerIds = [...new Set([...(object ? handler.customerIdsOf(object) : []), ...(previous ? handler.customerIdsOf(previous.data as MirrorObject) : [])])]
    // Stripe does not order deliveries, a changes_only connection never imported its existing
    // customers, and an import may not have reached this one yet: a customer we do not hold
    // would read as deleted below. Fetch and mirror it first (a customer Stripe reports
    // deleted is stored deleted, so it stays deleted).
    await mirrorMissingCustomers(db, { connectionId: args.connectionId, customerIds, livemode: envelope.livemode, now: deps.now, fetch: (id) => budget(() => customerRetrieve(client(), id)) })
    const linksBefore = await contactLinks(db, args.connectionId, customerIds)
    const { contactIds } = customerIds.length ? await recomputeContacts(db, { connectionId: args.connectionId, customerIds, now: deps.now() }) : { contactIds: [] }
    const linksAfter = await contactLinks(db, args.connectionId, customerIds)

    // Feed: what the event says happened, plus what the state transition shows.
    const items: FeedItem[] = object ? describeStripeEvent(envelope.type, object) : []
    if (handler.mirror === 'subscription' && current && !deleted) {
      const prices = await pricesFor(db, args.connectionId, [previous?.data, current])
      const now = deps.now()
      items.push(...deriveLifecycleEvents(previous && !previous.deletedAt ? subscriptionState(previous.data, prices, now) : null, subscriptionState(current, prices, now)))
    }
    const customerId = customerIds[0]
    // A guest checkout (`customer: null`) has no customer to link: its feed item goes to the
    // contact with the buyer's email (F9: trimmed, case-insensitive), when there is one.
    const contactId = customerId ? (linksAfter.get(customerId) ?? linksBefore.get(customerId)) : await guestContactOf(db, connection.workspaceId, handler.mirror, object)
    const billingEvents = contactId
      ? await recordBillingEvents(db, {
          workspaceId: connection.workspaceId,
          connectionId: args.connectionId,
          contactId,
          stripeEventId: envelope.id,
          occurredAt: eventAt,
          isHistorical: false,
          objectType: handler.mirror,
          objectId: typeof object?.id === 'string' ? object.id : null,
          livemode: envelope.livemode,
          isSandbox: connection.apiBase !== null,
          items,
        })
      : []

    await mark(db, args, 'processed', null)
    const touched = new Set([...contactIds, ...linksBefore.values()])
    return { status: 'processed', workspaceId: connection.workspaceId, contactIds: [...touched], billingEvents, refetched }
  } catch (error) {
    // Stripe refused the key while fetching the truth: nothing is wrong with the event. The
    // connection needs a new key; the event is held (pending) and re-sent when one is saved.
    if ((error as { statusCode?: number } | null)?.statusCode === 401 || (error instanceof StripeRequestError && error.failure.kind === 'revoked')) {
      await recordRejectedKey(db, { connectionId: args.connectionId, code: (error as { code?: string }).code, now: deps.now() })
      await db.stripeEvent.update({
        where: { connectionId_id: { connectionId: args.connectionId, id: args.eventId } },
        data: { status: 'pending', error: 'Waiting for a new Stripe key: Stripe refused the stored one while this event was applied.', attempts: { increment: 1 } },
      })
      return { status: 'held', ...empty }
    }
    console.error('[churnless] applying a Stripe event failed', { connectionId: args.connectionId, eventId: args.eventId }, error)
    await mark(db, args, 'failed', failureInWords(error)).catch(() => undefined)
    throw error
  }
}

/**
 * What the health page shows as the cause of a failed event: the kind of failure and what to
 * do, in words. Stripe's own message and stack traces stay in the server log.
 */
export function failureInWords(error: unknown): string {
  if (error instanceof StripeRequestError) {
    if (error.failure.kind === 'permission') return `The key may not read this object (403${error.failure.permission ? `, needs ${error.failure.permission}` : ''}): add the missing read permission to the restricted key, then retry.`
    if (error.failure.kind === 'exhausted') return 'Stripe kept failing or rate-limiting the fetch of its copy of the object. Retry in a minute.'
    return 'Stripe refused the fetch of its copy of the object. Details are in the server log.'
  }
  const stripe = error as { type?: string; statusCode?: number; code?: string } | null
  if (typeof stripe?.type === 'string' && stripe.type.startsWith('Stripe')) {
    if (stripe.type === 'StripeConnectionError') return 'Stripe could not be reached while its copy of the object was fetched. Retry once the network is back.'
    if (stripe.statusCode === 429) return 'Stripe rate-limited the fetch of its copy of the object (429). Retry in a minute.'
    if ((stripe.statusCode ?? 0) >= 500) return `Stripe failed (HTTP ${stripe.statusCode}) while its copy of the object was fetched. Retry once Stripe answers again.`
    if (stripe.statusCode === 403) return 'The key may not read this object (403): add the missing read permission to the restricted key, then retry.'
    return `Stripe refused the fetch of its copy of the object (HTTP ${stripe.statusCode ?? '?'}${stripe.code ? `, ${stripe.code}` : ''}). Details are in the server log.`
  }
  return 'Churnless could not apply this event (an internal error; details are in the server log). Retry; if it fails again, report it.'
}

async function mark(db: Db, args: { connectionId: string; eventId: string }, status: 'processed' | 'failed' | 'ignored', error: string | null) {
  await db.stripeEvent.update({
    where: { connectionId_id: { connectionId: args.connectionId, id: args.eventId } },
    data: { status, error: error?.slice(0, 1000) ?? null, attempts: { increment: 1 }, processedAt: status === 'failed' ? null : new Date() },
  })
}

const customerRetrieve = customerEvents.retrieve as NonNullable<typeof customerEvents.retrieve>

/** Sends Stripe requests under the account's shared budget (created on first use). */
function budgetFor(db: Db, args: { connectionId: string; mode: 'live' | 'test' }) {
  let ready: Promise<ConnectionBudget> | undefined
  const stats: RequestStats = { requests: 0, throttled: 0 }
  return async <T>(send: () => Promise<T>): Promise<T> => {
    ready ??= ensureConnectionBudget(db, { connectionId: args.connectionId })
    const budget = await ready
    return requestWithBudget({ db, ratePerSecond: budget.ratePerSecond }, budget.key, stats, send)
  }
}

/** Fetches and mirrors the customers we hold no row for; returns their ids. */
export async function mirrorMissingCustomers(
  db: Db,
  args: { connectionId: string; customerIds: readonly string[]; livemode: boolean; now: () => Date; fetch: (id: string) => Promise<MirrorObject | null> },
): Promise<string[]> {
  if (!args.customerIds.length) return []
  const held = await db.stripeCustomer.findMany({ where: { connectionId: args.connectionId, id: { in: [...args.customerIds] } }, select: { id: true } })
  const heldIds = new Set(held.map((c) => c.id))
  const missing = args.customerIds.filter((id) => !heldIds.has(id))
  if (!missing.length) return []
  const writes: MirrorWrite[] = []
  for (const id of missing) {
    const fetchedAt = args.now()
    const fetched = await args.fetch(id)
    // 404 or `{ deleted: true }`: stored as a deletion stub, so the customer stays deleted.
    const object = fetched ?? { id, object: 'customer', deleted: true }
    writes.push({ object, dataAsOf: fetchedAt, deleted: object.deleted === true, livemode: args.livemode })
  }
  await writeMirror(db, { connectionId: args.connectionId, type: 'customer', writes })
  return missing
}

async function guestContactOf(db: Db, workspaceId: string, mirror: string | null, object: MirrorObject | null): Promise<string | undefined> {
  if (mirror !== 'checkout_session' || !object) return undefined
  const raw = (object.customer_details as { email?: unknown } | null | undefined)?.email ?? object.customer_email
  if (typeof raw !== 'string' || !raw.trim()) return undefined
  const contact = await db.contact.findUnique({ where: { workspaceId_email: { workspaceId, email: normalizeEmail(raw) } }, select: { id: true } })
  return contact?.id
}

async function contactLinks(db: Db, connectionId: string, customerIds: string[]): Promise<Map<string, string>> {
  if (!customerIds.length) return new Map()
  const links = await db.contactStripeLink.findMany({ where: { connectionId, customerId: { in: customerIds } }, select: { customerId: true, contactId: true } })
  return new Map(links.map((l) => [l.customerId, l.contactId]))
}

async function pricesFor(db: Db, connectionId: string, subscriptions: unknown[]): Promise<Record<string, BundlePrice>> {
  const ids = new Set<string>()
  for (const s of subscriptions) for (const item of (s as BundleSubscription | undefined)?.items?.data ?? []) if (item.price?.id) ids.add(item.price.id)
  if (!ids.size) return {}
  const rows = await db.stripePrice.findMany({ where: { connectionId, id: { in: [...ids] } }, select: { id: true, data: true } })
  return Object.fromEntries(rows.map((r) => [r.id, r.data as unknown as BundlePrice]))
}

function subscriptionState(data: unknown, prices: Record<string, BundlePrice>, now: Date): SubscriptionState {
  const sub = data as BundleSubscription & { cancel_at?: number | null }
  const mrr = computeMrr({ subscriptions: [sub], prices }, { now })
  const currency = sub.currency ?? Object.keys(mrr)[0] ?? 'usd'
  return {
    id: sub.id,
    status: sub.status,
    cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end),
    cancelAt: typeof sub.cancel_at === 'number' ? sub.cancel_at : null,
    trialEnd: sub.trial_end ?? null,
    mrr: mrr[currency] ?? 0,
    currency,
  }
}

export type { EventHandler }
