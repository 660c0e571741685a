// The /v1 endpoints Churnless uses, with Stripe's filters, permissions and write side effects.

import type Stripe from 'stripe'
import { ALLOWED_PARAMS, checkParams, type Spec } from './allowed-params'
import { type KeyEntry, type Resource, requirePermission } from './auth'
import { attachCard, createCustomer, createSubscription, draftInvoice } from './billing'
import { addInterval, addProduct, isMetered, itemAmount, priceInterval } from './catalog'
import {
  cancelAction,
  changeEmail,
  convertTrialNow,
  deleteCustomer,
  getCustomerOrThrow,
  getSubscriptionOrThrow,
  refundAction,
} from './lifecycle'
import { applyExpand, expandPaths, type ListQuery, paginate, parseListQuery } from './list'
import {
  API_VERSION,
  buildAccount,
  buildById,
  buildCharge,
  buildCheckoutSession,
  buildCustomer,
  buildDeleted,
  buildEvent,
  buildInvoice,
  buildPaymentMethod,
  buildPrice,
  buildRefund,
  buildSubscription,
  buildSubscriptionItem,
  buildWebhookEndpoint,
  expandableField,
  type Json,
  resourceOfId,
  type Wire,
} from './objects'
import { invalidParam, noSuch, type Params, StripeError, str, strList } from './params'
import type { CheckoutSessionRec, InvoiceRec, Ordered, SubscriptionRec, WebhookEndpointRec } from './records'
import type { AccountRuntime } from './sandbox'
import type { Collection, SortedList } from './store'
import { randomBytes } from 'node:crypto'

export interface ApiRequest {
  method: string
  path: string
  params: Params
  entry: KeyEntry
  runtime: AccountRuntime
}

type Handler = (req: ApiRequest, match: RegExpExecArray) => unknown

interface Route {
  method: string
  pattern: RegExp
  resource: Resource
  level: 'read' | 'write'
  /** The parameters the handler implements; any other is a 400 `parameter_unknown`. */
  allowed: Spec
  handler: Handler
}

const routes: Route[] = []
function route(method: string, path: string, resource: Resource, level: 'read' | 'write', handler: Handler): void {
  const allowed = ALLOWED_PARAMS[`${method} ${path}`]
  if (!allowed) throw new Error(`sandbox: no allowed parameters declared for ${method} ${path}`)
  routes.push({ method, pattern: new RegExp(`^${path.replace(/:(\w+)/g, '([^/]+)')}$`), resource, level, allowed, handler })
}

/** Every `rak_<resource>_<level>` some endpoint requires, as `resource:level` (tests cover each). */
export function modeledPermissions(): string[] {
  return [...new Set(routes.map((r) => `${r.resource}:${r.level}`))].sort()
}

export function findRoute(method: string, path: string): { route: Route; match: RegExpExecArray } | null {
  for (const r of routes) {
    if (r.method !== method) continue
    const match = r.pattern.exec(path)
    if (match) return { route: r, match }
  }
  return null
}

