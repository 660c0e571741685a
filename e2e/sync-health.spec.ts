import { expect, type Page, test } from '@playwright/test'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, createSandboxAccount, createSandboxCustomer, createSandboxKey, revokeSandboxKey, waitForImport } from './support/sandbox'

// Sync health (F21) in the browser: after an import the page says healthy with the right
// counts and a chart; the key is revoked in the sandbox and one event arrives → within seconds
// the page says "Needs re-auth" and the admin has an in-app alert and an email in the outbox;
// a new key is saved on the page → healthy again, with a recovery notice.

// Every permission the wizard asks for (the same list as e2e/connect-stripe.spec.ts).
const wizardPermissions = ['rak_charge_read', 'rak_customer_read', 'rak_event_read', 'rak_checkout_session_read', 'rak_invoice_read', 'rak_plan_read', 'rak_subscription_read', 'rak_webhook_write', 'rak_product_read']

type HealthView = { checkedAt: { key: string | null } }

const healthOf = async (page: Page, connectionId: string) => (await (await page.request.get(`/api/stripe/connections/${connectionId}/health`)).json()) as HealthView

test('healthy after an import; a revoked key → needs re-auth with an alert; a new key → healthy again', async ({ page }) => {
  test.setTimeout(300_000)
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
  // 30 imported customers and the one just created, each linked to a contact.
  await expect(page.getByTestId('figure-contacts')).toHaveText('31', { timeout: 20_000 })
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

  // The alert and the recovery were emailed to the admin: the outbox shows both.
  await page.goto('/settings/outbox')
  await expect(page.getByText(person.email).first()).toBeVisible()
  await expect(page.getByText(/needs a new key/).first()).toBeVisible()
  await expect(page.getByText(/recovered/).first()).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/outbox.png', fullPage: true })
})
