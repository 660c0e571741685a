import { eventType } from 'inngest'
import { z } from 'zod'

// Every event Churnless sends or receives, named `domain/noun.verb`, with one zod schema each.
// Payloads are validated twice: when sent (eventValidationMiddleware in client.ts, for
// `inngest.send()` and `step.sendEvent()` alike) and when received (the SDK validates an
// incoming event against the schema of the `eventType` used as the function's trigger).
//
// To add an event (e.g. `stripe/event.received`, `sync/backfill.requested`, `contact/updated`):
//   1. export `fooSchema`, `type Foo = z.infer<typeof fooSchema>` and `foo = eventType(name, { schema })`
//   2. add `foo` to `eventTypes` below — sending an event that is not listed there is refused
//   3. trigger a function with `triggers: [foo]`; send with `inngest.send(foo.create({ ... }))`
// Keep payloads small JSON (ids, cursors), never whole Stripe objects: Inngest caps event size
// and stores every event; the data itself lives in our tables.
// Schemas must not transform (input type = output type): the SDK refuses transforms on triggers.

// --- app: the canary proves the pipeline (send → run → fan-out → run) in every mode ----------

export const canaryRequestedSchema = z.object({
  canaryId: z.string().min(1, 'canaryId must not be empty'),
  message: z.string().min(1, 'message must not be empty').max(200, 'message must be at most 200 characters'),
})
export type CanaryRequested = z.infer<typeof canaryRequestedSchema>
export const canaryRequested = eventType('app/canary.requested', { schema: canaryRequestedSchema })

export const canaryFannedOutSchema = z.object({
  canaryId: z.string().min(1),
  message: z.string().min(1),
  wordCount: z.number().int().nonnegative(),
  requestedEventId: z.string().min(1),
})
export type CanaryFannedOut = z.infer<typeof canaryFannedOutSchema>
export const canaryFannedOut = eventType('app/canary.fanned-out', { schema: canaryFannedOutSchema })

// --- stripe: connections and sync --------------------------------------------------------------

export const connectionConnectedSchema = z.object({
  connectionId: z.string().min(1),
  workspaceId: z.string().min(1),
  importChoice: z.enum(['all', 'changes_only']),
})
export type ConnectionConnected = z.infer<typeof connectionConnectedSchema>
/** The wizard finished: the sync starts from here (a backfill when importChoice is 'all'). */
export const connectionConnected = eventType('stripe/connection.connected', { schema: connectionConnectedSchema })

export const backfillRequestedSchema = z.object({
  connectionId: z.string().min(1),
  /** Why: the wizard's import choice, a "re-sync now", gap repair falling back past 30 days, or resuming after a pause. */
  reason: z.enum(['initial_import', 'resync', 'gap_repair', 'resume']),
})
export type BackfillRequested = z.infer<typeof backfillRequestedSchema>
export const backfillRequested = eventType('sync/backfill.requested', { schema: backfillRequestedSchema })

export const backfillStreamRequestedSchema = z.object({
  connectionId: z.string().min(1),
  runId: z.string().min(1),
  /** The sync stream (object type × created range) to fetch the next pages of; its cursor is in the database. */
  streamId: z.string().min(1),
})
export type BackfillStreamRequested = z.infer<typeof backfillStreamRequestedSchema>
export const backfillStreamRequested = eventType('sync/backfill-stream.requested', { schema: backfillStreamRequestedSchema })

export const backfillContactsRequestedSchema = z.object({
  connectionId: z.string().min(1),
  runId: z.string().min(1),
  /** Customer id cursor of the contact recompute pass; null to start. */
  afterCustomerId: z.string().min(1).nullable(),
})
export type BackfillContactsRequested = z.infer<typeof backfillContactsRequestedSchema>
export const backfillContactsRequested = eventType('sync/backfill-contacts.requested', { schema: backfillContactsRequestedSchema })

export const contactsRemapRequestedSchema = z.object({
  connectionId: z.string().min(1),
  /** Customer id cursor; null to start. */
  afterCustomerId: z.string().min(1).nullable(),
})
export type ContactsRemapRequested = z.infer<typeof contactsRemapRequestedSchema>
/** The field mapping changed: recompute every contact of the connection from the mirror. */
export const contactsRemapRequested = eventType('sync/contacts-remap.requested', { schema: contactsRemapRequestedSchema })

// --- contacts: anything that changes a contact's data announces it (segments re-evaluate) ----

export const contactUpdatedSchema = z.object({
  workspaceId: z.string().min(1),
  /** At most 500 per event; larger changes are sent as several events. */
  contactIds: z.array(z.string().min(1)).min(1).max(500),
  /** What changed them, recorded as the cause of segment entries/exits (e.g. "stripe:evt_123", "backfill", "api:track"). */
  cause: z.string().min(1).max(200),
  /**
   * What changed, so segments re-evaluate only where a rule reads it (lib/segments/compile.ts
   * couldAffect). Absent: anything may have changed — every segment is evaluated.
   */
  changed: z
    .object({
      /** Stripe-derived data was recomputed (attributes, statuses, the link itself). */
      stripe: z.boolean().optional(),
      /** Attributes by name: own ones such as "last_activity_at", custom ones by key. */
      attributes: z.array(z.string().min(1).max(100)).max(200).optional(),
      /** Tracked activity event names recorded (F16). */
      activity: z.array(z.string().min(1).max(200)).max(200).optional(),
      /** Billing event types recorded (F15). */
      billing: z.array(z.string().min(1).max(200)).max(200).optional(),
    })
    .optional(),
})
export type ContactUpdated = z.infer<typeof contactUpdatedSchema>
export const contactUpdated = eventType('contact/updated', { schema: contactUpdatedSchema })

