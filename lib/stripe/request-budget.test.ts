import Stripe from 'stripe'
import { describe, expect, test } from 'vitest'
import { backoffMs, classifyStripeError, parseRetryAfter, throttlePauseMs } from './request-budget'

const stripeError = (statusCode: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  Stripe.errors.StripeError.generate({ type: statusCode === 429 ? 'invalid_request_error' : statusCode >= 500 ? 'api_error' : 'invalid_request_error', message: 'm', statusCode, headers, ...extra } as never)

describe('classifyStripeError', () => {
  test.each([
    ['401 revoked key → stop the connection', stripeError(401, { type: 'authentication_error', code: 'api_key_expired' }), 'revoked'],
    ['429 rate_limit even with Stripe-Should-Retry: false → retry (throttle)', stripeError(429, { code: 'rate_limit' }, { 'stripe-should-retry': 'false' }), 'retry'],
    ['429 lock_timeout → retry (throttle)', stripeError(429, { code: 'lock_timeout' }, { 'stripe-should-retry': 'true' }), 'retry'],
    ['503 with Stripe-Should-Retry: true → retry', stripeError(503, {}, { 'stripe-should-retry': 'true' }), 'retry'],
    ['500 with Stripe-Should-Retry: false → fatal', stripeError(500, {}, { 'stripe-should-retry': 'false' }), 'fatal'],
    ['400 → fatal', stripeError(400), 'fatal'],
  ])('%s', (_name, error, kind) => {
    expect(classifyStripeError(error, 0).kind).toBe(kind)
  })

  test('403 names the missing permission from Stripe’s message', () => {
    const error = stripeError(403, { type: 'invalid_request_error', message: "The provided key 'rk_test_…abcd' does not have the required permissions… Having the 'rak_invoice_read' permission would allow this request to continue." })
    expect(classifyStripeError(error, 0)).toMatchObject({ kind: 'permission', permission: 'rak_invoice_read' })
  })

  test('Retry-After is honoured in seconds or as a date', () => {
    expect(classifyStripeError(stripeError(429, { code: 'rate_limit' }, { 'retry-after': '2' }), 0)).toMatchObject({ kind: 'retry', isThrottle: true, retryAfterMs: 2000 })
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000)
    expect(parseRetryAfter('soon', 0)).toBeNull()
  })
})

describe('back-off', () => {
  test('attempt 1 → 250–500 ms, attempt 3 → 1–2 s, capped at 8 s', () => {
    expect(backoffMs(1, () => 0)).toBe(250)
    expect(backoffMs(1, () => 1)).toBe(500)
    expect(backoffMs(3, () => 0.5)).toBe(1500)
    expect(backoffMs(20, () => 1)).toBe(8000)
  })
  test('a 429 pauses the connection about one slot at first (12 r/s → 42–83 ms), doubling per further failure, Retry-After first', () => {
    expect(throttlePauseMs({ attempt: 1, ratePerSecond: 12, retryAfterMs: null, random: () => 1 })).toBe(83)
    expect(throttlePauseMs({ attempt: 3, ratePerSecond: 12, retryAfterMs: null, random: () => 1 })).toBe(333)
    expect(throttlePauseMs({ attempt: 30, ratePerSecond: 12, retryAfterMs: null, random: () => 1 })).toBe(10_000)
    expect(throttlePauseMs({ attempt: 1, ratePerSecond: 12, retryAfterMs: 3000 })).toBe(3000)
  })
})
