// HTTP front of the sandbox: `/v1/*` speaks Stripe's REST API; `/_sandbox/*` is the control API.

import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { authenticate } from './auth'
import { API_VERSION, handleApi, RawJson } from './api'
import { handleControl } from './control'
import { parseParams, StripeError } from './params'
import type { Sandbox } from './sandbox'
import type { Account } from './store'

const MAX_BODY = 1_000_000

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        reject(new StripeError(413, 'invalid_request_error', 'Request body too large.'))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function requestId(): string {
  return `req_${randomBytes(9).toString('base64url')}`
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(body instanceof RawJson ? body.json : JSON.stringify(body), 'utf8')
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': buf.length,
    ...headers,
  })
  res.end(buf)
}

/** Token bucket per account: `rateLimit` requests per second, bursts up to the same number. */
class RateLimiter {
  private readonly buckets = new WeakMap<Account, { tokens: number; at: number }>()

  /** `nowMs`: a monotonic clock in milliseconds; tests pass one they move by hand. */
  constructor(private readonly nowMs: () => number) {}

  take(account: Account, perSecond: number): boolean {
    const now = this.nowMs()
    let bucket = this.buckets.get(account)
    if (!bucket) {
      bucket = { tokens: perSecond, at: now }
      this.buckets.set(account, bucket)
    }
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}

export function createSandboxServer(sandbox: Sandbox): Server {
  const limiter = new RateLimiter(sandbox.monotonicMs)

  async function handleV1(req: IncomingMessage, res: ServerResponse, url: URL, reqId: string): Promise<void> {
    const baseHeaders = { 'request-id': reqId, 'stripe-version': API_VERSION }
    try {
      const entry = authenticate(req.headers, sandbox.keys)
      const { key, account } = entry
      // Fault switch: the key stops working after N requests, as if revoked in the dashboard.
      if (key.revokeAfter !== null && key.requests >= key.revokeAfter) {
        key.revoked = true
        authenticate(req.headers, sandbox.keys)
      }
      key.requests += 1
      const runtime = sandbox.getAccount(account.id)
      if (!runtime) throw new StripeError(500, 'api_error', 'Account vanished.')
      const faults = account.faults
      if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs))
      if (faults.rateLimit !== null && !limiter.take(account, faults.rateLimit)) {
        if (faults.lockTimeoutRate > 0 && runtime.ctx.rng.chance(faults.lockTimeoutRate)) {
          throw new StripeError(
            429,
            'invalid_request_error',
            'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
            'lock_timeout',
            undefined,
            { 'stripe-should-retry': 'true' },
          )
        }
        throw new StripeError(
          429,
          'invalid_request_error',
          'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
          'rate_limit',
          undefined,
          { 'stripe-rate-limited-reason': 'global-rate', 'stripe-should-retry': 'false' },
        )
      }
      if (faults.errorRate > 0 && runtime.ctx.rng.chance(faults.errorRate)) {
        const status = runtime.ctx.rng.pick([500, 502, 503])
        throw new StripeError(status, 'api_error', 'An unknown error occurred', undefined, undefined, { 'stripe-should-retry': 'true' })
      }
      const body = req.method === 'GET' || req.method === 'DELETE' ? '' : await readBody(req)
      const params = parseParams(url.search.slice(1))
      const bodyParams = parseParams(body)
      Object.assign(params, bodyParams)
      const result = handleApi({ method: req.method ?? 'GET', path: url.pathname, params, entry, runtime })
      send(res, 200, result, baseHeaders)
    } catch (err) {
      if (err instanceof StripeError) {
        send(res, err.status, err.toJSON(), { ...baseHeaders, ...err.headers })
        return
      }
      send(res, 500, { error: { type: 'api_error', message: err instanceof Error ? err.message : 'Internal error' } }, baseHeaders)
    }
  }

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local')
    const reqId = requestId()
    if (url.pathname.startsWith('/v1/') || url.pathname === '/v1') {
      void handleV1(req, res, url, reqId)
      return
    }
    if (url.pathname.startsWith('/_sandbox')) {
      void (async () => {
        try {
          const raw = req.method === 'GET' ? '' : await readBody(req)
          let body: unknown = {}
          if (raw.trim()) {
            try {
              body = JSON.parse(raw)
            } catch {
              throw new StripeError(400, 'invalid_request_error', 'Control API bodies are JSON.')
            }
          }
          const out = await handleControl(sandbox, req.method ?? 'GET', url, body)
          if (req.method !== 'GET') for (const rt of sandbox.accounts.values()) rt.jsonCache.clear()
          send(res, out.status, out.body)
        } catch (err) {
          if (err instanceof StripeError) send(res, err.status, err.toJSON())
          else send(res, 500, { error: { type: 'api_error', message: err instanceof Error ? err.message : 'Internal error' } })
        }
      })()
      return
    }
    send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } })
  })
}