export function handleApi(req: ApiRequest): unknown {
  const found = findRoute(req.method, req.path)
  if (!found) {
    throw new StripeError(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`)
  }
  requirePermission(req.entry, found.route.resource, found.route.level)
  checkParams(req.params, found.route.allowed)
  const body = found.route.handler(req, found.match)
  if (req.method !== 'GET') req.runtime.jsonCache.clear()
  const paths = expandPaths(req.params)
  if (paths.length === 0 || body instanceof RawJson) return body
  return applyExpand(
    body,
    paths,
    (id, path) => {
      const resource = resourceOfId(id) as Resource | null
      if (resource) requirePermission(req.entry, resource, 'read')
      const obj = buildById(req.runtime.account, id)
      if (!obj) throw new StripeError(400, 'invalid_request_error', `This property cannot be expanded (${path}).`, 'parameter_invalid_empty', 'expand')
      return obj
    },
    (node, field) => expandableField(req.runtime.account, node, field),
  )
}

// ---------------------------------------------------------------- helpers

/** A response body already serialized (list pages assembled from cached objects). */
export class RawJson {
  constructor(readonly json: string) {}
}

const JSON_CACHE_LIMIT = 200_000

function listResponse<T extends Ordered>(
  req: ApiRequest,
  url: string,
  list: SortedList<T>,
  collection: { get(id: string): Ordered | undefined },
  kind: string,
  matches: (item: T) => boolean,
  build: (item: T) => unknown,
  /** Events are not cached: their `pending_webhooks` changes as deliveries land. */
  cacheable = true,
): Wire<Stripe.ApiList<unknown>> | RawJson {
  const q: ListQuery = parseListQuery(req.params)
  const page = paginate(list, q, matches, (id) => collection.get(id), kind)
  if (cacheable && expandPaths(req.params).length === 0) {
    const cache = req.runtime.jsonCache
    if (cache.size > JSON_CACHE_LIMIT) cache.clear()
    const parts = page.items.map((item) => {
      let json = cache.get(item.id)
      if (json === undefined) {
        json = JSON.stringify(build(item))
        cache.set(item.id, json)
      }
      return json
    })
    return new RawJson(`{"object":"list","data":[${parts.join(',')}],"has_more":${page.hasMore},"url":${JSON.stringify(url)}}`)
  }
  return { object: 'list', data: page.items.map(build), has_more: page.hasMore, url } as Wire<Stripe.ApiList<unknown>>
}

const all = () => true

function bool(params: Params, key: string): boolean | undefined {
  const v = str(params, key)
  if (v === undefined) return undefined
  if (v === 'true') return true
  if (v === 'false') return false
  throw invalidParam(key, `Invalid boolean: ${v}`, 'parameter_invalid_boolean')
}

/** A parameter restricted to some values: anything else is Stripe's 400 naming them. */
function oneOf<T extends string>(params: Params, key: string, values: readonly T[]): T | undefined {
  const v = str(params, key)
  if (v === undefined) return undefined
  if (!(values as readonly string[]).includes(v)) {
    const choices = values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values.at(-1)}` : values.join('')
    throw invalidParam(key, `Invalid ${key}: must be one of ${choices}`, 'parameter_invalid_empty')
  }
  return v as T
}

function int(params: Params, key: string): number | undefined {
  const v = str(params, key)
  if (v === undefined || v === '') return undefined
  if (!/^-?\d+$/.test(v)) throw invalidParam(key, `Invalid integer: ${v}`, 'parameter_invalid_integer')
  return Number(v)
}

function metadata(params: Params): Record<string, string> | undefined {
  const m = params.metadata
  if (m === undefined) return undefined
  if (typeof m === 'string') return {}
  if (Array.isArray(m)) throw invalidParam('metadata', 'Invalid hash', 'parameter_invalid_empty')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string' && v !== '') out[k] = v
  return out
}

function retrieve<T>(collection: Collection<T & Ordered>, id: string, kind: string): T {
  const item = collection.get(id)
  if (!item) throw noSuch(kind, id)
  return item
}

// ---------------------------------------------------------------- account

route('GET', '/v1/account', 'account', 'read', (req) => buildAccount(req.runtime.account))

// ---------------------------------------------------------------- customers

route('GET', '/v1/customers', 'customer', 'read', (req) => {
  const { account } = req.runtime
  const email = str(req.params, 'email')
  const list = email !== undefined ? account.customers.listFor('email', email) : account.customers.all
  return listResponse(req, '/v1/customers', list, account.customers, 'customer', all, (c) => buildCustomer(c))
})

route('GET', '/v1/customers/:id', 'customer', 'read', (req, m) => {
  const c = retrieve(req.runtime.account.customers, m[1] as string, 'customer')
  return c.deleted ? buildDeleted(c.id, 'customer') : buildCustomer(c)
})

route('POST', '/v1/customers', 'customer', 'write', (req) => {
  const rt = req.runtime
  const c = createCustomer(rt.ctx, rt.account.now(), {
    email: str(req.params, 'email') ?? null,
    name: str(req.params, 'name') ?? null,
    phone: str(req.params, 'phone') ?? null,
    description: str(req.params, 'description') ?? null,
    metadata: metadata(req.params) ?? {},
  })
  if (str(req.params, 'payment_method')) attachCard(rt.ctx, c, rt.account.now())
  return buildCustomer(c)
})

route('POST', '/v1/customers/:id', 'customer', 'write', (req, m) => {
  const rt = req.runtime
  const c = getCustomerOrThrow(rt, m[1] as string)
  const email = str(req.params, 'email')
  if (email !== undefined) changeEmail(rt, c.id, email === '' ? null : email)
  const previous: Record<string, unknown> = {}
  for (const field of ['name', 'phone', 'description'] as const) {
    const v = str(req.params, field)
    if (v === undefined) continue
    const next = v === '' ? null : v
    if (c[field] !== next) {
      previous[field] = c[field]
      c[field] = next
    }
  }
  const md = metadata(req.params)
  if (md) {
    previous.metadata = { ...c.metadata }
    c.metadata = { ...c.metadata, ...md }
  }
  if (Object.keys(previous).length > 0) rt.ctx.emit('customer.updated', 'customer', c.id, rt.account.now(), previous)
  return buildCustomer(c)
})

route('DELETE', '/v1/customers/:id', 'customer', 'write', (req, m) => {
  deleteCustomer(req.runtime, m[1] as string)
  return buildDeleted(m[1] as string, 'customer')
})

route('GET', '/v1/customers/:id/payment_methods', 'payment_method', 'read', (req, m) => {
  const { account } = req.runtime
  const c = getCustomerOrThrow(req.runtime, m[1] as string)
  // Every sandbox payment method is a card.
  const matches = str(req.params, 'type') === undefined || str(req.params, 'type') === 'card' ? all : () => false
  return listResponse(req, `/v1/customers/${c.id}/payment_methods`, account.paymentMethods.listFor('customer', c.id), account.paymentMethods, 'payment_method', matches, (p) =>
    buildPaymentMethod(p, c),
  )
})

// ---------------------------------------------------------------- payment methods

route('GET', '/v1/payment_methods', 'payment_method', 'read', (req) => {
  const { account } = req.runtime
  const customer = str(req.params, 'customer')
  const list = customer ? account.paymentMethods.listFor('customer', customer) : account.paymentMethods.all
  const matches = str(req.params, 'type') === undefined || str(req.params, 'type') === 'card' ? all : () => false
  return listResponse(req, '/v1/payment_methods', list, account.paymentMethods, 'payment_method', matches, (p) =>
    buildPaymentMethod(p, p.customer ? account.customers.get(p.customer) : undefined),
  )
})

route('GET', '/v1/payment_methods/:id', 'payment_method', 'read', (req, m) => {
  const { account } = req.runtime
  const p = retrieve(account.paymentMethods, m[1] as string, 'payment_method')
  return buildPaymentMethod(p, p.customer ? account.customers.get(p.customer) : undefined)
})

// ---------------------------------------------------------------- subscriptions

const SUB_STATUSES = ['active', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'trialing', 'paused', 'all', 'ended'] as const

route('GET', '/v1/subscriptions', 'subscription', 'read', (req) => {
  const { account } = req.runtime
  const status = oneOf(req.params, 'status', SUB_STATUSES)
  const customer = str(req.params, 'customer')
  const price = str(req.params, 'price')
  const list = customer ? account.subscriptions.listFor('customer', customer) : account.subscriptions.all
  // Without `status`, Stripe lists every subscription that has not ended.
  const statusOk = (s: SubscriptionRec) =>
    status === 'all'
      ? true
      : status === 'ended'
        ? s.status === 'canceled' || s.status === 'incomplete_expired'
        : status === undefined
          ? s.status !== 'canceled' && s.status !== 'incomplete_expired'
          : s.status === status
  const matches = (s: SubscriptionRec) => statusOk(s) && (price === undefined || s.items.some((i) => i.price === price))
  return listResponse(req, '/v1/subscriptions', list, account.subscriptions, 'subscription', matches, (s) => buildSubscription(account, s))
})

route('GET', '/v1/subscriptions/:id', 'subscription', 'read', (req, m) =>
  buildSubscription(req.runtime.account, retrieve(req.runtime.account.subscriptions, m[1] as string, 'subscription')),
)

route('POST', '/v1/subscriptions', 'subscription', 'write', (req) => {
  const rt = req.runtime
  const customerId = str(req.params, 'customer')
  if (!customerId) throw invalidParam('customer', 'Missing required param: customer.', 'parameter_missing')
  const customer = getCustomerOrThrow(rt, customerId)
  const items = req.params.items
  if (!Array.isArray(items) || items.length === 0) throw invalidParam('items', 'Missing required param: items.', 'parameter_missing')
  const parsed = items.map((raw, i) => {
    const item = raw as Params
    const price = str(item, 'price')
    if (!price || !rt.account.prices.get(price)) throw noSuch('price', price ?? '', `items[${i}][price]`)
    const metered = isMetered(rt.account.prices.get(price)?.obj as Stripe.Price)
    return { price, quantity: metered ? null : (int(item, 'quantity') ?? 1) }
  })
  const discounts = req.params.discounts
  const couponId = str(req.params, 'coupon') ?? (Array.isArray(discounts) ? str(discounts[0] as Params, 'coupon') : undefined)
  let coupon: { id: string; durationMonths: number | null } | null = null
  if (couponId) {
    const c = rt.account.coupons.get(couponId)?.obj
    if (!c) throw noSuch('coupon', couponId, 'coupon')
    coupon = { id: c.id, durationMonths: c.duration === 'repeating' ? c.duration_in_months : null }
  }
  const sub = createSubscription(rt.ctx, customer, rt.account.now(), {
    items: parsed,
    trialDays: int(req.params, 'trial_period_days'),
    coupon,
    metadata: metadata(req.params),
    firstPayment: customer.defaultPaymentMethod ? 'succeed' : 'fail',
  })
  return buildSubscription(rt.account, sub)
})

route('POST', '/v1/subscriptions/:id', 'subscription', 'write', (req, m) => {
  const rt = req.runtime
  const sub = getSubscriptionOrThrow(rt, m[1] as string)
  const cancelAtPeriodEnd = bool(req.params, 'cancel_at_period_end')
  if (cancelAtPeriodEnd === true && !sub.cancelAtPeriodEnd) cancelAction(rt, sub.id, true)
  if (cancelAtPeriodEnd === false && sub.cancelAtPeriodEnd) {
    const previous = { cancel_at_period_end: true, cancel_at: sub.cancelAt, canceled_at: sub.canceledAt }
    sub.cancelAtPeriodEnd = false
    sub.cancelAt = null
    sub.canceledAt = null
    rt.ctx.emit('customer.subscription.updated', 'subscription', sub.id, rt.account.now(), previous)
  }
  // Validate everything before changing anything: a 400 leaves the subscription as it was.
  const trialEnd = str(req.params, 'trial_end')
  let newTrialEnd: number | null = null
  if (trialEnd !== undefined) {
    if (sub.status !== 'trialing') {
      throw invalidParam('trial_end', `The sandbox changes trial_end only on a trialing subscription; ${sub.id} is ${sub.status}.`)
    }
    if (trialEnd !== 'now') {
      if (!/^\d+$/.test(trialEnd)) throw invalidParam('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future, or "now".', 'parameter_invalid_integer')
      newTrialEnd = Number(trialEnd)
      if (newTrialEnd <= rt.account.now()) throw invalidParam('trial_end', 'Invalid timestamp: must be an integer Unix timestamp in the future.')
    }
  }
  const items = req.params.items
  const changes = (Array.isArray(items) ? items : []).map((raw, i) => {
    const item = raw as Params
    const id = str(item, 'id')
    const price = str(item, 'price')
    const quantity = int(item, 'quantity')
    const deleted = bool(item, `deleted`) === true
    const target = id ? sub.items.find((x) => x.id === id) : undefined
    if (id && !target) throw noSuch('subscription item', id, `items[${i}][id]`)
    if (price && !rt.account.prices.get(price)) throw noSuch('price', price, `items[${i}][price]`)
    if (deleted && !target) throw invalidParam(`items[${i}][id]`, `Missing required param: items[${i}][id].`, 'parameter_missing')
    if (!target && !price) throw invalidParam(`items[${i}][price]`, `Missing required param: items[${i}][price].`, 'parameter_missing')
    return { target, price, quantity, deleted }
  })
  const deletedIds = new Set(changes.filter((c) => c.deleted).map((c) => c.target?.id))
  const added = changes.filter((c) => !c.target).length
  if (sub.items.length - deletedIds.size + added === 0) {
    throw invalidParam('items', 'A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint on /v1/subscriptions.')
  }

  if (trialEnd === 'now') convertTrialNow(rt, sub.id)
  const previous: Record<string, unknown> = {}
  const before = sub.items.map((i) => buildSubscriptionItem(rt.account, sub, i))
  if (newTrialEnd !== null) {
    previous.trial_end = sub.trialEnd
    previous.items = { data: sub.items.map((i) => ({ id: i.id, current_period_end: sub.periodEnd })) }
    sub.trialEnd = newTrialEnd
    sub.periodEnd = newTrialEnd
    sub.billingCycleAnchor = newTrialEnd
  }
  const md = metadata(req.params)
  if (md) {
    previous.metadata = { ...sub.metadata }
    sub.metadata = { ...sub.metadata, ...md }
  }
  if (changes.length > 0) {
    for (const change of changes) {
      const { target, price, quantity } = change
      if (change.deleted) continue
      if (target) {
        if (price) target.price = price
        if (quantity !== undefined) target.quantity = quantity
      } else if (price) {
        sub.items.push({ id: rt.ctx.rng.id('si', 14), created: rt.account.now(), price, quantity: quantity ?? 1 })
      }
    }
    sub.items = sub.items.filter((i) => !deletedIds.has(i.id))
    // Arrays in previous_attributes arrive whole.
    previous.items = { data: before }
  }
  if (Object.keys(previous).length > 0) rt.ctx.emit('customer.subscription.updated', 'subscription', sub.id, rt.account.now(), previous)
  return buildSubscription(rt.account, sub)
})

route('DELETE', '/v1/subscriptions/:id', 'subscription', 'write', (req, m) => {
  const sub = cancelAction(req.runtime, m[1] as string, false)
  return buildSubscription(req.runtime.account, sub)
})

route('GET', '/v1/subscription_items', 'subscription', 'read', (req) => {
  const subId = str(req.params, 'subscription')
  if (!subId) throw invalidParam('subscription', 'Missing required param: subscription.', 'parameter_missing')
  const sub = getSubscriptionOrThrow(req.runtime, subId)
  // In the subscription's item order, `limit` (default 10), `starting_after` and `ending_before`
  // as on other lists.
  const { limit, startingAfter, endingBefore } = parseListQuery(req.params)
  const position = (id: string, param: string) => {
    const index = sub.items.findIndex((i) => i.id === id)
    if (index === -1) throw noSuch('subscription_item', id, param)
    return index
  }
  let from = 0
  let to = Math.min(limit, sub.items.length)
  let hasMore = to < sub.items.length
  if (startingAfter) {
    from = position(startingAfter, 'starting_after') + 1
    to = Math.min(from + limit, sub.items.length)
    hasMore = to < sub.items.length
  } else if (endingBefore) {
    to = position(endingBefore, 'ending_before')
    from = Math.max(0, to - limit)
    hasMore = from > 0
  }
  const page = sub.items.slice(from, to)
  return { object: 'list', data: page.map((i) => buildSubscriptionItem(req.runtime.account, sub, i)), has_more: hasMore, url: '/v1/subscription_items' }
})

route('GET', '/v1/subscription_items/:id', 'subscription', 'read', (req, m) => {
  for (const sub of req.runtime.account.subscriptions.all.items) {
    const item = sub.items.find((i) => i.id === m[1])
    if (item) return buildSubscriptionItem(req.runtime.account, sub, item)
  }
  throw noSuch('subscription_item', m[1] as string)
})

// ---------------------------------------------------------------- invoices

route('GET', '/v1/invoices', 'invoice', 'read', (req) => {
  const { account } = req.runtime
  const customer = str(req.params, 'customer')
  const subscription = str(req.params, 'subscription')
  const status = oneOf(req.params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const)
  const list = subscription
    ? account.invoices.listFor('subscription', subscription)
    : customer
      ? account.invoices.listFor('customer', customer)
      : account.invoices.all
  const matches = (i: InvoiceRec) => (status === undefined || i.status === status) && (customer === undefined || i.customer === customer)
  return listResponse(req, '/v1/invoices', list, account.invoices, 'invoice', matches, (i) => buildInvoice(account, i))
})

function previewInvoice(req: ApiRequest): Json {
  const rt = req.runtime
  const subId = str(req.params, 'subscription')
  const customerId = str(req.params, 'customer')
  const sub = subId
    ? getSubscriptionOrThrow(rt, subId)
    : rt.account.subscriptions.listFor('customer', customerId ?? '').items.findLast((s) => s.status !== 'canceled' && s.status !== 'incomplete_expired')
  if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired' || sub.cancelAtPeriodEnd) {
    throw new StripeError(404, 'invalid_request_error', 'No upcoming invoices for customer', 'invoice_upcoming_none')
  }
  const start = sub.periodEnd
  const interval = priceInterval(rt.account.prices.get((sub.items[0] as { price: string }).price)?.obj as Stripe.Price)
  const rec = draftInvoice(rt.account, sub, {
    id: `upcoming_${sub.id}`,
    at: start,
    seq: 0,
    reason: 'subscription_cycle',
    periodStart: start,
    periodEnd: addInterval(start, interval),
    // Usage is not known ahead: metered items preview at zero.
    quantityOf: (item, price) => (isMetered(price) ? 0 : (item.quantity ?? 1)),
    nextPaymentAttempt: start + 3600,
  })
  return buildInvoice(rt.account, rec) as Json
}

