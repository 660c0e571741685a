import { expect, test } from '@playwright/test'
import pg from 'pg'
import { embeddedDbPort, embeddedDbUrl } from '../scripts/lib/embedded-defaults.mjs'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, waitForImport } from './support/sandbox'

// Segments in the browser (F17–F19): connect the Stripe sandbox, wait for the import, see the
// built-ins with their counts, build "MRR > 100 and status past_due" with a live count, save it,
// see its members, then edit it and read the enter/leave diff before saving.
// Expected numbers come from hand-written SQL on the app's database (not from our compiler).

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
  const linked = await countOf(person.workspace, 'c.is_stripe_linked')

  // Built-ins: present, badged, and their counts equal what the database holds.
  const expected: Record<string, number> = {
    'Syncing with Stripe': linked,
    'Current trials': await countOf(person.workspace, "c.subscription_status = 'trialing'"),
    Customers: await countOf(person.workspace, "c.subscription_status IN ('active', 'past_due')"),
    'Past due': await countOf(person.workspace, "c.subscription_status = 'past_due'"),
    'Churned customers': await countOf(person.workspace, "c.subscription_status IN ('canceled', 'unpaid', 'incomplete_expired')"),
  }
  await expect
    .poll(
      async () => {
        await page.goto('/segments')
        const rows = page.getByTestId('segment-row')
        const out: Record<string, number> = {}
        for (const name of Object.keys(expected)) {
          const row = rows.filter({ has: page.getByRole('link', { name, exact: true }) })
          out[name] = Number((await row.getByTestId('member-count').textContent())?.replace(/,/g, ''))
        }
        return out
      },
      { timeout: 60_000, intervals: [2000] },
    )
    .toEqual(expected)
  await expect(page.getByTestId('segment-row')).toHaveCount(10)
  await expect(page.getByTestId('segment-row').filter({ hasText: 'built-in' })).toHaveCount(10)
  expect(expected['Syncing with Stripe']).toBeGreaterThan(0)
  await page.screenshot({ path: 'test-results/screens/segments-list.png', fullPage: true })

  // Build "MRR > 100 and status past_due".
  const target = await countOf(person.workspace, "c.mrr > 10000 AND c.subscription_status = 'past_due'")
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

  // Edit: add "MRR > 200" and read the diff before saving.
  const leaving = await countOf(person.workspace, "c.mrr > 10000 AND c.mrr <= 20000 AND c.subscription_status = 'past_due'")
  await page.getByRole('link', { name: 'Edit rule' }).click()
  await page.getByRole('button', { name: '+ Condition' }).click()
  await page.getByLabel('Field 3').selectOption('attr:stripe_mrr')
  await page.getByLabel('Operator 3').selectOption('gt')
  await page.getByLabel('Value 3').fill('200')
  await expect(page.getByTestId('diff')).toHaveText(`If you save this edit: 0 would enter, ${leaving} would leave.`)
  await expect(page.getByTestId('live-count')).toHaveText(String(target - leaving))
  await page.screenshot({ path: 'test-results/screens/segment-diff.png', fullPage: true })

  // An invalid condition says which one and why.
  await page.getByLabel('Value 3').fill('')
  await expect(page.getByTestId('condition').nth(2).getByRole('alert')).toHaveText('Enter a number to compare "stripe_mrr" with.')
})
