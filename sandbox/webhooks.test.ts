import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { maskKey } from './auth'
import { signPayload } from './webhooks'

const stripe = new Stripe('sk_test_unused')

describe('signPayload', () => {
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created' })
  const secret = 'whsec_test_secret'

  it('produces a header the official SDK verifies', () => {
    const header = signPayload(payload, secret, Math.floor(Date.now() / 1000))
    expect(stripe.webhooks.constructEvent(payload, header, secret).id).toBe('evt_1')
  })

  it('fails verification with another secret, a changed body or an old timestamp', () => {
    const now = Math.floor(Date.now() / 1000)
    expect(() => stripe.webhooks.constructEvent(payload, signPayload(payload, 'whsec_other', now), secret)).toThrow()
    expect(() => stripe.webhooks.constructEvent(`${payload} `, signPayload(payload, secret, now), secret)).toThrow()
    expect(() => stripe.webhooks.constructEvent(payload, signPayload(payload, secret, now - 600), secret)).toThrow()
  })

  it('matches the SDK test-header helper', () => {
    const t = 1_700_000_000
    expect(signPayload(payload, secret, t)).toBe(stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: t }))
  })
})

describe('maskKey', () => {
  it('keeps prefix and last four', () => {
    expect(maskKey('rk_test_abcdefgh1234')).toBe('rk_test_********1234')
  })
})