route('GET', '/v1/invoices/upcoming', 'invoice', 'read', (req) => {
  const preview = previewInvoice(req)
  // The legacy upcoming invoice has no id.
  const { id: _id, ...rest } = preview
  return rest
})
route('POST', '/v1/invoices/create_preview', 'invoice', 'read', (req) => previewInvoice(req))

route('GET', '/v1/invoices/:id', 'invoice', 'read', (req, m) =>
  buildInvoice(req.runtime.account, retrieve(req.runtime.account.invoices, m[1] as string, 'invoice')),
)

// ---------------------------------------------------------------- charges and refunds

route('GET', '/v1/charges', 'charge', 'read', (req) => {
  const { account } = req.runtime
  const customer = str(req.params, 'customer')
  const list = customer ? account.charges.listFor('customer', customer) : account.charges.all
  return listResponse(req, '/v1/charges', list, account.charges, 'charge', all, (c) => buildCharge(account, c))
})

route('GET', '/v1/charges/:id', 'charge', 'read', (req, m) =>
  buildCharge(req.runtime.account, retrieve(req.runtime.account.charges, m[1] as string, 'charge')),
)

route('GET', '/v1/refunds', 'refund', 'read', (req) => {
  const { account } = req.runtime
  const charge = str(req.params, 'charge')
  const list = charge ? account.refunds.listFor('charge', charge) : account.refunds.all
  return listResponse(req, '/v1/refunds', list, account.refunds, 'refund', all, (r) => buildRefund(r, account.charges.get(r.charge)))
})

