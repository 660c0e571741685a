import { randomUUID } from 'node:crypto'
import type { Db } from '../db'
import type { FeedItem } from './describe-event'
import { stripeDashboardUrl } from './stripe-links'

// Writes feed items once: billing_events is unique on (connection, Stripe event, type), so a
// redelivery, a retry or gap repair finding the same event adds nothing. Returns only the rows
// this call inserted — those, and only live ones, are announced to automations.
// One exception: a live write that meets a historical row of the same event turns it live and
// returns it. The event did arrive live (the historical import raced a late delivery), so its
// automations must fire; a historical write never touches an existing row.

export type RecordedBillingEvent = { id: string; contactId: string; type: string }

export async function recordBillingEvents(
  db: Db,
  args: {
    workspaceId: string
    connectionId: string
    contactId: string
    stripeEventId: string
    occurredAt: Date
    isHistorical: boolean
    objectType: string | null
    objectId: string | null
    livemode: boolean
    isSandbox?: boolean
    items: readonly FeedItem[]
  },
): Promise<RecordedBillingEvent[]> {
  if (!args.items.length) return []
  const url = args.objectType ? stripeDashboardUrl({ objectType: args.objectType, objectId: args.objectId, livemode: args.livemode, isSandbox: args.isSandbox ?? false }) : null
  const rows = args.items.map((item) => ({
    id: randomUUID(),
    type: item.type,
    summary: item.summary,
    amount: item.amount,
    currency: item.currency,
    data: { objectType: args.objectType, url },
  }))
  return db.$queryRawUnsafe<RecordedBillingEvent[]>(
    `insert into billing_events (id, workspace_id, contact_id, connection_id, type, occurred_at, summary, amount, currency, stripe_object, stripe_event_id, is_historical, data)
     select x.id, $1, $2, $3, x.type, $4::timestamp, x.summary, x.amount, x.currency, $5, $6, $7, x.data
     from jsonb_to_recordset($8::jsonb) as x(id text, type text, summary text, amount bigint, currency text, data jsonb)
     on conflict (connection_id, stripe_event_id, type) do update set is_historical = false
       where billing_events.is_historical and not excluded.is_historical
     returning id, contact_id as "contactId", type`,
    args.workspaceId,
    args.contactId,
    args.connectionId,
    args.occurredAt.toISOString(),
    args.objectId,
    args.stripeEventId,
    args.isHistorical,
    JSON.stringify(rows),
  )
}
