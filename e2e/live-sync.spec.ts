import { expect, test } from '@playwright/test'
import Stripe from 'stripe'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, createSandboxKey, sandboxPort, sandboxUrl, waitForImport } from './support/sandbox'

// SPEC F13, F15, F22: with a sandbox connection imported, a payment failing at Stripe reaches
// the contact page on its own — status "Past due" and "Payment failed" on the feed within a few
// seconds — through the real path: sandbox → signed webhook → our endpoint → Inngest (in-process)
// → mirror → contact → feed. The test never touches the database.

const readPermissions = ['rak_customer_read', 'rak_subscription_read', 'rak_plan_read']


test('a failed payment at Stripe shows on the contact page: Past due, and "Payment failed" on the feed', async ({ page }) => {
  test.setTimeout(300_000)
  await signUp(page, newPerson('Live'))
  const connection = await connectSandboxAccount(page)
  await waitForImport(page, connection.id)

  // An active customer with a unique email, chosen from what the sandbox's Stripe API says.
  const stripe = new Stripe(await createSandboxKey(connection.accountId, readPermissions), { host: '127.0.0.1', port: sandboxPort, protocol: 'http' })
  const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  const subscriptions = await stripe.subscriptions.list({ status: 'active', limit: 100 }).autoPagingToArray({ limit: 10_000 })
  const emailCount = new Map<string, number>()
  for (const c of customers) if (c.email) emailCount.set(c.email.trim().toLowerCase(), (emailCount.get(c.email.trim().toLowerCase()) ?? 0) + 1)
  const customer = customers.find((c) => c.email && emailCount.get(c.email.trim().toLowerCase()) === 1 && subscriptions.filter((s) => s.customer === c.id).length === 1)
  expect(customer, 'the sandbox has a customer with one active subscription and a unique email').toBeDefined()
  const subscription = subscriptions.find((s) => s.customer === customer!.id)!

  await page.goto('/contacts')
  await page.getByLabel('Search').fill(customer!.email!)
  await expect(page.getByTestId('contact-row')).toHaveCount(1)
  await page.getByTestId('contact-row').getByRole('link').click()
  await expect(page).toHaveURL(/\/contacts\/[\w-]+$/)
  await expect(page.getByTestId('contact-status')).toHaveText('Active')
  // Nothing has failed yet: the assertion below can only pass because of the webhook.
  await expect(page.getByTestId('billing-feed')).toBeVisible()
  await expect(page.getByTestId('billing-feed')).not.toContainText('Payment failed')

  // The sandbox's control API: the card declines from now on and a payment is attempted now.
  const res = await fetch(`${sandboxUrl}/_sandbox/accounts/${connection.accountId}/subscriptions/${subscription.id}/fail-payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  expect(res.ok).toBe(true)

  const feed = page.getByTestId('billing-feed')
  await expect(feed).toContainText('Payment failed', { timeout: 15_000 })
  // The contact refreshes itself too: no reload.
  await expect(page.getByTestId('contact-status')).toHaveText('Past due', { timeout: 15_000 })
  await expect(page.getByTestId('billing-feed')).toContainText(/Payment of .+ failed/)
  await page.screenshot({ path: 'test-results/screens/live-sync-past-due.png', fullPage: true })
})