route('GET', '/v1/refunds/:id', 'refund', 'read', (req, m) => {
  const { account } = req.runtime
  const r = retrieve(account.refunds, m[1] as string, 'refund')
  return buildRefund(r, account.charges.get(r.charge))
})

route('POST', '/v1/refunds', 'refund', 'write', (req) => {
  const { account } = req.runtime
  const charge = str(req.params, 'charge')
  if (!charge) throw invalidParam('charge', 'Missing required param: charge.', 'parameter_missing')
  const id = refundAction(req.runtime, charge, int(req.params, 'amount'))
  const r = account.refunds.get(id)
  if (!r) throw noSuch('refund', id)
  return buildRefund(r, account.charges.get(r.charge))
})

// ---------------------------------------------------------------- prices, products, coupons

route('GET', '/v1/prices', 'plan', 'read', (req) => {
  const { account } = req.runtime
  const active = bool(req.params, 'active')
  const product = str(req.params, 'product')
  const type = oneOf(req.params, 'type', ['one_time', 'recurring'] as const)
  const currency = str(req.params, 'currency')
  const lookupKeys = strList(req.params, 'lookup_keys')
  if (lookupKeys.length > 10) throw invalidParam('lookup_keys', 'You may pass at most 10 lookup keys.', 'parameter_invalid_empty')
  const matches = (p: { obj: Stripe.Price }) =>
    (active === undefined || p.obj.active === active) &&
    (product === undefined || p.obj.product === product) &&
    (type === undefined || p.obj.type === type) &&
    (currency === undefined || p.obj.currency === currency) &&
    (lookupKeys.length === 0 || (p.obj.lookup_key !== null && lookupKeys.includes(p.obj.lookup_key)))
  return listResponse(req, '/v1/prices', account.prices.all, account.prices, 'price', matches, (p) => buildPrice(p.obj))
})
route('GET', '/v1/prices/:id', 'plan', 'read', (req, m) => buildPrice(retrieve(req.runtime.account.prices, m[1] as string, 'price').obj))

