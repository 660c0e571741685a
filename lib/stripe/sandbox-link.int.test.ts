import { afterAll, beforeAll, expect, test } from 'vitest'
import { type RunningSandbox, startSandbox } from '@/sandbox/index'
import { checkStripeKey } from './check-permissions'
import { createStripeClient } from './client'
import { apiBaseForKey, createSandboxAccount } from './sandbox-link'

// "Try with a sandbox account": the demo key adds Coupons read to SPEC F2's permissions, so the
// demo's MRR is net of coupons; the optional Checkout write stays off.

let sandbox: RunningSandbox
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 0, seed: 1 })
})
afterAll(() => sandbox?.close())

test('the demo key passes every F2 probe plus Coupons read, and nothing else optional', async () => {
  const { restrictedKey } = await createSandboxAccount(sandbox.url, { name: 'Demo', customers: 3, seed: 4 })
  const check = await checkStripeKey(createStripeClient(restrictedKey, { apiBase: sandbox.url }))
  if (!check.ok) throw new Error(check.message)
  expect(check.canContinue).toBe(true)
  const status = Object.fromEntries(check.checks.map((c) => [c.id, c.status]))
  expect(Object.entries(status).filter(([, s]) => s !== 'granted')).toEqual([['checkout_sessions_write', 'missing']])
  expect(status.coupons_read).toBe('granted')
})

test('a pasted key goes to the sandbox when the sandbox issued it, revoked ones included; any other key goes to Stripe', async () => {
  const { restrictedKey } = await createSandboxAccount(sandbox.url, { name: 'Pasted', customers: 0, seed: 5 })
  expect(await apiBaseForKey(restrictedKey, sandbox.url)).toBe(sandbox.url)
  sandbox.control.revokeKey(restrictedKey)
  expect(await apiBaseForKey(restrictedKey, sandbox.url), 'so the wizard can say the key was revoked').toBe(sandbox.url)
  expect(await apiBaseForKey(`rk_test_${'x'.repeat(99)}`, sandbox.url)).toBeNull()
  expect(await apiBaseForKey(restrictedKey.replace('rk_test_', 'rk_live_'), sandbox.url)).toBeNull()
  expect(await apiBaseForKey(restrictedKey, null)).toBeNull()
})
