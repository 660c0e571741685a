// Control API under /_sandbox (a path Stripe never uses): accounts, keys, faults, the clock and
// lifecycle actions. JSON in, JSON out. Documented in sandbox/README.md; other code relies on it.

import { z } from 'zod'
import { isResource, type Resource } from './auth'
import {
  advanceClock,
  cancelAction,
  changeEmail,
  convertTrialNow,
  createCustomerAction,
  deleteCustomer,
  failPayment,
  recoverPayment,
  refundAction,
  startTrial,
} from './lifecycle'
import { StripeError } from './params'
import type { AccountRuntime, Sandbox } from './sandbox'
import type { Permission } from './store'

export const createAccountSchema = z.object({
  customers: z.number().int().min(0).max(1_000_000).default(100),
  seed: z.number().int().default(1),
  name: z.string().min(1).max(100).optional(),
  now: z.number().int().positive().optional(),
  jpyCustomers: z.number().int().min(0).max(100_000).default(0),
})

const levelSchema = z.enum(['none', 'read', 'write'])

/** Permissions as `{ customer: 'read' }` or as Stripe's names `['rak_customer_read', …]`. */
export const createKeySchema = z.object({
  type: z.enum(['secret', 'publishable', 'restricted']).default('restricted'),
  permissions: z.union([z.record(z.string(), levelSchema), z.array(z.string())]).default({}),
  name: z.string().max(100).optional(),
})

const revokeSchema = z.object({ key: z.string().min(1) })
const revokeAfterSchema = z.object({ key: z.string().min(1), requests: z.number().int().min(0) })

export const faultsSchema = z
  .object({
    rateLimit: z.number().positive().nullable(),
    lockTimeoutRate: z.number().min(0).max(1),
    errorRate: z.number().min(0).max(1),
    latencyMs: z.number().int().min(0).max(60_000),
    dropRate: z.number().min(0).max(1),
    duplicateRate: z.number().min(0).max(1),
    reorderWindow: z.number().int().min(0).max(1000),
  })
  .partial()

