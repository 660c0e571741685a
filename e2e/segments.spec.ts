import { expect, test } from '@playwright/test'
import pg from 'pg'
import Stripe from 'stripe'
import { embeddedDbPort, embeddedDbUrl } from '../scripts/lib/embedded-defaults.mjs'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, createSandboxKey, sandboxPort, sandboxUrl, waitForImport } from './support/sandbox'

// Segments in the browser (F17–F19): connect the Stripe sandbox, wait for the import, see the
// ten built-ins, each one the sandbox's own customers should populate with members; build
// "MRR > 100 and status past_due" with a live count, save it, see its members, then edit it and
// read the enter/leave diff before saving.
// Which built-ins must have members is decided from the sandbox's Stripe objects (its API), not
// from our SQL; the custom rule's numbers come from hand-written SQL on the app's database.

const readPermissions = ['rak_customer_read', 'rak_subscription_read', 'rak_plan_read', 'rak_charge_read']
const DAY = 86_400

/**
 * The built-ins SPEC F18 says a contact belongs to, from its Stripe customers' own objects (no
 * product activity exists in a fresh sandbox, so "slipping" = "or never"). Customers sharing an
 * email are one contact (F9).
 */
async function builtinsTheSandboxPopulates(accountId: string): Promise<Set<string>> {
  const stripe = new Stripe(await createSandboxKey(accountId, readPermissions), { host: '127.0.0.1', port: sandboxPort, protocol: 'http' })
  const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100 }).autoPagingToArray({ limit: 10_000 })
  const charges = await stripe.charges.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  const contactOf = (c: Stripe.Customer) => (c.email ? `email:${c.email.trim().toLowerCase()}` : `id:${c.id}`)
  const contacts = new Map<string, { created: number[]; subs: Stripe.Subscription[]; paid: boolean }>()
  for (const c of customers) {
    const entry = contacts.get(contactOf(c)) ?? { created: [], subs: [], paid: false }
    entry.created.push(c.created)
    entry.subs.push(...subscriptions.filter((s) => s.customer === c.id))
    entry.paid ||= charges.some((ch) => ch.customer === c.id && ch.status === 'succeeded' && ch.captured !== false)
    contacts.set(contactOf(c), entry)
  }
  const now = Math.floor(Date.now() / 1000)
  const out = new Set<string>()
  for (const { created, subs, paid } of contacts.values()) {
    const has = (...statuses: string[]) => subs.some((s) => statuses.includes(s.status))
    out.add('Syncing with Stripe')
    if (has('trialing')) out.add('Current trials').add('Slipping trials')
    if (subs.some((s) => s.trial_end && s.trial_end < now) && !has('active', 'past_due') && !paid) out.add('Expired trials')
    if (has('active', 'past_due')) out.add('Customers').add('Slipping customers')
    if (has('canceled', 'unpaid', 'incomplete_expired') && !has('active', 'trialing', 'past_due')) out.add('Churned customers')
    if (has('past_due')) out.add('Past due')
    if (has('active')) out.add('Active subscribers')
    // The contact shows its most recent customer's creation date when it has several (F9).
    if (Math.max(...created) >= now - 30 * DAY + 3600) out.add('New Stripe customers')
  }
  return out
}

test.setTimeout(240_000)

