import type { z } from 'zod'
import type { Db } from '../db'
import { AppError, httpStatusOf, toFailure } from '../errors'
import { readBodyCapped } from '../webhooks/read-body'
import { authenticateApiKey } from './api-keys'
import { createRateLimiter } from './rate-limit'

// The wrapper of every /api/v1 route (the activity API, F16): bearer key → per-key rate limit
// (429 + Retry-After) → body (≤ 2 MB, JSON) → zod → service. Failures go through lib/errors:
// a 4xx names the field ("batch.3.email: email is not a valid email address"), nothing internal
// leaks. Not behind the session wrapper: callers are servers holding a workspace key.

const limiter = createRateLimiter()
const BODY_LIMIT = 2 * 1024 * 1024

export function withApiKey<B>(deps: () => { db: Db; now?: () => Date; limiter?: ReturnType<typeof createRateLimiter> }, schema: z.ZodType<B>, handler: (args: { db: Db; workspaceId: string; body: B; now: Date }) => Promise<unknown>) {
  return async (req: Request): Promise<Response> => {
    try {
      const { db, now: clock, limiter: keyLimiter = limiter } = deps()
      const now = clock?.() ?? new Date()
      const { workspaceId, keyId } = await authenticateApiKey(db, req.headers.get('authorization'), now)
      const allowed = keyLimiter.take(keyId, now.getTime())
      if (!allowed.ok) {
        return Response.json({ error: { code: 'rate_limited', message: `Too many requests for this API key. Retry after ${allowed.retryAfterSeconds} s, or send up to 500 items per /api/v1/batch call.` } }, { status: 429, headers: { 'retry-after': String(allowed.retryAfterSeconds) } })
      }
      const raw = await readBodyCapped(req, BODY_LIMIT)
      if (!raw.ok) throw new AppError('payload_too_large', 'The body is larger than 2 MB. Send at most 500 items per batch.')
      let json: unknown
      try {
        json = JSON.parse(Buffer.from(raw.bytes).toString('utf8'))
      } catch {
        throw new AppError('invalid_input', 'The request body is not valid JSON.')
      }
      const body = schema.parse(json)
      const result = await handler({ db, workspaceId, body, now })
      return Response.json(result)
    } catch (error) {
      const failure = toFailure(error)
      return Response.json({ error: { code: failure.code, message: failure.message, ...(failure.fieldErrors && { fields: failure.fieldErrors }) } }, { status: httpStatusOf(failure) })
    }
  }
}
