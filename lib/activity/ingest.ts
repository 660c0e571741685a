import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../db'
import { normalizeEmail } from '../email'

// The activity API (F16): `identify` (a contact by email or external id, with custom
// attributes) and `track` (a named product event with properties and a time), alone or in
// batches of up to 500. A contact that does not exist yet is created, so activity arriving
// before Stripe does is kept and joins the Stripe customer later by email (F9).
// Idempotency: `messageId` is unique per workspace for track (activity_events); identify
// merges attributes, so repeating it changes nothing.

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

/** Finds the contact by email, then external id; creates it when neither matches. */
async function resolveContact(db: Db, workspaceId: string, who: { email?: string; userId?: string; name?: string }): Promise<string> {
  const email = who.email ? normalizeEmail(who.email) : null
  const found = await db.contact.findFirst({
    where: { workspaceId, OR: [...(email ? [{ email }] : []), ...(who.userId ? [{ externalId: who.userId }] : [])] },
    orderBy: { createdAt: 'asc' },
    select: { id: true, email: true, externalId: true },
  })
  if (found) {
    if ((who.userId && !found.externalId) || (email && !found.email)) {
      await db.contact.update({ where: { id: found.id }, data: { ...(who.userId && !found.externalId && { externalId: who.userId }), ...(email && !found.email && { email }) } }).catch(() => undefined)
    }
    return found.id
  }
  // Two calls racing for one email: the unique (workspace, email) index decides, the loser reads the winner.
  const id = randomUUID()
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `insert into contacts (id, workspace_id, email, external_id, name, updated_at) values ($1, $2, $3, $4, $5, (now() at time zone 'utc')) on conflict (workspace_id, email) do nothing returning id`,
    id,
    workspaceId,
    email,
    who.userId ?? null,
    who.name ?? null,
  )
  if (inserted.length) return id
  return (await db.contact.findFirstOrThrow({ where: { workspaceId, email }, select: { id: true } })).id
}

export async function identify(db: Db, args: { workspaceId: string; input: Identify }): Promise<IngestResult> {
  const contactId = await resolveContact(db, args.workspaceId, args.input)
  await db.$executeRawUnsafe(
    `update contacts set custom_attributes = custom_attributes || $1::jsonb, name = coalesce(name, $2), updated_at = (now() at time zone 'utc') where id = $3 and workspace_id = $4`,
    JSON.stringify(args.input.attributes ?? {}),
    args.input.name ?? null,
    contactId,
    args.workspaceId,
  )
  return { contactId, duplicate: false }
}

export async function track(db: Db, args: { workspaceId: string; input: Track; now: Date }): Promise<IngestResult> {
  const contactId = await resolveContact(db, args.workspaceId, args.input)
  const occurredAt = args.input.timestamp ? new Date(args.input.timestamp) : args.now
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `insert into activity_events (id, workspace_id, contact_id, name, properties, occurred_at, message_id)
     values ($1, $2, $3, $4, $5::jsonb, $6::timestamp, $7)
     on conflict (workspace_id, message_id) do nothing returning id`,
    randomUUID(),
    args.workspaceId,
    contactId,
    args.input.event,
    JSON.stringify(args.input.properties ?? {}),
    occurredAt.toISOString(),
    args.input.messageId ?? null,
  )
  if (!inserted.length) return { contactId, duplicate: true }
  // "Last activity" only moves forward: a late, older event does not pull it back.
  await db.$executeRawUnsafe(
    `update contacts set last_activity_at = greatest(coalesce(last_activity_at, $1::timestamp), $1::timestamp), updated_at = (now() at time zone 'utc') where id = $2`,
    occurredAt.toISOString(),
    contactId,
  )
  return { contactId, duplicate: false }
}

export async function ingestBatch(db: Db, args: { workspaceId: string; items: readonly (Identify | Track)[]; now: Date }): Promise<(IngestResult & { index: number; type: 'identify' | 'track' })[]> {
  const out: (IngestResult & { index: number; type: 'identify' | 'track' })[] = []
  for (const [index, item] of args.items.entries()) {
    if (item.type === 'track') out.push({ index, type: 'track', ...(await track(db, { workspaceId: args.workspaceId, input: item as Track, now: args.now })) })
    else out.push({ index, type: 'identify', ...(await identify(db, { workspaceId: args.workspaceId, input: item as Identify })) })
  }
  return out
}
