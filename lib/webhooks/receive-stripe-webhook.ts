import { z } from 'zod'
import type { Db } from '../db'
import { customerKeyOf, isHandledType } from '../sync/apply-event/handlers'
import { createdAtOf, stripeEventEnvelopeSchema } from './event-envelope'
import { readBodyCapped } from './read-body'
import { type SignatureVerdict, verifyStripeSignature } from './verify-signature'

// The Stripe webhook endpoint's service (F13). Order matters and is the invariant:
//   1. read the raw body, at most 1 MB (413 beyond, without buffering more);
//   2. verify Stripe-Signature against the connection's secret (400 — before any DB write);
//   3. parse and check the envelope and its livemode (400, logged);
//   4. store the event, unique on (connection, event id) — THEN acknowledge. A database that
//      cannot store it gets 503, so Stripe retries: we never acknowledge what we did not store;
//   5. hand processing to Inngest, with the Stripe event id as the Inngest event id.
// It never calls Stripe and never processes: acknowledging fast keeps Stripe from timing out
// and retrying (SPEC §3: ≥ 500 deliveries/s, p99 < 100 ms).

export type WebhookDeps = {
  db: Db
  /** Opens a sealed webhook signing secret (lib/crypto). */
  openSecret: (sealed: string) => string
  /** Queues processing; the event stays `pending` in stripe_events if this fails (gap repair re-sends). */
  dispatch: (event: { connectionId: string; stripeEventId: string; customerKey: string }) => Promise<unknown>
  nowSeconds?: () => number
  log?: Pick<Console, 'warn' | 'error'>
}

export type WebhookAnswer = { status: number; body: { received: true; duplicate?: boolean; ignored?: boolean } | { error: { code: string; message: string } } }

const connectionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

const signatureMessages: Record<Exclude<SignatureVerdict, { ok: true }>['reason'], string> = {
  missing_header: 'The Stripe-Signature header is missing. Only Stripe may call this endpoint.',
  malformed_header: 'The Stripe-Signature header is not in Stripe’s `t=…,v1=…` format.',
  no_v1_signature: 'The Stripe-Signature header carries no v1 signature.',
  timestamp_outside_tolerance: 'The signature timestamp is more than 5 minutes from now: refused as a possible replay. Check the server clock.',
  signature_mismatch: 'The signature does not match this connection’s signing secret. Check that this URL belongs to the Stripe endpoint that sent it.',
}

const fail = (status: number, code: string, message: string): WebhookAnswer => ({ status, body: { error: { code, message } } })