// --- live sync: webhooks, the billing feed, gap repair (F13–F15) --------------------------------

export const stripeEventReceivedSchema = z.object({
  connectionId: z.string().min(1),
  /** The Stripe event id (evt_…); also the Inngest event id, so Inngest drops a second send. */
  stripeEventId: z.string().min(1),
  /** The Stripe customer the event is about ('-' when none): the concurrency key with the connection. */
  customerKey: z.string().min(1),
})
export type StripeEventReceived = z.infer<typeof stripeEventReceivedSchema>
/** A Stripe event stored in stripe_events (webhook or gap repair), waiting to be applied. */
export const stripeEventReceived = eventType('stripe/event.received', { schema: stripeEventReceivedSchema })

export const billingEventRecordedSchema = z.object({
  workspaceId: z.string().min(1),
  contactId: z.string().min(1),
  billingEventId: z.string().min(1),
  /** A billing event type of SPEC F15 (e.g. "invoice.payment_failed", "trial.converted"). */
  type: z.string().min(1),
  stripeEventId: z.string().min(1),
})
export type BillingEventRecorded = z.infer<typeof billingEventRecordedSchema>
/** A live (never historical) billing event landed on a contact's feed: automations trigger on it. */
export const billingEventRecorded = eventType('billing/event.recorded', { schema: billingEventRecordedSchema })

export const gapRepairRequestedSchema = z.object({
  connectionId: z.string().min(1),
  reason: z.enum(['schedule', 'recovered', 'manual']),
})
export type GapRepairRequested = z.infer<typeof gapRepairRequestedSchema>
/** Look for Stripe events that never arrived (F14) on one connection. */
export const gapRepairRequested = eventType('stripe/gap-repair.requested', { schema: gapRepairRequestedSchema })

// --- sync health (F21) -------------------------------------------------------------------------

export const healthCheckRequestedSchema = z.object({
  connectionId: z.string().min(1),
  /** Why: the schedule, webhooks arriving (key probe due), an admin action, or a Stripe 401. */
  reason: z.enum(['schedule', 'webhook', 'admin', 'key_rejected', 'key_rotated', 'endpoint_repaired', 'resumed']),
})
export type HealthCheckRequested = z.infer<typeof healthCheckRequestedSchema>
/** Probe the key, check the webhook endpoint if due, recompute the health state and alert on a change. */
export const healthCheckRequested = eventType('health/check.requested', { schema: healthCheckRequestedSchema })

// --- segments: membership changes (F19) and background recomputes ------------------------------

export const segmentContactChangeSchema = z.object({
  workspaceId: z.string().min(1),
  segmentId: z.string().min(1),
  contactId: z.string().min(1),
  /** Row id in segment_membership_changes (also the event id, so a retried send is deduplicated). */
  changeId: z.string().min(1),
  /** ISO 8601 time of the entry or exit. */
  at: z.string().min(1),
  /** What caused it: the contact/updated cause, "time" (the sweep) or "segment:edited" etc. */
  cause: z.string().min(1).max(200),
})
export type SegmentContactChange = z.infer<typeof segmentContactChangeSchema>
export const segmentContactEntered = eventType('segment/contact.entered', { schema: segmentContactChangeSchema })
export const segmentContactExited = eventType('segment/contact.exited', { schema: segmentContactChangeSchema })

export const segmentRecomputeRequestedSchema = z.object({
  workspaceId: z.string().min(1),
  segmentId: z.string().min(1),
  cause: z.string().min(1).max(200),
  /** Keyset cursor (last contact id done); null for the first range. */
  after: z.string().nullable(),
  /** ISO time the recompute evaluates at; the same for every range of one recompute. */
  now: z.string().min(1),
})
export type SegmentRecomputeRequested = z.infer<typeof segmentRecomputeRequestedSchema>
export const segmentRecomputeRequested = eventType('segment/recompute.requested', { schema: segmentRecomputeRequestedSchema })

// --- registry ---------------------------------------------------------------------------------

export const eventTypes = [canaryRequested, canaryFannedOut, connectionConnected, backfillRequested, backfillStreamRequested, backfillContactsRequested, contactsRemapRequested, contactUpdated, stripeEventReceived, billingEventRecorded, gapRepairRequested, healthCheckRequested, segmentContactEntered, segmentContactExited, segmentRecomputeRequested] as const

export type ChurnlessEventName = (typeof eventTypes)[number]['name']

const schemaByName: ReadonlyMap<string, z.ZodType> = new Map(eventTypes.map((e) => [e.name, e.schema]))

/** A sent event whose name is unknown or whose data does not match its schema. A bug in the sender. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError'
  constructor(
    readonly eventName: string,
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message)
  }
}

/**
 * Validates one outgoing event against its schema and returns the parsed data (unknown keys
 * stripped). Throws InvalidEventError naming the event and every failing field.
 */
export function parseEventData(name: string, data: unknown): Record<string, unknown> {
  const schema = schemaByName.get(name)
  if (!schema) {
    throw new InvalidEventError(
      name,
      `Unknown event "${name}": every event needs a zod schema. Add it to eventTypes in inngest/events.ts.`,
    )
  }
  const result = schema.safeParse(data ?? {})
  if (!result.success) {
    const fields = result.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(data)'}: ${issue.message}`)
      .join('; ')
    throw new InvalidEventError(name, `Invalid "${name}" event data — ${fields}`, result.error.issues)
  }
  return result.data as Record<string, unknown>
}
