import { describe, expect, test } from 'vitest'
import { classifyStripeKey, maskStripeKey } from './key'

describe('classifyStripeKey', () => {
  test.each([
    ['rk_live_51Habcdef0123456789', { ok: true, kind: 'restricted', mode: 'live' }],
    ['rk_test_51Habcdef0123456789', { ok: true, kind: 'restricted', mode: 'test' }],
    ['  rk_test_51Habcdef0123456789 \n'.trim(), { ok: true, kind: 'restricted', mode: 'test' }],
  ])('%s is a restricted key', (key, expected) => {
    expect(classifyStripeKey(key)).toEqual(expected)
  })

  test('a secret key is accepted with a warning that it grants too much', () => {
    const result = classifyStripeKey('sk_live_51Habcdef0123456789')
    expect(result).toMatchObject({ ok: true, kind: 'secret', mode: 'live' })
    expect(result.ok && result.warning).toMatch(/far more than Churnless needs/)
  })

  test.each([
    ['pk_live_51Habcdef0123456789', /publishable key; Churnless needs a restricted key/],
    ['pk_test_51Habcdef0123456789', /publishable key/],
    ['whsec_abcdef0123456789', /webhook signing secret/],
    ['', /Paste your Stripe restricted key/],
    ['rk_test_abc def0123456789', /spaces or line breaks/],
    ['rk_prod_51Habcdef0123456789', /doesn't look like a Stripe API key/],
    ['sk_test_short', /doesn't look like a Stripe API key/],
  ])('%j is refused', (key, message) => {
    const result = classifyStripeKey(key)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.message).toMatch(message)
  })
})

test.each([
  ['rk_live_51Habcdef0123456789wxyz', 'rk_live_…wxyz'],
  ['sk_test_51Habcdef01234567abcd', 'sk_test_…abcd'],
  ['garbage-key-1234', '…1234'],
])('maskStripeKey(%s) = %s', (key, masked) => {
  expect(maskStripeKey(key)).toBe(masked)
})
