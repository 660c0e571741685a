import Stripe from 'stripe'
import type { Db } from '../db'

// One request budget per Stripe account (and mode), shared by every stream, worker, concurrent
// Inngest run and every workspace connected to that account: Stripe's limits are per account
// (100 r/s live, 25 r/s test, shared with the merchant's own traffic), so two workspaces
// importing one account must not each take the whole allowance. A token bucket in
// `stripe_request_budgets`, taken with one atomic UPDATE, never held in process memory. By
// default we use half of Stripe's limit: 50 live, 12 test; an admin may set a connection's rate,
// and the account's bucket runs at the lowest rate its connections allow.
//
// The bucket works by reservation: every taker subtracts its tokens at once (the balance may go
// negative) and is told how long to wait for its slot, so N workers never spin on the row.
// A 429 pauses the whole bucket (`paused_until`) and leaves a debt, so every worker backs off.

export const defaultRatePerSecond = { live: 50, test: 12 } as const
/** Stripe's own limits per account, the most a connection may be set to. */
export const stripeRateLimit = { live: 100, test: 25 } as const
/** Bucket capacity, in seconds of rate: a short burst after an idle spell, never more. */
const BURST_SECONDS = 1

export type StripeMode = keyof typeof defaultRatePerSecond

/** The bucket of a connection: its Stripe account in its mode (its own when the account is unknown). */
export function budgetKeyOf(connection: { id: string; accountId: string | null; mode: StripeMode }): string {
  return connection.accountId ? `${connection.accountId}:${connection.mode}` : `connection:${connection.id}`
}

/** Creates the bucket `key` if missing and sets its rate. */
export async function ensureRequestBudget(db: Db, args: { key: string; ratePerSecond: number }) {
  if (!(args.ratePerSecond > 0)) throw new Error(`A Stripe request budget must be positive (got ${args.ratePerSecond}).`)
  await db.$executeRawUnsafe(
    `INSERT INTO stripe_request_budgets (budget_key, rate_per_second, tokens, refilled_at)
     VALUES ($1, $2::float8, $2::float8 * ${BURST_SECONDS}, clock_timestamp() AT TIME ZONE 'UTC')
     ON CONFLICT (budget_key) DO UPDATE SET rate_per_second = excluded.rate_per_second`,
    args.key,
    args.ratePerSecond,
  )
}

export type ConnectionBudget = { key: string; ratePerSecond: number; sharedWith: number }

/**
 * The bucket a connection's requests go through, created if missing, its rate refreshed: the
 * lowest rate allowed by any connection of the same account and mode (each defaulting to half
 * of Stripe's limit). `ratePerSecond` overrides it (a benchmark's or a test's fixed rate).
 * `sharedWith`: how many other connections (any workspace) share the bucket.
 */
export async function ensureConnectionBudget(db: Db, args: { connectionId: string; ratePerSecond?: number }): Promise<ConnectionBudget> {
  const [row] = await db.$queryRawUnsafe<{ id: string; account_id: string | null; mode: StripeMode; rate: number; shared_with: number }[]>(
    `SELECT c.id, c.account_id, c.mode::text AS mode,
            COALESCE(MIN(COALESCE(o.request_rate_per_second, CASE o.mode::text WHEN 'live' THEN ${defaultRatePerSecond.live} ELSE ${defaultRatePerSecond.test} END)),
                     COALESCE(c.request_rate_per_second, CASE c.mode::text WHEN 'live' THEN ${defaultRatePerSecond.live} ELSE ${defaultRatePerSecond.test} END))::float8 AS rate,
            (COUNT(o.id) - 1)::int AS shared_with
     FROM stripe_connections c
     LEFT JOIN stripe_connections o ON (o.id = c.id OR (c.account_id IS NOT NULL AND o.account_id = c.account_id AND o.mode = c.mode))
     WHERE c.id = $1
     GROUP BY c.id`,
    args.connectionId,
  )
  if (!row) throw new Error(`No Stripe connection ${args.connectionId}.`)
  const key = budgetKeyOf({ id: row.id, accountId: row.account_id, mode: row.mode })
  const ratePerSecond = args.ratePerSecond ?? row.rate
  await ensureRequestBudget(db, { key, ratePerSecond })
  return { key, ratePerSecond, sharedWith: Math.max(0, row.shared_with) }
}

/**
 * Reserves `n` requests and answers how many milliseconds to wait before sending them.
 * Refill by elapsed time, capped at the burst; a pause moves `refilled_at` into the future, so
 * nothing refills (and every reservation queues) until it ends.
 */
export async function reserveRequests(db: Db, key: string, n = 1): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ wait_ms: number }[]>(
    `WITH now AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS ts)
     UPDATE stripe_request_budgets b SET
       tokens = LEAST(b.rate_per_second * ${BURST_SECONDS},
                      b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (now.ts - b.refilled_at))) * b.rate_per_second) - $2::float8,
       refilled_at = GREATEST(now.ts, b.refilled_at)
     FROM now
     WHERE b.budget_key = $1
     RETURNING (GREATEST(0, EXTRACT(EPOCH FROM (b.refilled_at - now.ts)) * 1000
                + GREATEST(0, -b.tokens) / b.rate_per_second * 1000))::float8 AS wait_ms`,
    key,
    n,
  )
  const row = rows[0]
  if (!row) throw new Error(`No request budget ${key}: call ensureConnectionBudget first.`)
  return row.wait_ms
}