const dbUrl = process.env.DATABASE_URL || embeddedDbUrl(embeddedDbPort())
async function sql<T>(text: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}
const countOf = async (workspace: string, where: string, params: unknown[] = []) =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM contacts c JOIN workspaces w ON w.id = c.workspace_id WHERE w.name = $1 AND ${where}`, [workspace, ...params]))[0]?.n)


test('built-ins after connecting the sandbox; build, save and edit "MRR > 100 and status past_due"', async ({ page }) => {
  const person = newPerson('Segs')
  await signUp(page, person)
  const connection = await connectSandboxAccount(page)

  // Once the import has finished, every contact has its Stripe attributes; built-ins follow
  // from the contact/updated announcements.
  await waitForImport(page, connection.id)
  const builtinNames = ['Syncing with Stripe', 'Current trials', 'Slipping trials', 'Expired trials', 'Customers', 'Slipping customers', 'Churned customers', 'Past due', 'Active subscribers', 'New Stripe customers']
  const populated = await builtinsTheSandboxPopulates(connection.accountId)
  // A sandbox account worth testing on has customers in most of these (trials, payers, churn).
  expect([...populated].length, [...populated].join(', ')).toBeGreaterThanOrEqual(6)

  // All ten built-ins, badged; every one the sandbox populates shows members once the import's
  // contact/updated announcements have been applied.
  const counts = async () => {
    await page.goto('/segments')
    const rows = page.getByTestId('segment-row')
    const out: Record<string, number> = {}
    for (const name of builtinNames) {
      const row = rows.filter({ has: page.getByRole('link', { name, exact: true }) })
      out[name] = Number((await row.getByTestId('member-count').textContent())?.replace(/,/g, ''))
    }
    return out
  }
  await expect
    .poll(async () => Object.entries(await counts()).filter(([name, n]) => populated.has(name) && !(n > 0)).map(([name]) => name), { timeout: 60_000, intervals: [2000], message: 'built-ins the sandbox populates have members' })
    .toEqual([])
  await expect(page.getByTestId('segment-row')).toHaveCount(10)
  await expect(page.getByTestId('segment-row').filter({ hasText: 'built-in' })).toHaveCount(10)
  const shown = await counts()
  expect(Object.keys(shown).sort()).toEqual([...builtinNames].sort())
  // Every linked contact syncs with Stripe: the count equals the contacts the import made.
  expect(shown['Syncing with Stripe']).toBe(await countOf(person.workspace, 'c.is_stripe_linked'))
  await page.screenshot({ path: 'test-results/screens/segments-list.png', fullPage: true })

  // Build "MRR > 100 and status past_due". The demo account is random: when it has no such
  // customer, one is made the way Stripe would — a paying customer's card declines at Stripe —
  // and the webhook brings it in.
  const highMrrPastDue = "c.mrr > 10000 AND c.subscription_status = 'past_due'"
  if ((await countOf(person.workspace, highMrrPastDue)) === 0) {
    const [payer] = await sql<{ subscription: string }>(
      "SELECT c.attributes->>'stripe_subscription_id' AS subscription FROM contacts c JOIN workspaces w ON w.id = c.workspace_id WHERE w.name = $1 AND c.mrr > 20000 AND c.subscription_status = 'active' AND c.active_subscription_count = 1 ORDER BY c.mrr DESC LIMIT 1",
      [person.workspace],
    )
    expect(payer?.subscription, 'the sandbox has a customer paying more than 200 a month').toMatch(/^sub_/)
    const failed = await fetch(`${sandboxUrl}/_sandbox/accounts/${connection.accountId}/subscriptions/${payer!.subscription}/fail-payment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(failed.ok).toBe(true)
    await expect.poll(() => countOf(person.workspace, highMrrPastDue), { timeout: 30_000 }).toBeGreaterThan(0)
  }
  const target = await countOf(person.workspace, highMrrPastDue)
  expect(target, 'the sandbox has past-due customers paying more than 100 a month').toBeGreaterThan(0)
  await page.getByRole('link', { name: 'New segment' }).click()
  await page.getByLabel('Segment name').fill('High-MRR past due')
  await page.getByRole('button', { name: '+ Condition' }).click()
  await page.getByLabel('Field 1').selectOption('attr:stripe_mrr')
  await page.getByLabel('Operator 1').selectOption('gt')
  await page.getByLabel('Value 1').fill('100')
  await page.getByRole('button', { name: '+ Condition' }).click()
  await page.getByLabel('Field 2').selectOption('status')
  const statuses = page.getByRole('group', { name: 'Statuses 2' })
  await statuses.getByText('active', { exact: true }).click()
  await statuses.getByText('past_due', { exact: true }).click()
  await expect(page.getByTestId('live-count')).toHaveAttribute('data-stale', 'false')
  await expect(page.getByTestId('live-count')).toHaveText(String(target))
  await page.screenshot({ path: 'test-results/screens/segment-builder.png', fullPage: true })
  await page.getByRole('button', { name: 'Create segment' }).click()
  await expect(page).toHaveURL(/\/segments\/(?!new$)[^/]+$/)
  await expect(page.getByRole('heading', { name: 'High-MRR past due' })).toBeVisible()
  await expect.poll(async () => { await page.reload(); return page.getByTestId('member-row').count() }, { timeout: 30_000 }).toBe(Math.min(target, 50))
  await expect(page.getByTestId('segment-member-count')).toHaveText(`${target} members`)
  await page.screenshot({ path: 'test-results/screens/segment-members.png', fullPage: true })

  // Edit: add "MRR > X", X the smallest member's MRR (whole units), so at least one would leave.
  const [lowest] = await sql<{ mrr: string }>(
    "SELECT min(c.mrr) AS mrr FROM contacts c JOIN workspaces w ON w.id = c.workspace_id WHERE w.name = $1 AND c.mrr > 10000 AND c.subscription_status = 'past_due'",
    [person.workspace],
  )
  const threshold = Math.ceil(Number(lowest?.mrr) / 100)
  const leaving = await countOf(person.workspace, "c.mrr > 10000 AND c.mrr <= $2 AND c.subscription_status = 'past_due'", [threshold * 100])
  expect(leaving).toBeGreaterThan(0)
  await page.getByRole('link', { name: 'Edit rule' }).click()
  await page.getByRole('button', { name: '+ Condition' }).click()
  await page.getByLabel('Field 3').selectOption('attr:stripe_mrr')
  await page.getByLabel('Operator 3').selectOption('gt')
  await page.getByLabel('Value 3').fill(String(threshold))
  await expect(page.getByTestId('diff')).toHaveText(`If you save this edit: 0 would enter, ${leaving} would leave.`)
  await expect(page.getByTestId('live-count')).toHaveText(String(target - leaving))
  await page.screenshot({ path: 'test-results/screens/segment-diff.png', fullPage: true })

  // An invalid condition says which one and why.
  await page.getByLabel('Value 3').fill('')
  await expect(page.getByTestId('condition').nth(2).getByRole('alert')).toHaveText('Enter a number to compare "stripe_mrr" with.')
})
