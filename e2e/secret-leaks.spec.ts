import { readFileSync } from 'node:fs'
import { expect, type Page, test } from '@playwright/test'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, createSandboxAccount, createSandboxCustomer, createSandboxKey, revokeSandboxKey, sandboxWebhookEndpoints, waitForImport } from './support/sandbox'
import { appLogFile } from './support/server-log'

// Issue 4, F5: no page, API answer or server log line ever contains a full Stripe key or a
// webhook signing secret. The browser goes through everything that handles them — the wizard
// with a pasted key, the connection's pages, a live webhook, a key check, a rotation, a refused
// key, disconnecting — while every document, RSC payload and API answer it receives is
// recorded, and the server's output is copied to a file (APP_LOG_FILE). Then all of it is
// searched for the real values, taken from the sandbox.

// Every permission the wizard asks for (as in e2e/connect-stripe.spec.ts).
const wizardPermissions = ['rak_charge_read', 'rak_customer_read', 'rak_event_read', 'rak_checkout_session_read', 'rak_invoice_read', 'rak_plan_read', 'rak_subscription_read', 'rak_webhook_write', 'rak_product_read']

type Captured = { url: string; body: string }

/** Starts recording the body of every answer of the app to this page (static assets aside). */
function recordAnswers(page: Page, baseURL: string) {
  const pending: Promise<Captured | null>[] = []
  page.on('response', (response) => {
    const url = response.url()
    if (!url.startsWith(baseURL) || url.includes('/_next/static/') || url.includes('/_next/image') || url.endsWith('.ico')) return
    // Redirects have no body; a body Chromium already dropped is counted below as not captured.
    pending.push(
      response.text().then(
        (body) => ({ url, body }),
        () => null,
      ),
    )
  })
  return { all: async () => (await Promise.all(pending)).filter((c): c is Captured => c !== null) }
}

test('no page, API answer or server log line contains a full key or the webhook signing secret', async ({ page, baseURL }) => {
  test.setTimeout(300_000)
  const answers = recordAnswers(page, baseURL!)
  const extra: Captured[] = []
  const getJson = async (path: string) => {
    const res = await page.request.get(path)
    expect(res.status(), path).toBe(200)
    const body = await res.text()
    extra.push({ url: path, body })
    return JSON.parse(body)
  }

  // The wizard with a pasted key of a sandbox account, then the import.
  const account = await createSandboxAccount(10)
  await signUp(page, newPerson('Leak'))
  const connection = await connectSandboxAccount(page, account.restrictedKey)
  await waitForImport(page, connection.id)
  const endpoint = (await sandboxWebhookEndpoints(account.accountId)).find((e) => e.metadata.churnless_connection_id === connection.id)
  expect(endpoint?.secret).toMatch(/^whsec_\w{20,}/)
  const hint = `rk_test_…${account.restrictedKey.slice(-4)}`

  // A live event: the webhook route opens the stored signing secret to verify it.
  await createSandboxCustomer(account.accountId, { email: `leak.check.${Date.now()}@example.com`, name: 'Leak Check' })
  await expect.poll(async () => (await getJson(`/api/stripe/connections/${connection.id}/health`)).figures.lastWebhookAt, { timeout: 20_000 }).not.toBeNull()

  // The connection's pages; "Check now" probes the key and looks up the endpoint in Stripe.
  await page.goto('/settings/stripe')
  await expect(page.getByTestId('connection-card')).toContainText(hint)
  await page.goto(`/settings/stripe/${connection.id}`)
  await expect(page.getByTestId('contacts-in-sync')).not.toHaveText('0')
  await page.goto(`/settings/stripe/${connection.id}/mapping`)
  await page.getByRole('button', { name: 'Show preview' }).click()
  await expect(page.getByTestId('preview-stripe_customer_id')).toHaveText(/^cus_/)
  await page.goto(`/settings/stripe/${connection.id}/health`)
  await expect(page.getByText(hint).first()).toBeVisible()
  await page.getByRole('button', { name: 'Check now' }).click()
  await expect(page.getByTestId('endpoint-card')).not.toContainText('Not checked yet', { timeout: 20_000 })
  for (const path of ['/api/stripe/connections', `/api/stripe/connections/${connection.id}/sync`, `/api/stripe/connections/${connection.id}/mapping`]) await getJson(path)

  // Rotation to a new key of the same account, on the connections page.
  const newKey = await createSandboxKey(account.accountId, wizardPermissions)
  await page.goto('/settings/stripe')
  await page.getByRole('button', { name: 'Rotate key' }).click()
  await page.getByLabel('New restricted key of the same account').fill(newKey)
  await page.getByRole('button', { name: 'Check and replace' }).click()
  await expect(page.getByText(`Key replaced; Churnless now uses rk_test_…${newKey.slice(-4)}`)).toBeVisible()
  await getJson('/api/stripe/connections')

  // A refused key: the old one, now revoked, pasted into the wizard again.
  await revokeSandboxKey(account.restrictedKey)
  await page.goto('/settings/stripe/connect')
  await page.getByLabel('Restricted key').fill(account.restrictedKey)
  await page.getByRole('button', { name: 'Check key' }).click()
  await expect(page.getByText(/revoked or has expired/)).toBeVisible()

  // Disconnect: our endpoint and the stored key go.
  await page.goto('/settings/stripe')
  await page.getByTestId('connection-card').getByRole('button', { name: 'Disconnect' }).click()
  await page.getByRole('dialog', { name: 'Disconnect Stripe account' }).getByRole('button', { name: 'Disconnect' }).click()
  await expect(page.getByTestId('connection-card')).toHaveCount(0)
  expect((await sandboxWebhookEndpoints(account.accountId)).filter((e) => e.metadata.churnless_connection_id === connection.id)).toEqual([])

  // Everything the browser received, and the server's output so far.
  const captured = [...(await answers.all()), ...extra]
  await page.waitForTimeout(500) // the launcher copies output as it comes; let the last lines land
  const serverLog = readFileSync(appLogFile, 'utf8')

  // The recording is real: it holds the pages and answers that carry key hints and checks.
  expect(serverLog).toContain('Next.js')
  expect(captured.some((c) => c.url.includes(`/settings/stripe/${connection.id}/health`) && c.body.includes(hint))).toBe(true)
  expect(captured.some((c) => c.url.endsWith('/api/stripe/connections/verify') && c.body.includes('"checks"'))).toBe(true)
  expect(captured.some((c) => c.url.endsWith('/rotate-key') && c.body.includes(newKey.slice(-4)))).toBe(true)
  expect(captured.some((c) => c.url.includes('/api/stripe/connections/verify') && c.body.includes('revoked or has expired'))).toBe(true)

  const secrets = { 'pasted restricted key': account.restrictedKey, 'rotated-in key': newKey, 'webhook signing secret': endpoint!.secret, 'account secret key': account.secretKey }
  const leaks: string[] = []
  for (const [what, secret] of Object.entries(secrets)) {
    // The whole value, and its last 24 characters (a masked form shows 4 at most).
    const needles = [secret, secret.slice(-24)]
    for (const c of captured) if (needles.some((n) => c.body.includes(n))) leaks.push(`${what} in the answer to ${c.url}`)
    if (needles.some((n) => serverLog.includes(n))) leaks.push(`${what} in the server log (${appLogFile})`)
  }
  expect(leaks).toEqual([])
})
