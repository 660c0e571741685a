import { expect, type Page, test } from '@playwright/test'
import { newPerson, signUp } from './support/people'
import {
  connectSandboxAccount,
  createSandboxAccount,
  createSandboxCustomer,
  createSandboxKey,
  deleteSandboxWebhookEndpoint,
  listSandboxCustomers,
  revokeSandboxKey,
  sandboxAccountCounts,
  sandboxWebhookEndpoints,
  setSandboxFaults,
  waitForImport,
} from './support/sandbox'

// Sync health (F21) in the browser: after an import the page says healthy with the contact and
// object counts the sandbox holds and a chart; the key is revoked in the sandbox and one event
// arrives → within seconds the page says "Needs re-auth" and the admin has an in-app alert and
// an email in the outbox; a new key is saved on the page → healthy again, with a recovery
// notice. Then paused, failing (our endpoint deleted in Stripe, repaired) and degraded (429s
// during a re-sync), each state looked at in a screenshot under test-results/screenshots/.

// Every permission the wizard asks for (the same list as e2e/connect-stripe.spec.ts).
const wizardPermissions = ['rak_charge_read', 'rak_customer_read', 'rak_event_read', 'rak_checkout_session_read', 'rak_invoice_read', 'rak_plan_read', 'rak_subscription_read', 'rak_webhook_write', 'rak_product_read']

type HealthView = { checkedAt: { key: string | null } }

const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n)

const healthOf = async (page: Page, connectionId: string) => (await (await page.request.get(`/api/stripe/connections/${connectionId}/health`)).json()) as HealthView

