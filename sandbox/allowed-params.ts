// The parameters each endpoint takes. Stripe answers a parameter it does not know with 400
// `parameter_unknown`; the sandbox answers the same for every parameter it does not implement,
// so a test never passes because a filter or an update was silently ignored.

import { type Params, type ParamValue, StripeError } from './params'

/**
 * `value`: one string; `list`: `a[]=x` strings (or one); `hash`: free keys with string values
 * (metadata); `any`: checked by the handler (`created[gte]`…); an object: known keys; a
 * one-element array: a list of objects with those keys (`items[0][price]`).
 */
export type Shape = 'value' | 'list' | 'hash' | 'any' | { [key: string]: Shape } | [{ [key: string]: Shape }]
export type Spec = { [key: string]: Shape }

const expand: Spec = { expand: 'list' }
const list: Spec = { ...expand, limit: 'value', starting_after: 'value', ending_before: 'value', created: 'any' }

/** Keyed by `METHOD /path` exactly as routes are declared in api.ts. */
export const ALLOWED_PARAMS: Record<string, Spec> = {
  'GET /v1/account': expand,

  'GET /v1/customers': { ...list, email: 'value' },
  'GET /v1/customers/:id': expand,
  'POST /v1/customers': { ...expand, email: 'value', name: 'value', phone: 'value', description: 'value', metadata: 'hash', payment_method: 'value' },
  'POST /v1/customers/:id': { ...expand, email: 'value', name: 'value', phone: 'value', description: 'value', metadata: 'hash' },
  'DELETE /v1/customers/:id': {},
  'GET /v1/customers/:id/payment_methods': { ...list, type: 'value' },

  'GET /v1/payment_methods': { ...list, customer: 'value', type: 'value' },
  'GET /v1/payment_methods/:id': expand,

  'GET /v1/subscriptions': { ...list, status: 'value', customer: 'value', price: 'value' },
  'GET /v1/subscriptions/:id': expand,
  'POST /v1/subscriptions': {
    ...expand,
    customer: 'value',
    items: [{ price: 'value', quantity: 'value' }],
    trial_period_days: 'value',
    coupon: 'value',
    discounts: [{ coupon: 'value' }],
    metadata: 'hash',
  },
  'POST /v1/subscriptions/:id': {
    ...expand,
    cancel_at_period_end: 'value',
    trial_end: 'value',
    metadata: 'hash',
    items: [{ id: 'value', price: 'value', quantity: 'value', deleted: 'value' }],
  },
  'DELETE /v1/subscriptions/:id': expand,
  // Stripe's subscription items list has no `created` filter.
  'GET /v1/subscription_items': { ...expand, limit: 'value', starting_after: 'value', ending_before: 'value', subscription: 'value' },
  'GET /v1/subscription_items/:id': expand,

  'GET /v1/invoices': { ...list, customer: 'value', subscription: 'value', status: 'value' },
  'GET /v1/invoices/upcoming': { ...expand, customer: 'value', subscription: 'value' },
  'POST /v1/invoices/create_preview': { ...expand, customer: 'value', subscription: 'value' },
  'GET /v1/invoices/:id': expand,

  'GET /v1/charges': { ...list, customer: 'value' },
  'GET /v1/charges/:id': expand,
  'GET /v1/refunds': { ...list, charge: 'value' },
  'GET /v1/refunds/:id': expand,
  'POST /v1/refunds': { ...expand, charge: 'value', amount: 'value' },

  'GET /v1/prices': { ...list, active: 'value', product: 'value', type: 'value', currency: 'value', lookup_keys: 'list' },
  'GET /v1/prices/:id': expand,
  'POST /v1/prices': {
    ...expand,
    currency: 'value',
    product: 'value',
    product_data: { name: 'value' },
    recurring: { interval: 'value' },
    unit_amount: 'value',
    lookup_key: 'value',
    metadata: 'hash',
    nickname: 'value',
  },
  'GET /v1/products': { ...list, active: 'value' },
  'GET /v1/products/:id': expand,
  'POST /v1/products': { ...expand, name: 'value', description: 'value' },
  'GET /v1/coupons': list,
  'GET /v1/coupons/:id': expand,

  'GET /v1/checkout/sessions': { ...list, customer: 'value', subscription: 'value', status: 'value' },
  'GET /v1/checkout/sessions/:id': expand,
  'POST /v1/checkout/sessions': {
    ...expand,
    mode: 'value',
    line_items: [{ price: 'value', quantity: 'value' }],
    customer: 'value',
    customer_email: 'value',
    discounts: [{ coupon: 'value' }],
    success_url: 'value',
    cancel_url: 'value',
    metadata: 'hash',
  },

  'GET /v1/events': { ...list, type: 'value', types: 'list', delivery_success: 'value' },
  'GET /v1/events/:id': expand,

  'GET /v1/webhook_endpoints': list,
  'GET /v1/webhook_endpoints/:id': expand,
  'POST /v1/webhook_endpoints': { ...expand, url: 'value', enabled_events: 'list', description: 'value', metadata: 'hash', api_version: 'value' },
  'POST /v1/webhook_endpoints/:id': { ...expand, url: 'value', enabled_events: 'list', disabled: 'value', description: 'value', metadata: 'hash' },
  'DELETE /v1/webhook_endpoints/:id': {},
}

function unknown(param: string): StripeError {
  return new StripeError(400, 'invalid_request_error', `Received unknown parameter: ${param}`, 'parameter_unknown', param)
}

function invalid(param: string, message: string): StripeError {
  return new StripeError(400, 'invalid_request_error', message, 'parameter_invalid_empty', param)
}

const isHash = (v: ParamValue): v is Params => typeof v === 'object' && !Array.isArray(v)

/** Throws Stripe's 400 for the first parameter `spec` does not allow, or of the wrong shape. */
export function checkParams(params: Params, spec: Spec, prefix?: string): void {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix === undefined ? key : `${prefix}[${key}]`
    const shape = spec[key]
    if (shape === undefined) throw unknown(name)
    checkValue(value, shape, name)
  }
}

function checkValue(value: ParamValue, shape: Shape, name: string): void {
  if (shape === 'any') return
  if (shape === 'value') {
    if (typeof value !== 'string') throw invalid(name, `Invalid ${name}: must be a string, not a hash or an array`)
    return
  }
  if (shape === 'list') {
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : null
    if (!items || items.some((v) => typeof v !== 'string')) throw invalid(name, `Invalid array: ${name}`)
    return
  }
  // An empty string clears a hash or a list (`metadata=`), as on Stripe.
  if (value === '') return
  if (shape === 'hash') {
    if (!isHash(value)) throw invalid(name, `Invalid hash: ${name}`)
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw invalid(`${name}[${k}]`, `Invalid string: ${name}[${k}]`)
    return
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) throw invalid(name, `Invalid array: ${name}`)
    value.forEach((element, i) => {
      if (!isHash(element)) throw invalid(`${name}[${i}]`, `Invalid hash: ${name}[${i}]`)
      checkParams(element, shape[0], `${name}[${i}]`)
    })
    return
  }
  if (!isHash(value)) throw invalid(name, `Invalid hash: ${name}`)
  checkParams(value, shape, name)
}