/** After a 429: nobody on this account sends before `ms` from now, and the burst is gone. */
export async function pauseRequestBudget(db: Db, key: string, ms: number) {
  await db.$executeRawUnsafe(
    `WITH now AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS ts)
     UPDATE stripe_request_budgets b SET
       paused_until = GREATEST(COALESCE(b.paused_until, now.ts), now.ts + make_interval(secs => $2::float8 / 1000.0)),
       refilled_at = GREATEST(b.refilled_at, now.ts + make_interval(secs => $2::float8 / 1000.0)),
       tokens = LEAST(b.tokens, 0)
     FROM now WHERE b.budget_key = $1`,
    key,
    ms,
  )
}

// ───────────────────────────── failures and retries ─────────────────────────────

export type StripeFailure =
  | { kind: 'retry'; isThrottle: boolean; retryAfterMs: number | null; message: string }
  | { kind: 'revoked'; message: string }
  | { kind: 'permission'; permission: string | null; message: string }
  | { kind: 'fatal'; message: string }

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined
  const value = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()]
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined
}

/** `Retry-After` in seconds or as an HTTP date, in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs)
}

/**
 * What to do about an error from the SDK. 429s (`rate_limit`, `lock_timeout`) are retried
 * whatever `Stripe-Should-Retry` says: Stripe's advice for rate limits is to back off and retry.
 * Other errors follow `Stripe-Should-Retry` when present; without it 5xx and network errors
 * are retried, 4xx are not.
 */
export function classifyStripeError(error: unknown, nowMs: number): StripeFailure {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return { kind: 'fatal', message: error instanceof Error ? error.message : String(error) }
  }
  const status = error.statusCode ?? 0
  const headers = error.headers ?? (error.raw as { headers?: unknown } | undefined)?.headers
  const shouldRetry = header(headers, 'stripe-should-retry')
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), nowMs)
  if (status === 401) return { kind: 'revoked', message: error.message }
  if (status === 403) return { kind: 'permission', permission: /\b(rak_[a-z_]+)\b/.exec(error.message)?.[1] ?? null, message: error.message }
  if (status === 429) return { kind: 'retry', isThrottle: true, retryAfterMs, message: error.message }
  if (shouldRetry === 'true') return { kind: 'retry', isThrottle: false, retryAfterMs, message: error.message }
  if (shouldRetry === 'false') return { kind: 'fatal', message: error.message }
  if (status >= 500 || error instanceof Stripe.errors.StripeConnectionError) return { kind: 'retry', isThrottle: false, retryAfterMs, message: error.message }
  return { kind: 'fatal', message: error.message }
}

/** Exponential back-off with full jitter in [cap/2, cap]: attempt 1 → 0.25–0.5 s … capped at 8 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(8_000, 500 * 2 ** Math.max(0, attempt - 1))
  return Math.round(cap / 2 + random() * (cap / 2))
}

/**
 * How long the whole connection pauses after a 429: `Retry-After` when Stripe sends one, else
 * about one request slot on the first failure of a request, doubling on each further one. A
 * short pause keeps throughput up when a few 429s are noise; a storm escalates quickly.
 */
export function throttlePauseMs(args: { attempt: number; ratePerSecond: number; retryAfterMs: number | null; random?: () => number }): number {
  if (args.retryAfterMs !== null) return args.retryAfterMs
  const slot = Math.max(50, 1000 / args.ratePerSecond)
  const cap = Math.min(10_000, slot * 2 ** Math.max(0, args.attempt - 1))
  return Math.round(cap / 2 + (args.random ?? Math.random)() * (cap / 2))
}

export class StripeRequestError extends Error {
  override name = 'StripeRequestError'
  constructor(
    readonly failure: Exclude<StripeFailure, { kind: 'retry' }> | { kind: 'exhausted'; message: string },
    message: string,
  ) {
    super(message)
  }
}

export type RequestStats = { requests: number; throttled: number }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Sends one Stripe request under the budget `key` (budgetKeyOf), retrying 429s, `lock_timeout`,
 * 5xx and network errors with back-off (bounded attempts). Counts every request sent and
 * every 429 into `stats`. Throws StripeRequestError for what retrying cannot fix.
 */
export async function requestWithBudget<T>(
  deps: { db: Db; ratePerSecond: number; maxAttempts?: number; maxThrottledAttempts?: number },
  key: string,
  stats: RequestStats,
  send: () => Promise<T>,
): Promise<T> {
  // 429s get more attempts than errors: each one slows the whole connection down, so a storm
  // subsides; errors that persist are not going to heal within a run.
  const maxAttempts = deps.maxAttempts ?? 6
  const maxThrottledAttempts = deps.maxThrottledAttempts ?? 25
  for (let attempt = 1; ; attempt++) {
    const wait = await reserveRequests(deps.db, key, 1)
    if (wait > 0) await sleep(wait)
    stats.requests += 1
    try {
      return await send()
    } catch (error) {
      const failure = classifyStripeError(error, Date.now())
      if (failure.kind !== 'retry') throw new StripeRequestError(failure, failure.message)
      if (failure.isThrottle) {
        stats.throttled += 1
        await pauseRequestBudget(deps.db, key, throttlePauseMs({ attempt, ratePerSecond: deps.ratePerSecond, retryAfterMs: failure.retryAfterMs }))
      }
      if (attempt >= (failure.isThrottle ? maxThrottledAttempts : maxAttempts)) {
        throw new StripeRequestError(
          { kind: 'exhausted', message: failure.message },
          `Stripe kept answering ${failure.isThrottle ? '429 (rate limited)' : 'with errors'} after ${attempt} attempts: ${failure.message}`,
        )
      }
      // Throttles already wait through the shared pause; other errors back off on their own.
      if (!failure.isThrottle) await sleep(failure.retryAfterMs ?? backoffMs(attempt))
    }
  }
}
