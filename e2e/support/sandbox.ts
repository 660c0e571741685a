import { expect, type Page } from '@playwright/test'
// The Stripe sandbox that the app under test starts beside itself (STRIPE_SANDBOX=1), reached
// through its control API, the way a developer would create accounts and keys for trying things.
export const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 12112)
export const sandboxUrl = `http://127.0.0.1:${sandboxPort}`

async function control<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

export type SandboxAccount = { accountId: string; secretKey: string; publishableKey: string; restrictedKey: string }

export const createSandboxAccount = (customers = 20, seed = Date.now() % 1e6) => control<SandboxAccount>('/accounts', { customers, seed, name: 'E2E Co' })

export const revokeSandboxKey = (key: string) => control<{ revoked: true }>('/keys/revoke', { key })

export const createSandboxKey = (accountId: string, permissions: string[]) => control<{ key: string }>(`/accounts/${accountId}/keys`, { permissions }).then((r) => r.key)

/** The account's webhook endpoints with their `whsec_` signing secrets (Stripe shows one only when creating it). */
export async function sandboxWebhookEndpoints(accountId: string) {
  const res = await fetch(`${sandboxUrl}/_sandbox/accounts/${accountId}/webhook-endpoints`)
  if (!res.ok) throw new Error(`sandbox webhook-endpoints: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { data: { id: string; url: string; status: string; secret: string; metadata: Record<string, string> }[] }).data
}

/** What the sandbox holds for an account (its own numbers, to compare the app's figures with). */
export async function sandboxAccountCounts(accountId: string) {
  const res = await fetch(`${sandboxUrl}/_sandbox/accounts/${accountId}`)
  if (!res.ok) throw new Error(`sandbox account: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { counts: { customers: number; subscriptions: number; invoices: number; charges: number; events: number } }).counts
}

export const setSandboxFaults = (accountId: string, faults: { rateLimit?: number | null; dropRate?: number; errorRate?: number }) => control(`/accounts/${accountId}/faults`, faults)

/** Stripe's REST API of the sandbox with the account's secret key, as the account owner would call it. */
async function asOwner<T>(secretKey: string, method: string, path: string): Promise<T> {
  const res = await fetch(`${sandboxUrl}/v1${path}`, { method, headers: { authorization: `Bearer ${secretKey}` } })
  if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Every customer of the account (all pages). */
export async function listSandboxCustomers(secretKey: string) {
  const out: { id: string; email: string | null; metadata: Record<string, string> }[] = []
  for (let after: string | undefined; ; ) {
    const page = await asOwner<{ data: typeof out; has_more: boolean }>(secretKey, 'GET', `/customers?limit=100${after ? `&starting_after=${after}` : ''}`)
    out.push(...page.data)
    if (!page.has_more || !page.data.length) return out
    after = page.data.at(-1)!.id
  }
}

/** Someone deletes a webhook endpoint in the Stripe dashboard. */
export const deleteSandboxWebhookEndpoint = (secretKey: string, endpointId: string) => asOwner(secretKey, 'DELETE', `/webhook_endpoints/${endpointId}`)

export const createSandboxCustomer = (accountId: string, customer: { email: string; name: string; metadata?: Record<string, string> }) =>
  control<{ customer: string }>(`/accounts/${accountId}/customers`, customer).then((r) => r.customer)

/**
 * Runs the wizard with "Import all": with a pasted key of a sandbox account when given (the
 * test then holds the key, e.g. to revoke it), else with "Try with a sandbox account".
 * Returns the new connection.
 */
export async function connectSandboxAccount(page: Page, key?: string) {
  await page.goto('/settings/stripe')
  await page.getByRole('link', { name: 'Connect Stripe' }).click()
  if (key) {
    await page.getByLabel('Restricted key').fill(key)
    await page.getByRole('button', { name: 'Check key' }).click()
  } else {
    await page.getByRole('button', { name: 'Try with a sandbox account' }).click()
  }
  await expect(page.getByTestId('permission-customers_read')).toContainText('Granted')
  await page.getByRole('button', { name: 'Continue to field mapping' }).click()
  await page.getByRole('button', { name: 'Save mapping and continue' }).click()
  await expect(page.getByRole('heading', { name: 'What should Churnless import?' })).toBeVisible()
  await page.getByLabel('Import all existing customers').check()
  await page.getByRole('button', { name: 'Finish and connect' }).click()
  // Off the wizard (its own URL, /settings/stripe/connect, would match a connection's page).
  await expect(page).toHaveURL(/\/settings\/stripe(\/(?!connect$)[\w-]+)?$/)
  const { connections } = (await (await page.request.get('/api/stripe/connections')).json()) as { connections: { id: string; accountId: string; status: string }[] }
  expect(connections).toHaveLength(1)
  return connections[0]!
}

/** Waits until the connection's import has finished: contacts derived, run recorded, connection active. */
export async function waitForImport(page: Page, connectionId: string) {
  await expect
    .poll(
      async () => {
        const body = (await (await page.request.get('/api/stripe/connections')).json()) as { connections: { id: string; status: string }[] }
        return body.connections.find((c) => c.id === connectionId)?.status
      },
      { timeout: 240_000, intervals: [1_000, 2_000, 5_000], message: 'the import finishes (connection active)' },
    )
    .toBe('active')
}
