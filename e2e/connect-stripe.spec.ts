import { expect, type Page, test } from '@playwright/test'
import { newPerson, signUp } from './support/people'
import { createSandboxAccount, createSandboxCustomer, createSandboxKey } from './support/sandbox'

const f2 = ['rak_charge_read', 'rak_customer_read', 'rak_event_read', 'rak_checkout_session_read', 'rak_invoice_read', 'rak_plan_read', 'rak_subscription_read', 'rak_webhook_write', 'rak_product_read']

async function openWizard(page: Page) {
  await page.goto('/settings/stripe')
  await page.getByRole('link', { name: 'Connect Stripe' }).click()
  await expect(page.getByRole('heading', { name: 'Create a restricted key in Stripe' })).toBeVisible()
}

async function pasteKey(page: Page, key: string) {
  await page.getByLabel('Restricted key').fill(key)
  await page.getByRole('button', { name: 'Check key' }).click()
}

test('"Try with a sandbox account" goes through all three steps and lists the connection', async ({ page }) => {
  await signUp(page, newPerson('Sandy'))
  await openWizard(page)
  await page.screenshot({ path: 'test-results/screens/wizard-key.png', fullPage: true })
  await page.getByRole('button', { name: 'Try with a sandbox account' }).click()

  const checks = page.getByRole('table', { name: 'Permission check' })
  await expect(checks).toBeVisible()
  for (const id of ['charges_read', 'customers_read', 'events_read', 'checkout_sessions_read', 'invoices_read', 'prices_read', 'subscriptions_read', 'webhook_endpoints_write', 'products_read']) {
    await expect(page.getByTestId(`permission-${id}`)).toContainText('Granted')
  }
  await expect(page.getByTestId('permission-checkout_sessions_write')).toContainText('Missing (optional): rak_checkout_session_write')
  // The demo key adds Coupons read so its MRR is net of coupons.
  await expect(page.getByTestId('permission-coupons_read')).toContainText('Granted')
  await expect(page.getByText('Test mode')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/wizard-checked.png', fullPage: true })

  await page.getByRole('button', { name: 'Continue to field mapping' }).click()
  await page.getByRole('button', { name: 'Show preview' }).click()
  await expect(page.getByTestId('preview-customer')).toContainText('Previewing')
  await expect(page.getByTestId('preview-stripe_customer_id')).toHaveText(/^cus_/)
  await page.screenshot({ path: 'test-results/screens/wizard-mapping.png', fullPage: true })
  await page.getByRole('button', { name: 'Save mapping and continue' }).click()

  await expect(page.getByRole('heading', { name: 'What should Churnless import?' })).toBeVisible()
  await page.getByRole('button', { name: 'Finish and connect' }).click()
  await expect(page).toHaveURL(/\/settings\/stripe$/)
  const card = page.getByTestId('connection-card')
  await expect(card).toHaveCount(1)
  await expect(card).toContainText('Test mode')
  await expect(card).toContainText('Sandbox')
  await expect(card).toContainText('Primary')
  await expect(card).toContainText(/rk_test_…\w{4}/)
  await page.screenshot({ path: 'test-results/screens/connections.png', fullPage: true })
})

test('a pasted key completes the wizard; a renamed field and a metadata attribute are saved and shown in the preview', async ({ page }) => {
  const account = await createSandboxAccount(5)
  await createSandboxCustomer(account.accountId, { email: 'meta.person@example.com', name: 'Meta Person', metadata: { plan_tier: 'gold' } })
  await signUp(page, newPerson('Paste'))
  await openWizard(page)
  await pasteKey(page, account.restrictedKey)
  await expect(page.getByTestId('permission-invoices_read')).toContainText('Granted')
  // An F2 key lacks the optional Coupons read: the wizard says what that costs, and lets it pass.
  await expect(page.getByTestId('permission-coupons_read')).toContainText('Missing (optional): rak_coupon_read')
  await page.getByRole('button', { name: 'Continue to field mapping' }).click()

  await page.getByLabel('Attribute name for Name').fill('stripe_full_name')
  await page.getByRole('button', { name: '+ plan_tier' }).click()
  await page.getByLabel('Preview with a real customer').fill('meta.person@example.com')
  await page.getByRole('button', { name: 'Show preview' }).click()
  await expect(page.getByTestId('preview-stripe_full_name')).toHaveText('Meta Person')
  await expect(page.getByTestId('metadata-row')).toContainText('gold')

  // A bad name is refused on its row, and nothing is saved until it is fixed.
  await page.getByLabel('Attribute name for Email').fill('Email Address')
  await page.getByRole('button', { name: 'Save mapping and continue' }).click()
  await expect(page.getByText('"Email Address" is not a valid attribute name')).toBeVisible()
  await page.getByLabel('Attribute name for Email').fill('stripe_email')
  await page.getByRole('button', { name: 'Save mapping and continue' }).click()
  await page.getByRole('button', { name: 'Finish and connect' }).click()
  await expect(page.getByTestId('connection-card')).toContainText(account.accountId)

  const { connections } = await (await page.request.get('/api/stripe/connections')).json()
  const mapping = await (await page.request.get(`/api/stripe/connections/${connections[0].id}/mapping`)).json()
  expect(mapping.mapping.fields.find((f: { key: string }) => f.key === 'customer.name').target).toBe('stripe_full_name')
  expect(mapping.mapping.metadata).toEqual([{ key: 'plan_tier', target: 'stripe_meta_plan_tier', type: 'string' }])
})

test('a publishable key and an under-privileged key show what is wrong and block the next step', async ({ page }) => {
  const account = await createSandboxAccount(2)
  await signUp(page, newPerson('Wrong'))
  await openWizard(page)
  await pasteKey(page, account.publishableKey)
  await expect(page.getByText('This is a publishable key; Churnless needs a restricted key (rk_…).')).toBeVisible()

  const noInvoices = await createSandboxKey(account.accountId, f2.filter((p) => p !== 'rak_invoice_read'))
  await pasteKey(page, noInvoices)
  await expect(page.getByTestId('permission-invoices_read')).toContainText('Missing: rak_invoice_read')
  await expect(page.getByTestId('permission-customers_read')).toContainText('Granted')
  await expect(page.getByRole('button', { name: 'Continue to field mapping' })).toBeDisabled()
  await expect(page.getByText('Add the missing required permissions')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/wizard-missing.png', fullPage: true })
})

test('a marketer cannot open the wizard or call its API', async ({ page, browser }) => {
  await signUp(page, newPerson('Boss'))
  const { url } = await (await page.request.post('/api/invitations', { data: { role: 'marketer' } })).json()
  const context = await browser.newContext()
  const marketer = await context.newPage()
  await marketer.goto(url)
  await signUp(marketer, newPerson('Mark'), { withWorkspace: false })
  expect((await marketer.goto('/settings/stripe/connect'))?.status()).toBe(403)
  const api = await marketer.request.post('/api/stripe/connections/sandbox')
  expect(api.status()).toBe(403)
  const primary = await marketer.request.patch('/api/stripe/connections/any-connection', { data: { isPrimary: true } })
  expect(primary.status()).toBe(403)
  await context.close()
})