route('POST', '/v1/prices', 'plan', 'write', (req) => {
  const rt = req.runtime
  const now = rt.account.now()
  const currency = str(req.params, 'currency')
  if (!currency) throw invalidParam('currency', 'Missing required param: currency.', 'parameter_missing')
  let product = str(req.params, 'product')
  const productData = req.params.product_data
  if (!product && productData && !Array.isArray(productData) && typeof productData === 'object') {
    product = createProduct(rt, str(productData, 'name') ?? 'Product', null).id
  }
  if (!product || !rt.account.products.get(product)) throw noSuch('product', product ?? '', 'product')
  const recurring = req.params.recurring
  const interval =
    recurring && typeof recurring === 'object' && !Array.isArray(recurring) ? oneOf(recurring, 'interval', ['day', 'week', 'month', 'year'] as const) : undefined
  if (recurring !== undefined && recurring !== '' && !interval) throw invalidParam('recurring[interval]', 'Missing required param: recurring[interval].', 'parameter_missing')
  const unitAmount = int(req.params, 'unit_amount') ?? 0
  const id = rt.ctx.rng.id('price')
  const price: Wire<Stripe.Price> = {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: now,
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: str(req.params, 'lookup_key') ?? null,
    metadata: metadata(req.params) ?? {},
    nickname: str(req.params, 'nickname') ?? null,
    product,
    recurring: interval
      ? { interval: interval as 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' }
      : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: interval ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  }
  rt.account.prices.add({ id, created: now, seq: rt.account.nextSeq(), obj: price as unknown as Stripe.Price })
  rt.ctx.emit('price.created', 'price', id, now)
  return price
})

function createProduct(rt: AccountRuntime, name: string, description: string | null): Wire<Stripe.Product> {
  const now = rt.account.now()
  const id = rt.ctx.rng.id('prod', 14)
  const product = addProduct(rt.account, { id, name, description, created: now })
  rt.ctx.emit('product.created', 'product', id, now)
  return product
}

route('GET', '/v1/products', 'product', 'read', (req) => {
  const { account } = req.runtime
  const active = bool(req.params, 'active')
  const matches = (p: { obj: Stripe.Product }) => active === undefined || p.obj.active === active
  return listResponse(req, '/v1/products', account.products.all, account.products, 'product', matches, (p) => p.obj)
})
route('GET', '/v1/products/:id', 'product', 'read', (req, m) => retrieve(req.runtime.account.products, m[1] as string, 'product').obj)
route('POST', '/v1/products', 'product', 'write', (req) => {
  const name = str(req.params, 'name')
  if (!name) throw invalidParam('name', 'Missing required param: name.', 'parameter_missing')
  return createProduct(req.runtime, name, str(req.params, 'description') ?? null)
})

route('GET', '/v1/coupons', 'coupon', 'read', (req) => {
  const { account } = req.runtime
  return listResponse(req, '/v1/coupons', account.coupons.all, account.coupons, 'coupon', all, (c) => c.obj)
})
route('GET', '/v1/coupons/:id', 'coupon', 'read', (req, m) => retrieve(req.runtime.account.coupons, m[1] as string, 'coupon').obj)

// ---------------------------------------------------------------- checkout sessions

route('GET', '/v1/checkout/sessions', 'checkout_session', 'read', (req) => {
  const { account } = req.runtime
  const customer = str(req.params, 'customer')
  const subscription = str(req.params, 'subscription')
  const status = oneOf(req.params, 'status', ['open', 'complete', 'expired'] as const)
  const list = customer ? account.checkoutSessions.listFor('customer', customer) : account.checkoutSessions.all
  const matches = (s: CheckoutSessionRec) =>
    (subscription === undefined || s.subscription === subscription) && (status === undefined || s.status === status)
  return listResponse(req, '/v1/checkout/sessions', list, account.checkoutSessions, 'checkout.session', matches, buildCheckoutSession)
})
route('GET', '/v1/checkout/sessions/:id', 'checkout_session', 'read', (req, m) =>
  buildCheckoutSession(retrieve(req.runtime.account.checkoutSessions, m[1] as string, 'checkout.session')),
)
route('POST', '/v1/checkout/sessions', 'checkout_session', 'write', (req) => {
  const rt = req.runtime
  const now = rt.account.now()
  const mode = oneOf(req.params, 'mode', ['payment', 'subscription'] as const) ?? 'payment'
  const raw = req.params.line_items
  if (!Array.isArray(raw) || raw.length === 0) throw invalidParam('line_items', 'Missing required param: line_items.', 'parameter_missing')
  const lineItems = raw.map((r, i) => {
    const price = str(r as Params, 'price')
    if (!price || !rt.account.prices.get(price)) throw noSuch('price', price ?? '', `line_items[${i}][price]`)
    return { price, quantity: int(r as Params, 'quantity') ?? 1 }
  })
  const currencies = new Set(lineItems.map((l) => rt.account.prices.get(l.price)?.obj.currency))
  if (currencies.size > 1) throw invalidParam('line_items', 'All line items must have the same currency.', 'parameter_invalid_empty')
  const customer = str(req.params, 'customer') ?? null
  if (customer) getCustomerOrThrow(rt, customer)
  const discounts = req.params.discounts
  const coupon = Array.isArray(discounts) ? str(discounts[0] as Params, 'coupon') : undefined
  if (coupon && !rt.account.coupons.get(coupon)) throw noSuch('coupon', coupon, 'discounts[0][coupon]')
  const amount = lineItems.reduce((s, l) => s + itemAmount(rt.account.prices.get(l.price)?.obj as Stripe.Price, l.quantity), 0)
  const session: CheckoutSessionRec = {
    id: `cs_test_${rt.ctx.rng.token(58)}`,
    created: now,
    seq: rt.account.nextSeq(),
    customer,
    customerEmail: str(req.params, 'customer_email') ?? (customer ? (rt.account.customers.get(customer)?.email ?? null) : null),
    mode,
    status: 'open',
    lineItems,
    subscription: null,
    invoice: null,
    amountTotal: amount,
    currency: [...currencies][0] ?? 'usd',
    successUrl: str(req.params, 'success_url') ?? null,
    cancelUrl: str(req.params, 'cancel_url') ?? null,
    expiresAt: now + 86_400,
    discounts: coupon ? [{ coupon }] : [],
    metadata: metadata(req.params) ?? {},
  }
  rt.account.checkoutSessions.add(session)
  return buildCheckoutSession(session)
})

// ---------------------------------------------------------------- events

route('GET', '/v1/events', 'event', 'read', (req) => {
  const { account } = req.runtime
  const type = str(req.params, 'type')
  const types = strList(req.params, 'types')
  if (type && types.length > 0) throw invalidParam('types', 'You may only specify one of these parameters: type, types.', 'parameter_invalid_empty')
  const deliverySuccess = bool(req.params, 'delivery_success')
  const typeOk = (t: string) => {
    if (types.length > 0) return types.includes(t)
    if (type === undefined) return true
    if (type.endsWith('*')) return t.startsWith(type.slice(0, -1))
    return t === type
  }
  const retention = account.now() - 30 * 86_400
  const matches = (e: { type: string; deliverySuccess: boolean | null; created: number }) =>
    e.created >= retention && typeOk(e.type) && (deliverySuccess === undefined || e.deliverySuccess === deliverySuccess)
  return listResponse(req, '/v1/events', account.events.all, account.events, 'event', matches, (e) => buildEvent(account, e), false)
})
route('GET', '/v1/events/:id', 'event', 'read', (req, m) => buildEvent(req.runtime.account, retrieve(req.runtime.account.events, m[1] as string, 'event')))

// ---------------------------------------------------------------- webhook endpoints

route('GET', '/v1/webhook_endpoints', 'webhook', 'read', (req) => {
  const { account } = req.runtime
  return listResponse(req, '/v1/webhook_endpoints', account.webhookEndpoints.all, account.webhookEndpoints, 'webhook_endpoint', all, (w) =>
    buildWebhookEndpoint(w, false),
  )
})
route('GET', '/v1/webhook_endpoints/:id', 'webhook', 'read', (req, m) =>
  buildWebhookEndpoint(retrieve(req.runtime.account.webhookEndpoints, m[1] as string, 'webhook_endpoint'), false),
)

function validUrl(value: string | undefined): string {
  if (!value) throw invalidParam('url', 'Missing required param: url.', 'parameter_missing')
  try {
    const u = new URL(value)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol')
  } catch {
    throw invalidParam('url', `Invalid URL: ${value}`, 'url_invalid')
  }
  return value
}

route('POST', '/v1/webhook_endpoints', 'webhook', 'write', (req) => {
  const rt = req.runtime
  const url = validUrl(str(req.params, 'url'))
  const enabledEvents = strList(req.params, 'enabled_events')
  if (enabledEvents.length === 0) throw invalidParam('enabled_events', 'Missing required param: enabled_events.', 'parameter_missing')
  const now = rt.account.now()
  const rec: WebhookEndpointRec = {
    id: `we_${rt.ctx.rng.token(24)}`,
    created: now,
    seq: rt.account.nextSeq(),
    url,
    enabledEvents,
    secret: `whsec_${randomBytes(24).toString('hex')}`,
    description: str(req.params, 'description') ?? null,
    metadata: metadata(req.params) ?? {},
    status: 'enabled',
    apiVersion: str(req.params, 'api_version') ?? null,
  }
  rt.account.webhookEndpoints.add(rec)
  return buildWebhookEndpoint(rec, true)
})

route('POST', '/v1/webhook_endpoints/:id', 'webhook', 'write', (req, m) => {
  const rec = retrieve(req.runtime.account.webhookEndpoints, m[1] as string, 'webhook_endpoint')
  const url = str(req.params, 'url')
  if (url !== undefined) rec.url = validUrl(url)
  const events = strList(req.params, 'enabled_events')
  if (events.length > 0) rec.enabledEvents = events
  const disabled = bool(req.params, 'disabled')
  if (disabled !== undefined) rec.status = disabled ? 'disabled' : 'enabled'
  const description = str(req.params, 'description')
  if (description !== undefined) rec.description = description || null
  const md = metadata(req.params)
  if (md) rec.metadata = { ...rec.metadata, ...md }
  return buildWebhookEndpoint(rec, false)
})

route('DELETE', '/v1/webhook_endpoints/:id', 'webhook', 'write', (req, m) => {
  const { account } = req.runtime
  const rec = retrieve(account.webhookEndpoints, m[1] as string, 'webhook_endpoint')
  account.webhookEndpoints.hide(rec)
  account.webhookEndpoints.byId.delete(rec.id)
  return buildDeleted(rec.id, 'webhook_endpoint')
})

export { API_VERSION }