export async function receiveStripeWebhook(deps: WebhookDeps, args: { connectionId: string; req: Request }): Promise<WebhookAnswer> {
  const log = deps.log ?? console
  const parsedId = connectionIdSchema.safeParse(args.connectionId)
  if (!parsedId.success) return fail(404, 'not_found', 'No Stripe connection at this URL.')
  const connectionId = parsedId.data

  const body = await readBodyCapped(args.req)
  if (!body.ok) return fail(413, 'payload_too_large', 'The body is larger than 1 MB; Stripe events are far smaller.')
  const header = args.req.headers.get('stripe-signature')
  if (!header) return fail(400, 'invalid_signature', signatureMessages.missing_header)

  let connection: ConnectionSecret | null
  try {
    connection = await loadConnectionSecret(deps, connectionId, false)
  } catch (error) {
    log.error('[webhooks] database unavailable while loading connection', connectionId, error)
    return fail(503, 'unavailable', 'Temporarily unable to accept events; Stripe will retry.')
  }
  if (!connection) return fail(404, 'not_found', 'No Stripe connection with a webhook endpoint at this URL.')

  const nowSeconds = deps.nowSeconds?.() ?? Math.floor(Date.now() / 1000)
  let verdict = verifyStripeSignature({ rawBody: body.bytes, header, secret: connection.secret, nowSeconds })
  if (!verdict.ok && verdict.reason === 'signature_mismatch' && connection.cached) {
    // The secret may have been rotated since we cached it: check once against the stored one.
    try {
      connection = await loadConnectionSecret(deps, connectionId, true)
    } catch (error) {
      log.error('[webhooks] database unavailable while loading connection', connectionId, error)
      return fail(503, 'unavailable', 'Temporarily unable to accept events; Stripe will retry.')
    }
    if (!connection) return fail(404, 'not_found', 'No Stripe connection with a webhook endpoint at this URL.')
    verdict = verifyStripeSignature({ rawBody: body.bytes, header, secret: connection.secret, nowSeconds })
  }
  if (!verdict.ok) return fail(400, 'invalid_signature', signatureMessages[verdict.reason])

  const text = Buffer.from(body.bytes).toString('utf8')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    log.warn('[webhooks] signed body is not JSON', { connectionId, bytes: body.bytes.byteLength })
    return fail(400, 'invalid_json', 'The body is not valid JSON.')
  }
  const envelope = stripeEventEnvelopeSchema.safeParse(json)
  if (!envelope.success) {
    log.warn('[webhooks] signed body is not a Stripe event', { connectionId, issues: envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) })
    return fail(400, 'invalid_event', `The body is not a Stripe event: ${envelope.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}.`)
  }
  const event = envelope.data
  if (event.livemode !== (connection.mode === 'live')) {
    log.warn('[webhooks] livemode mismatch: refused', { connectionId, eventId: event.id, eventLivemode: event.livemode, connectionMode: connection.mode })
    return fail(400, 'livemode_mismatch', `This is a ${event.livemode ? 'live' : 'test'}-mode event but the connection is in ${connection.mode} mode.`)
  }

  const handled = isHandledType(event.type)
  let inserted: boolean
  try {
    const rows = await deps.db.$queryRawUnsafe<{ id: string }[]>(
      `insert into stripe_events (connection_id, id, type, created, livemode, api_version, payload, source, status, received_at)
       values ($1, $2, $3, $4::timestamp, $5, $6, $7::jsonb, 'webhook', $8::"StripeEventStatus", (now() at time zone 'utc'))
       on conflict (connection_id, id) do nothing returning id`,
      connectionId,
      event.id,
      event.type,
      createdAtOf(event).toISOString(),
      event.livemode,
      event.api_version ?? null,
      text,
      handled ? 'pending' : 'ignored',
    )
    inserted = rows.length === 1
  } catch (error) {
    log.error('[webhooks] could not store event; answering 503 so Stripe retries', { connectionId, eventId: event.id }, error)
    return fail(503, 'unavailable', 'Temporarily unable to store the event; Stripe will retry.')
  }
  if (!inserted) return { status: 200, body: { received: true, duplicate: true } }
  if (!handled) return { status: 200, body: { received: true, ignored: true } }

  try {
    await deps.dispatch({ connectionId, stripeEventId: event.id, customerKey: customerKeyOf(event.type, event.data?.object) })
  } catch (error) {
    // Stored: gap repair re-dispatches pending events, so acknowledging is still right.
    log.error('[webhooks] stored but could not queue processing; gap repair will pick it up', { connectionId, eventId: event.id }, error)
  }
  return { status: 200, body: { received: true } }
}

// The signing secret and mode of a connection, cached per database client for a few seconds:
// at hundreds of deliveries per second a lookup per delivery is most of the endpoint's cost.
// A mismatch with a cached secret re-reads it, so a rotated secret works at once.
type ConnectionSecret = { secret: string; mode: 'live' | 'test'; cached: boolean }
const SECRET_TTL_MS = 10_000
const secretCache = new WeakMap<object, Map<string, { value: Omit<ConnectionSecret, 'cached'> | null; at: number }>>()

async function loadConnectionSecret(deps: WebhookDeps, connectionId: string, fresh: boolean): Promise<ConnectionSecret | null> {
  let cache = secretCache.get(deps.db)
  if (!cache) {
    cache = new Map()
    secretCache.set(deps.db, cache)
  }
  const hit = cache.get(connectionId)
  if (!fresh && hit && Date.now() - hit.at < SECRET_TTL_MS) return hit.value && { ...hit.value, cached: true }
  const rows = await deps.db.$queryRawUnsafe<{ webhook_secret_sealed: string | null; mode: 'live' | 'test' }[]>(
    'select webhook_secret_sealed, mode::text as mode from stripe_connections where id = $1',
    connectionId,
  )
  const row = rows[0]
  const value = row?.webhook_secret_sealed ? { secret: deps.openSecret(row.webhook_secret_sealed), mode: row.mode } : null
  // Unknown connections are not cached: a connection finished a second ago must work now.
  if (value) cache.set(connectionId, { value, at: Date.now() })
  else cache.delete(connectionId)
  if (cache.size > 10_000) cache.clear()
  return value && { ...value, cached: false }
}