test('healthy after an import; a revoked key → needs re-auth with an alert; a new key → healthy again', async ({ page }) => {
  test.setTimeout(420_000)
  const account = await createSandboxAccount(30)
  const person = newPerson('Health')
  await signUp(page, person)
  const connection = await connectSandboxAccount(page, account.restrictedKey)
  await waitForImport(page, connection.id)

  // Live events: a customer created at Stripe arrives by webhook (and runs the first checks).
  await createSandboxCustomer(account.accountId, { email: `health.first.${Date.now()}@example.com`, name: 'First Webhook' })
  await page.goto(`/settings/stripe/${connection.id}/health`)
  await expect(page.getByTestId('health-state')).toHaveText('Healthy', { timeout: 20_000 })
  await expect(page.getByTestId('figure-events')).not.toHaveText('0', { timeout: 20_000 })
  await expect(page.getByTestId('endpoint-check')).toHaveCount(3)
  await expect(page.getByTestId('endpoint-card')).not.toContainText('Not checked yet', { timeout: 20_000 })
  // Contacts and objects against the sandbox's own numbers: customers sharing an email (any
  // case) are one contact (F9), a customer without email is a contact of its own.
  const customers = await listSandboxCustomers(account.secretKey)
  expect(customers).toHaveLength(31)
  const emails = customers.flatMap((c) => (c.email ? [c.email.trim().toLowerCase()] : []))
  const expectedContacts = new Set(emails).size + customers.filter((c) => !c.email).length
  await expect(page.getByTestId('figure-contacts')).toHaveText(fmt(expectedContacts), { timeout: 20_000 })
  const counts = await sandboxAccountCounts(account.accountId)
  const objectsCard = page.getByTestId('figure-objects').locator('..')
  for (const type of ['customers', 'subscriptions', 'invoices', 'charges'] as const) await expect(objectsCard).toContainText(`${fmt(counts[type])} ${type}`)
  await expect(page.getByTestId('import-card')).toContainText('Finished')
  await expect(page.getByTestId('import-summary')).toContainText(/objects in (\d|under a second)/)
  await expect(page.getByTestId('events-chart').locator('.recharts-bar-rectangle').first()).toBeVisible()
  await expect(page.getByTestId('no-errors')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/health-healthy.png', fullPage: true })

  // Bad input is refused with a message a person can act on: a threshold below its minimum in
  // the form, and an unknown action on the API.
  await page.getByText('Alert thresholds (this workspace)').click()
  await page.getByLabel('Webhook lag (p95) above').fill('2')
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  await expect(page.getByText('Use at least 5 seconds.')).toBeVisible()
  const unknownAction = await page.request.post(`/api/stripe/connections/${connection.id}/health`, { data: { action: 'explode' } })
  expect(unknownAction.status()).toBe(400)
  expect(((await unknownAction.json()) as { error: { message: string } }).error.message).toContain('Choose an action')
  await page.getByLabel('Webhook lag (p95) above').fill('300')
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  await expect(page.getByText('Saved. The state above uses them from now on.')).toBeVisible()

  // Webhooks probe the key at most every 5 s: let the last probe age past that, as it would
  // between real deliveries, then revoke the key at Stripe and let one event arrive.
  await expect.poll(async () => Date.now() - new Date((await healthOf(page, connection.id)).checkedAt.key ?? 0).getTime(), { timeout: 15_000 }).toBeGreaterThan(5_500)
  await revokeSandboxKey(account.restrictedKey)
  await createSandboxCustomer(account.accountId, { email: `health.second.${Date.now()}@example.com`, name: 'Second Webhook' })

  await expect(page.getByTestId('health-state')).toHaveText('Needs re-auth', { timeout: 20_000 })
  await expect(page.getByTestId('reason-key_rejected')).toContainText('Stripe rejected the stored key')
  await expect(page.getByTestId('notice-count')).toHaveText('1', { timeout: 10_000 })
  await page.getByRole('button', { name: 'Notifications' }).click()
  await expect(page.getByTestId('notice-panel').getByTestId('notice').first()).toContainText('needs a new key')
  await page.screenshot({ path: 'test-results/screens/health-needs-reauth.png', fullPage: true })
  await page.getByRole('button', { name: 'Notifications' }).click()

  // A new key of the same account, saved on the page.
  const newKey = await createSandboxKey(account.accountId, wizardPermissions)
  await page.getByLabel('New restricted key of the same account').fill(newKey)
  await page.getByRole('button', { name: 'Check and replace' }).click()
  await expect(page.getByTestId('health-state')).toHaveText('Healthy', { timeout: 20_000 })
  await expect(page.getByTestId('reason-key_rejected')).toHaveCount(0)
  await page.getByRole('button', { name: 'Notifications' }).click()
  await expect(page.getByTestId('notice-panel').getByTestId('notice').first()).toContainText('recovered', { timeout: 10_000 })
  await page.screenshot({ path: 'test-results/screens/health-recovered.png', fullPage: true })
  await page.getByRole('button', { name: 'Notifications' }).click()

  // Paused by the admin, then resumed.
  await page.getByRole('button', { name: 'Pause syncing' }).click()
  await expect(page.getByTestId('health-state')).toHaveText('Paused', { timeout: 10_000 })
  await expect(page.getByTestId('reason-paused')).toContainText('An admin paused syncing')
  await page.screenshot({ path: 'test-results/screenshots/health-paused.png', fullPage: true })
  await page.getByRole('button', { name: 'Resume syncing' }).first().click()
  await expect(page.getByTestId('health-state')).toHaveText('Healthy', { timeout: 20_000 })

  // Failing: someone deletes our endpoint in the Stripe dashboard; a check finds it; repair recreates it.
  const [endpoint] = (await sandboxWebhookEndpoints(account.accountId)).filter((e) => e.metadata.churnless_connection_id === connection.id)
  await deleteSandboxWebhookEndpoint(account.secretKey, endpoint!.id)
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByTestId('health-state')).toHaveText('Failing', { timeout: 20_000 })
  await expect(page.getByTestId('reason-endpoint_deleted')).toContainText('no longer exists in Stripe')
  await page.screenshot({ path: 'test-results/screenshots/health-failing.png', fullPage: true })
  await page.getByRole('button', { name: 'Repair endpoint' }).first().click()
  await expect(page.getByTestId('health-state')).toHaveText('Healthy', { timeout: 20_000 })
  expect((await sandboxWebhookEndpoints(account.accountId)).filter((e) => e.metadata.churnless_connection_id === connection.id).map((e) => e.status)).toEqual(['enabled'])

  // Degraded: Stripe rate-limits a re-sync (1 request/s) and the workspace alerts from one 429.
  await page.getByLabel('Stripe 429s per hour from').fill('1')
  await page.getByRole('button', { name: 'Save thresholds' }).click()
  await expect(page.getByText('Saved. The state above uses them from now on.')).toBeVisible()
  await setSandboxFaults(account.accountId, { rateLimit: 1 })
  await page.getByRole('button', { name: 'Re-sync now' }).first().click()
  await expect(page.getByTestId('health-state')).toHaveText('Degraded', { timeout: 60_000 })
  await expect(page.getByTestId('reason-rate_limited')).toContainText('with 429 (rate limited)')
  await expect(page.getByTestId('figure-429')).not.toHaveText('0')
  await page.screenshot({ path: 'test-results/screenshots/health-degraded.png', fullPage: true })
  await setSandboxFaults(account.accountId, { rateLimit: null })

  // The alert and the recovery were emailed to the admin: the outbox shows both.
  await page.goto('/settings/outbox')
  await expect(page.getByText(person.email).first()).toBeVisible()
  await expect(page.getByText(/needs a new key/).first()).toBeVisible()
  await expect(page.getByText(/recovered/).first()).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/outbox.png', fullPage: true })
})
