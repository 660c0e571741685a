import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../db'
import { normalizeEmail } from '../email'
import { AppError } from '../errors'

/** How far ahead of our clock a `timestamp` may be (clock skew between servers). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000

// The activity API (F16): `identify` (a contact by email or external id, with custom
// attributes) and `track` (a named product event with properties and a time), alone or in
// batches of up to 500. A contact that does not exist yet is created, so activity arriving
// before Stripe does is kept and joins the Stripe customer later by email (F9).
// Idempotency: `messageId` is unique per workspace — for track in activity_events, for identify
// in api_messages (claimed in the same transaction as the write), so a replayed identify never
// reverts attributes a newer one set.
// Timestamps more than 5 minutes ahead of our clock are refused with a 400 naming the item: a
// future time would pin last_activity_at (which only moves forward) for as long as it is ahead.
// Refused rather than clamped, so the sender learns its clock or its units are wrong instead of
// storing an event at a time it did not happen. 5 minutes absorbs ordinary clock skew.

const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'attribute names start with a letter and use letters, digits and _ (at most 63)')
const identity = {
  messageId: z.string().trim().min(1).max(200, 'messageId is at most 200 characters').optional(),
  email: z.string().trim().email('email is not a valid email address').max(320).optional(),
  userId: z.string().trim().min(1, 'userId must not be empty').max(200, 'userId is at most 200 characters').optional(),
}
const needsIdentity = (v: { email?: string; userId?: string }) => Boolean(v.email || v.userId)
const identityIssue = { message: 'send email or userId so we know which contact this is', path: ['email'] }

const identifyObject = z
  .object({
    ...identity,
    name: z.string().trim().max(200).optional(),
    attributes: z.record(attributeName, z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes per call').default({}),
  })
  .strict()

const timestamp = z.iso.datetime({ offset: true, message: 'timestamp must be an ISO 8601 date-time, e.g. 2026-03-01T12:00:00Z' })

const trackObject = z
  .object({
    ...identity,
    event: z.string().trim().min(1, 'event is required, e.g. "Signed in"').max(200, 'event is at most 200 characters'),
    properties: z.record(z.string().max(200), z.unknown()).refine((p) => JSON.stringify(p).length <= 32_768, 'properties must be at most 32 KB of JSON').default({}),
    timestamp: timestamp.optional(),
  })
  .strict()

export const identifySchema = identifyObject.extend({ type: z.literal('identify').optional() }).refine(needsIdentity, identityIssue)
export const trackSchema = trackObject.extend({ type: z.literal('track').optional() }).refine(needsIdentity, identityIssue)

export const batchSchema = z
  .object({
    batch: z
      .array(
        z
          .discriminatedUnion('type', [identifyObject.extend({ type: z.literal('identify') }), trackObject.extend({ type: z.literal('track') })], { error: 'each item needs "type": "identify" or "track"' })
          .refine(needsIdentity, identityIssue),
      )
      .min(1, 'batch must hold at least one item')
      .max(500, 'batch holds at most 500 items; split larger sends'),
  })
  .strict()

export type Identify = z.infer<typeof identifySchema>
export type Track = z.infer<typeof trackSchema>

export type IngestResult = { contactId: string; duplicate: boolean }

type Who = { email?: string; userId?: string; name?: string }

/** Finds the contact by email, then external id; creates it when neither matches. */
async function resolveContact(db: Db, workspaceId: string, who: Who): Promise<string> {
  const email = who.email ? normalizeEmail(who.email) : null
  const find = () =>
    db.contact.findFirst({
      where: { workspaceId, OR: [...(email ? [{ email }] : []), ...(who.userId ? [{ externalId: who.userId }] : [])] },
      // The email match first (F9), then the oldest.
      orderBy: { createdAt: 'asc' },
      select: { id: true, email: true, externalId: true },
    })
  const found = await find()
  if (found) {
    if ((who.userId && !found.externalId) || (email && !found.email)) {
      // Another contact may hold that email or userId already (unique): then this one keeps its own.
      await db.contact.update({ where: { id: found.id }, data: { ...(who.userId && !found.externalId && { externalId: who.userId }), ...(email && !found.email && { email }) } }).catch(() => undefined)
    }
    return found.id
  }
  // Two calls racing for one email or one userId: the unique (workspace, email) and
  // (workspace, external_id) indexes decide, and the loser reads the winner.
  const id = randomUUID()
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `insert into contacts (id, workspace_id, email, external_id, name, updated_at) values ($1, $2, $3, $4, $5, (now() at time zone 'utc')) on conflict do nothing returning id`,
    id,
    workspaceId,
    email,
    who.userId ?? null,
    who.name ?? null,
  )
  if (inserted.length) return id
  const winner = await find()
  if (!winner) throw new Error('A contact insert conflicted, yet no contact holds that email or userId')
  return winner.id
}

/** A 400 naming the field when a timestamp is too far in the future. */
export function assertNotFuture(items: readonly { timestamp?: string }[], now: Date, path: (index: number) => string): void {
  for (const [index, item] of items.entries()) {
    if (!item.timestamp) continue
    if (new Date(item.timestamp).getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
      const field = path(index)
      const message = `${field}: timestamp ${item.timestamp} is more than 5 minutes in the future (our clock says ${now.toISOString()}); send the time the event happened, in UTC or with its offset`
      throw new AppError('invalid_input', message, { [field]: message })
    }
  }
}

