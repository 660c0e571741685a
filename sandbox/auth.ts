// API keys and restricted-key permissions, answered the way Stripe answers them.

import type { IncomingHttpHeaders } from 'node:http'
import { StripeError } from './params'
import type { Account, ApiKey, Permission } from './store'

/**
 * Permission resources, named as Stripe names them in `rak_<resource>_<read|write>`.
 * Prices keep their legacy object name: the dashboard's "Prices" row is `rak_plan_*`.
 */
export const RESOURCES = [
  'account',
  'charge',
  'checkout_session',
  'coupon',
  'customer',
  'event',
  'invoice',
  'payment_method',
  'plan',
  'product',
  'refund',
  'subscription',
  'webhook',
] as const
export type Resource = (typeof RESOURCES)[number]

/** SPEC F2: required reads, the webhook write, and the recommended product read. */
export const F2_PERMISSIONS: Readonly<Partial<Record<Resource, Permission>>> = {
  charge: 'read',
  customer: 'read',
  event: 'read',
  checkout_session: 'read',
  invoice: 'read',
  plan: 'read',
  subscription: 'read',
  webhook: 'write',
  product: 'read',
}

export function permissionName(resource: Resource, level: 'read' | 'write'): string {
  return `rak_${resource}_${level}`
}

/** `rk_test_…` shown as Stripe does: prefix, stars, last four. */
export function maskKey(key: string): string {
  const prefixEnd = key.indexOf('_', key.indexOf('_') + 1) + 1
  const prefix = key.slice(0, prefixEnd)
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefixEnd - 4))}${key.slice(-4)}`
}

export function readKey(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization
  if (!auth) return null
  if (auth.startsWith('Bearer ')) return auth.slice(7).trim()
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
    return decoded.split(':')[0] ?? null
  }
  return null
}

export interface KeyEntry {
  account: Account
  key: ApiKey
}

export function authenticate(headers: IncomingHttpHeaders, keys: Map<string, KeyEntry>): KeyEntry {
  const raw = readKey(headers)
  if (!raw) {
    throw new StripeError(
      401,
      'invalid_request_error',
      'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').',
    )
  }
  const entry = keys.get(raw)
  if (!entry) {
    throw new StripeError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(raw)}`, 'api_key_invalid')
  }
  if (entry.key.revoked) {
    throw new StripeError(401, 'invalid_request_error', `Expired API Key provided: ${maskKey(raw)}`, 'api_key_expired')
  }
  if (entry.key.type === 'publishable') {
    throw new StripeError(
      401,
      'invalid_request_error',
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
    )
  }
  return entry
}

export function hasPermission(key: ApiKey, resource: Resource, level: 'read' | 'write'): boolean {
  if (key.type === 'secret') return true
  const granted = key.permissions[resource] ?? 'none'
  return level === 'read' ? granted === 'read' || granted === 'write' : granted === 'write'
}

export function requirePermission(entry: KeyEntry, resource: Resource, level: 'read' | 'write'): void {
  if (hasPermission(entry.key, resource, level)) return
  throw new StripeError(
    403,
    'invalid_request_error',
    `The provided key '${maskKey(entry.key.key)}' does not have the required permissions for this endpoint on account '${entry.account.id}'. Having the '${permissionName(resource, level)}' permission would allow this request to continue.`,
  )
}

export function isResource(value: string): value is Resource {
  return (RESOURCES as readonly string[]).includes(value)
}