const advanceSchema = z.object({ seconds: z.number().int().min(0) })
const createCustomerSchema = z.object({
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  card: z.boolean().optional(),
  price: z.string().optional(),
  quantity: z.number().int().positive().optional(),
  trialDays: z.number().int().positive().optional(),
})
const emailSchema = z.object({ email: z.string().nullable() })
const trialSchema = z.object({ price: z.string().optional(), trialDays: z.number().int().positive().default(14) })
const cancelSchema = z.object({ atPeriodEnd: z.boolean().default(false) })
const refundSchema = z.object({ amount: z.number().int().positive().optional() })

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new StripeError(400, 'invalid_request_error', `Invalid control request: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}

export function parsePermissions(input: Record<string, string> | string[]): Partial<Record<Resource, Permission>> {
  const out: Partial<Record<Resource, Permission>> = {}
  const entries: [string, string][] = Array.isArray(input)
    ? input.map((name) => {
        const m = /^rak_(.+)_(read|write)$/.exec(name)
        if (!m) throw new StripeError(400, 'invalid_request_error', `Unknown permission ${name}: use rak_<resource>_<read|write>.`)
        return [m[1] as string, m[2] as string]
      })
    : Object.entries(input)
  for (const [resource, level] of entries) {
    if (!isResource(resource)) throw new StripeError(400, 'invalid_request_error', `Unknown resource ${resource}.`)
    const current = out[resource]
    if (current === 'write') continue
    out[resource] = level as Permission
  }
  return out
}

function accountSummary(rt: AccountRuntime) {
  const a = rt.account
  return {
    accountId: a.id,
    name: a.name,
    now: a.now(),
    clockOffset: a.clockOffset,
    faults: a.faults,
    counts: {
      customers: a.customers.size,
      subscriptions: a.subscriptions.size,
      invoices: a.invoices.size,
      charges: a.charges.size,
      events: a.events.size,
      webhookEndpoints: a.webhookEndpoints.size,
    },
  }
}

interface ControlResult {
  status: number
  body: unknown
}

const ok = (body: unknown): ControlResult => ({ status: 200, body })

export async function handleControl(sandbox: Sandbox, method: string, url: URL, body: unknown): Promise<ControlResult> {
  const parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent)
  const [head, accountId, sub, id, action] = parts

  if (method === 'GET' && head === 'health') return ok({ ok: true })

  if (head === 'accounts' && accountId === undefined) {
    if (method === 'POST') {
      const input = parse(createAccountSchema, body)
      return { status: 201, body: sandbox.createAccount(input) }
    }
    if (method === 'GET') return ok({ data: [...sandbox.accounts.values()].map(accountSummary) })
  }

  if (head === 'keys' && method === 'POST') {
    if (accountId === 'revoke') {
      const { key } = parse(revokeSchema, body)
      if (!sandbox.revokeKey(key)) throw new StripeError(404, 'invalid_request_error', 'No such key.')
      return ok({ key, revoked: true })
    }
    if (accountId === 'revoke-after') {
      const input = parse(revokeAfterSchema, body)
      const entry = sandbox.keys.get(input.key)
      if (!entry) throw new StripeError(404, 'invalid_request_error', 'No such key.')
      entry.key.revokeAfter = entry.key.requests + input.requests
      return ok({ key: input.key, revokeAfter: input.requests })
    }
  }

  if (head !== 'accounts' || accountId === undefined) {
    throw new StripeError(404, 'invalid_request_error', `Unknown control route ${method} ${url.pathname}. See sandbox/README.md.`)
  }
  const rt = sandbox.getAccount(accountId)
  if (!rt) throw new StripeError(404, 'invalid_request_error', `No such sandbox account: '${accountId}'`)
  const run = <T>(fn: () => T) => {
    const { result, events } = sandbox.capture(rt, fn)
    return ok({ ...(result as object), events })
  }

  if (sub === undefined && method === 'GET') return ok(accountSummary(rt))

  if (sub === 'keys' && method === 'POST' && id === undefined) {
    const input = parse(createKeySchema, body)
    const key = sandbox.createKey(rt.account.id, input.type, parsePermissions(input.permissions), input.name ?? null)
    return { status: 201, body: { key: key.key, type: key.type, permissions: key.permissions } }
  }
  if (sub === 'faults' && method === 'POST') {
    const input = parse(faultsSchema, body)
    rt.account.faults = { ...rt.account.faults, ...input }
    return ok({ faults: rt.account.faults })
  }
  if (sub === 'clock' && id === 'advance' && method === 'POST') {
    const { seconds } = parse(advanceSchema, body)
    return run(() => advanceClock(rt, seconds))
  }
  if (sub === 'deliveries' && method === 'GET') return ok({ data: rt.dispatcher.log })
  // Test harnesses need the signing secrets Stripe shows only once, at creation (e.g. to prove
  // the app never echoes one back); the control API is unauthenticated and bound to localhost.
  if (sub === 'webhook-endpoints' && id === undefined && method === 'GET') {
    return ok({ data: rt.account.webhookEndpoints.all.items.map((e) => ({ id: e.id, url: e.url, status: e.status, secret: e.secret, metadata: e.metadata })) })
  }
  if (sub === 'webhooks' && id === 'idle' && method === 'POST') {
    await rt.dispatcher.idle()
    return ok({ idle: true })
  }
  if (sub === 'customers') {
    if (id === undefined && method === 'POST') {
      const input = parse(createCustomerSchema, body)
      return run(() => createCustomerAction(rt, input))
    }
    if (id !== undefined && action === undefined && method === 'DELETE') {
      return run(() => {
        deleteCustomer(rt, id)
        return { customer: id, deleted: true }
      })
    }
    if (id !== undefined && action === 'email' && method === 'POST') {
      const { email } = parse(emailSchema, body)
      return run(() => ({ customer: changeEmail(rt, id, email).id }))
    }
    if (id !== undefined && action === 'trial' && method === 'POST') {
      const input = parse(trialSchema, body)
      const price = input.price ?? rt.account.prices.all.items.find((p) => p.obj.recurring?.interval === 'month')?.id
      if (!price) throw new StripeError(400, 'invalid_request_error', 'No monthly price to start a trial on: pass price.')
      return run(() => ({ subscription: startTrial(rt, id, price, input.trialDays).id }))
    }
  }
  if (sub === 'subscriptions' && id !== undefined && method === 'POST') {
    if (action === 'convert') return run(() => ({ subscription: convertTrialNow(rt, id).id }))
    if (action === 'fail-payment') return run(() => ({ subscription: failPayment(rt, id).id }))
    if (action === 'recover') return run(() => ({ subscription: recoverPayment(rt, id).id }))
    if (action === 'cancel') {
      const { atPeriodEnd } = parse(cancelSchema, body)
      return run(() => ({ subscription: cancelAction(rt, id, atPeriodEnd).id }))
    }
  }
  if (sub === 'charges' && id !== undefined && action === 'refund' && method === 'POST') {
    const { amount } = parse(refundSchema, body)
    return run(() => ({ refund: refundAction(rt, id, amount) }))
  }
  throw new StripeError(404, 'invalid_request_error', `Unknown control route ${method} ${url.pathname}. See sandbox/README.md.`)
}