/** What an identify may change on a contact, as segment rules name it (contact/updated `changed.attributes`). */
export const identifiedAttributes = (input: Pick<Identify, 'attributes'>): string[] => ['email', 'name', 'external_id', ...Object.keys(input.attributes ?? {})]

export async function identify(db: Db, args: { workspaceId: string; input: Identify }): Promise<IngestResult> {
  return db.$transaction(async (tx) => {
    const t = tx as unknown as Db
    if (args.input.messageId) {
      const claimed = await t.$executeRawUnsafe(`insert into api_messages (workspace_id, message_id) values ($1, $2) on conflict do nothing`, args.workspaceId, args.input.messageId)
      if (claimed === 0) return { contactId: await resolveContact(t, args.workspaceId, args.input), duplicate: true }
    }
    const contactId = await resolveContact(t, args.workspaceId, args.input)
    await t.$executeRawUnsafe(
      `update contacts set custom_attributes = custom_attributes || $1::jsonb, name = coalesce(name, $2), updated_at = (now() at time zone 'utc') where id = $3 and workspace_id = $4`,
      JSON.stringify(args.input.attributes ?? {}),
      args.input.name ?? null,
      contactId,
      args.workspaceId,
    )
    return { contactId, duplicate: false }
  })
}

export async function track(db: Db, args: { workspaceId: string; input: Track; now: Date }): Promise<IngestResult> {
  assertNotFuture([args.input], args.now, () => 'timestamp')
  const [result] = await trackMany(db, { workspaceId: args.workspaceId, items: [args.input], now: args.now })
  return result!
}

/**
 * Track items in three statements whatever their number: contacts resolved once per distinct
 * sender, every event inserted in one statement (duplicates by messageId dropped), last
 * activity moved forward once per contact.
 */
async function trackMany(db: Db, args: { workspaceId: string; items: readonly Track[]; now: Date }): Promise<IngestResult[]> {
  const contactOf = new Map<string, string>()
  const contactIds: string[] = []
  for (const item of args.items) {
    const key = `${item.email ? normalizeEmail(item.email) : ''}\u0000${item.userId ?? ''}`
    let contactId = contactOf.get(key)
    if (!contactId) {
      contactId = await resolveContact(db, args.workspaceId, item)
      contactOf.set(key, contactId)
    }
    contactIds.push(contactId)
  }
  const rows = args.items.map((item, index) => ({
    id: randomUUID(),
    contact_id: contactIds[index],
    name: item.event,
    properties: item.properties ?? {},
    occurred_at: (item.timestamp ? new Date(item.timestamp) : args.now).toISOString(),
    message_id: item.messageId ?? null,
  }))
  // One batch may repeat a messageId: the first occurrence wins, as if sent one by one.
  const seen = new Set<string>()
  const fresh = rows.filter((r) => !r.message_id || (!seen.has(r.message_id) && seen.add(r.message_id)))
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `insert into activity_events (id, workspace_id, contact_id, name, properties, occurred_at, message_id)
     select x.id, $1, x.contact_id, x.name, x.properties, x.occurred_at, x.message_id
     from jsonb_to_recordset($2::jsonb) as x(id text, contact_id text, name text, properties jsonb, occurred_at timestamp, message_id text)
     on conflict (workspace_id, message_id) do nothing returning id`,
    args.workspaceId,
    JSON.stringify(fresh),
  )
  const kept = new Set(inserted.map((r) => r.id))
  if (kept.size) {
    // "Last activity" only moves forward: a late, older event does not pull it back.
    await db.$executeRawUnsafe(
      `update contacts c set last_activity_at = greatest(coalesce(c.last_activity_at, x.at), x.at), updated_at = (now() at time zone 'utc')
       from (select contact_id, max(occurred_at) as at from jsonb_to_recordset($1::jsonb) as r(contact_id text, occurred_at timestamp) group by contact_id) x
       where c.id = x.contact_id and c.workspace_id = $2`,
      JSON.stringify(rows.filter((r) => kept.has(r.id)).map((r) => ({ contact_id: r.contact_id, occurred_at: r.occurred_at }))),
      args.workspaceId,
    )
  }
  return rows.map((r) => ({ contactId: r.contact_id!, duplicate: !kept.has(r.id) }))
}

/**
 * A batch: every timestamp checked before anything is written; identify items applied in order
 * (each may set what the next reads), then every track item in one go (trackMany).
 */
export async function ingestBatch(db: Db, args: { workspaceId: string; items: readonly (Identify | Track)[]; now: Date }): Promise<(IngestResult & { index: number; type: 'identify' | 'track' })[]> {
  assertNotFuture(args.items as readonly { timestamp?: string }[], args.now, (index) => `batch.${index}.timestamp`)
  const out: (IngestResult & { index: number; type: 'identify' | 'track' })[] = []
  const tracks: { index: number; item: Track }[] = []
  for (const [index, item] of args.items.entries()) {
    if (item.type === 'track') tracks.push({ index, item: item as Track })
    else out.push({ index, type: 'identify', ...(await identify(db, { workspaceId: args.workspaceId, input: item as Identify })) })
  }
  if (tracks.length) {
    const results = await trackMany(db, { workspaceId: args.workspaceId, items: tracks.map((t) => t.item), now: args.now })
    for (const [i, t] of tracks.entries()) out.push({ index: t.index, type: 'track', ...results[i]! })
  }
  return out.sort((a, b) => a.index - b.index)
}
