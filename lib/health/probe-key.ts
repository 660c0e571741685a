import { type ConnectionDeps, stripeForConnection } from '../connections/connection-deps'
import type { Db } from '../db'
import { AppError } from '../errors'
import { classifyStripeError } from '../stripe/request-budget'
import { stripeErrorSummary } from './check-endpoint'

// The key probe (F21): one cheap read with the stored key tells whether Stripe still accepts
// it. Only a 401 marks the key bad; a network failure, a 5xx or a 429 says nothing about the
// key, so it is never held against it.

/**
 * Claims the right to probe a connection's key now: one conditional UPDATE of key_checked_at,
 * so however many webhooks arrive at once, at most one probe runs per `minIntervalMs` (the
 * row lock makes concurrent claims re-check the condition; only the first one changes a row).
 */
export async function claimKeyProbe(db: Db, args: { connectionId: string; now: Date; minIntervalMs: number }): Promise<boolean> {
  const claimed = await db.$executeRawUnsafe(
    `UPDATE stripe_connections SET key_checked_at = $2::timestamptz AT TIME ZONE 'UTC'
     WHERE id = $1 AND (key_checked_at IS NULL OR key_checked_at <= $3::timestamptz AT TIME ZONE 'UTC')`,
    args.connectionId,
    args.now,
    new Date(args.now.getTime() - args.minIntervalMs),
  )
  return claimed === 1
}

export type KeyProbeResult = { ok: true } | { ok: false; reason: 'key_rejected' | 'permission_missing' | 'unavailable'; message: string }

/** What Stripe's 401 means, in words a person acts on (stored as `keyError`, shown on the health page). */
function keyErrorOf(code: string | undefined): string {
  return code === 'api_key_expired' ? 'Stripe says the key was revoked or has expired (401)' : 'Stripe no longer recognises the key; it may have been deleted or rolled (401)'
}

/**
 * Records that Stripe answered 401 to the stored key (the probe, or any call the sync makes):
 * `keyError` in words, and needs_reauth unless paused or unfinished. Returns the words.
 */
export async function recordRejectedKey(db: Db, args: { connectionId: string; code: string | undefined; now: Date }): Promise<string> {
  const keyError = keyErrorOf(args.code)
  const where = { id: args.connectionId }
  await db.$transaction([
    db.stripeConnection.update({ where, data: { keyError, keyCheckedAt: args.now } }),
    db.stripeConnection.updateMany({ where: { ...where, status: { notIn: ['paused', 'draft', 'needs_reauth'] } }, data: { status: 'needs_reauth' } }),
  ])
  return keyError
}

/**
 * Reads one customer with the stored key (customers read is a required permission, so every
 * working key may do it). A 401 records `keyError` and sets the connection to needs_reauth;
 * success clears `keyError` and ends needs_reauth. A paused or unfinished connection keeps its
 * status: pausing is an admin's decision, and the recorded `keyError` already flags the key.
 */
export async function probeConnectionKey(deps: ConnectionDeps, args: { connectionId: string }): Promise<KeyProbeResult> {
  const connection = await deps.db.stripeConnection.findUnique({ where: { id: args.connectionId } })
  if (!connection) throw new AppError('not_found', 'No Stripe connection with this id.')
  const now = (deps.now ?? (() => new Date()))()
  const where = { id: connection.id }

  let failure: ReturnType<typeof classifyStripeError> | undefined
  let code: string | undefined
  try {
    await stripeForConnection(deps, connection).customers.list({ limit: 1 })
  } catch (error) {
    failure = classifyStripeError(error, now.getTime())
    code = (error as { code?: string }).code
    if (failure.kind !== 'revoked') console.warn('[churnless] key probe inconclusive', { connectionId: connection.id, ...stripeErrorSummary(error) })
  }

  if (!failure) {
    await deps.db.$transaction([
      deps.db.stripeConnection.update({ where, data: { keyError: null, keyCheckedAt: now } }),
      deps.db.stripeConnection.updateMany({ where: { ...where, status: 'needs_reauth' }, data: { status: 'active' } }),
    ])
    return { ok: true }
  }

  if (failure.kind === 'revoked') {
    const keyError = await recordRejectedKey(deps.db, { connectionId: connection.id, code, now })
    return { ok: false, reason: 'key_rejected', message: `${keyError}. Save a new restricted key of the same account.` }
  }

  // Not a verdict on the key: remember only that we tried, so the next probe waits its turn.
  await deps.db.stripeConnection.update({ where, data: { keyCheckedAt: now } })
  if (failure.kind === 'permission') {
    return {
      ok: false,
      reason: 'permission_missing',
      message: `Stripe accepts the key but refuses to list customers${failure.permission ? ` (it lacks ${failure.permission})` : ''}. Add the permission to the key in Stripe, or save a new key.`,
    }
  }
  return { ok: false, reason: 'unavailable', message: 'Stripe did not answer the key check (a network error, an outage or rate limiting). The key was not marked bad; it is checked again shortly.' }
}
