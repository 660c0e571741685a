import Stripe from 'stripe'
import { z } from 'zod'
import { type ConnectionDeps, getConnectionOrThrow, stripeForConnection } from '../connections/connection-deps'
import { canStripeDeliverTo, unreachableWebhookWarning, webhookEndpointParamsFor, webhookUrlFor } from '../connections/finish-connection'
import { AppError } from '../errors'
import { classifyStripeError } from '../stripe/request-budget'
import { handledStripeEvents } from '../stripe/webhook-events'
import type { EndpointFacts } from './state'

// The webhook endpoint check (F21): does our endpoint still exist in Stripe, is it enabled, is
// it subscribed to every event we handle? Stripe disables an endpoint by itself after days of
// failed deliveries, and anyone with dashboard access can delete or edit it, so we look it up
// rather than trust what we created. Repair puts it back the way finishing the connection made it.

/** `stripe_connections.endpoint_check`, re-validated whenever read. */
export const endpointCheckSchema = z.object({ exists: z.boolean(), enabled: z.boolean(), missingEvents: z.array(z.string()) })
export type EndpointCheck = z.infer<typeof endpointCheckSchema>

/** Handled event types an endpoint subscribed to `enabledEvents` would not receive. */
export function missingEventsOf(enabledEvents: readonly string[]): string[] {
  if (enabledEvents.includes('*')) return []
  return handledStripeEvents.filter((type) => !enabledEvents.includes(type))
}

/** Not answered: Stripe said nothing about the endpoint, and the recorded facts were left as they were. */
export type EndpointNotChecked = { ok: false; reason: 'key_rejected' | 'permission_missing' | 'unavailable'; message: string }
export type EndpointCheckResult = { ok: true; endpoint: EndpointFacts } | EndpointNotChecked

/** What the log keeps of a failed Stripe call: enough to tell an outage from a bug, no payloads. */
export function stripeErrorSummary(error: unknown) {
  const e = error as { statusCode?: number; code?: string; type?: string; message?: string; requestId?: string }
  return { statusCode: e.statusCode ?? null, code: e.code ?? null, type: e.type ?? null, requestId: e.requestId ?? null, message: e.message ?? String(error) }
}

const isMissing = (error: unknown) => (error as { statusCode?: number }).statusCode === 404 && (error as { code?: string }).code === 'resource_missing'

/**
 * Looks up the connection's endpoint in Stripe and records what it found (`endpoint_check`,
 * `endpoint_checked_at`). A connection without an endpoint is "not configured" and costs no
 * request. When Stripe rejects the key the facts stay as they were: the key probe records that.
 */
export async function checkWebhookEndpoint(deps: ConnectionDeps, args: { connectionId: string }): Promise<EndpointCheckResult> {
  const connection = await deps.db.stripeConnection.findUnique({ where: { id: args.connectionId } })
  if (!connection) throw new AppError('not_found', 'No Stripe connection with this id.')
  if (!connection.webhookEndpointId) return { ok: true, endpoint: { configured: false, checkedAt: null, exists: false, enabled: false, missingEvents: [] } }
  const now = (deps.now ?? (() => new Date()))()

  let check: EndpointCheck
  try {
    const endpoint = await stripeForConnection(deps, connection).webhookEndpoints.retrieve(connection.webhookEndpointId)
    check = { exists: true, enabled: endpoint.status !== 'disabled', missingEvents: missingEventsOf(endpoint.enabled_events) }
  } catch (error) {
    if (!isMissing(error)) return notAnswered(error, now, 'check')
    check = { exists: false, enabled: false, missingEvents: [] }
  }
  await deps.db.stripeConnection.update({ where: { id: connection.id }, data: { endpointCheck: check, endpointCheckedAt: now } })
  return { ok: true, endpoint: { configured: true, checkedAt: now, ...check } }
}

function notAnswered(error: unknown, now: Date, doing: 'check' | 'repair'): EndpointNotChecked {
  const failure = classifyStripeError(error, now.getTime())
  if (failure.kind === 'revoked') {
    return { ok: false, reason: 'key_rejected', message: `Stripe rejected the stored key, so the webhook endpoint could not be ${doing === 'check' ? 'checked' : 'repaired'}. Save a new restricted key of the same account first.` }
  }
  console.warn(`[churnless] webhook endpoint ${doing} failed`, stripeErrorSummary(error))
  if (failure.kind === 'permission') {
    return {
      ok: false,
      reason: 'permission_missing',
      message: `The key may not ${doing === 'check' ? 'read' : 'manage'} webhook endpoints (Stripe asks for ${failure.permission ?? (doing === 'check' ? 'rak_webhook_read' : 'rak_webhook_write')}). Give the key "Webhook Endpoints: Write" in Stripe, or save a new key.`,
    }
  }
  return { ok: false, reason: 'unavailable', message: `Stripe did not answer, so the webhook endpoint could not be ${doing === 'check' ? 'checked' : 'repaired'}. Try again in a moment.` }
}

/**
 * Puts our endpoint back the way finishing the connection made it: recreated (new id, new
 * signing secret, stored sealed) when it was deleted, enabled when it was disabled, subscribed to
 * every handled event when some were removed. Then checks it again and returns the new facts.
 */
export async function repairWebhookEndpoint(deps: ConnectionDeps & { appUrl?: string }, args: { workspaceId: string; connectionId: string }): Promise<EndpointCheckResult> {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this account first: that creates its webhook endpoint.')
  // A connection without a stored URL never had an endpoint: finishing skipped it because Stripe
  // could not reach APP_URL (a private address). Given a reachable APP_URL now, repair creates
  // the first one.
  const { appUrl } = deps
  const canReach = appUrl !== undefined && canStripeDeliverTo(connection, appUrl)
  const url = connection.webhookUrl ?? (appUrl && canReach ? webhookUrlFor(appUrl, connection.id) : null)
  if (!url) {
    throw new AppError('conflict', appUrl ? unreachableWebhookWarning(appUrl, connection.id) : 'This connection has no webhook endpoint, and APP_URL is not set.')
  }
  const stripe = stripeForConnection(deps, connection)
  const now = (deps.now ?? (() => new Date()))()

  try {
    const existing = connection.webhookEndpointId
      ? await stripe.webhookEndpoints.retrieve(connection.webhookEndpointId).catch((error: unknown) => {
          if (isMissing(error)) return null
          throw error
        })
      : null
    if (!existing) {
      const created = await stripe.webhookEndpoints.create(webhookEndpointParamsFor({ connectionId: connection.id, url }))
      if (!created.secret) throw new Error(`Stripe created webhook endpoint ${created.id} without returning its signing secret.`)
      await deps.db.stripeConnection.update({
        where: { id: connection.id },
        data: { webhookEndpointId: created.id, webhookSecretSealed: deps.box.seal(created.secret), webhookUrl: url },
      })
    } else {
      const patch: Stripe.WebhookEndpointUpdateParams = {}
      if (existing.status === 'disabled') patch.disabled = false
      if (missingEventsOf(existing.enabled_events).length > 0) patch.enabled_events = [...handledStripeEvents]
      if (Object.keys(patch).length > 0) await stripe.webhookEndpoints.update(existing.id, patch)
    }
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error
    const failure = notAnswered(error, now, 'repair')
    throw new AppError(failure.reason === 'unavailable' ? 'unavailable' : 'conflict', failure.message)
  }
  return checkWebhookEndpoint(deps, { connectionId: connection.id })
}
