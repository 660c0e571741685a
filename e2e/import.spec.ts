import { expect, test } from '@playwright/test'
import Stripe from 'stripe'
import { formatDateTime, formatMoney } from '../lib/contacts/format'
import { newPerson, signUp } from './support/people'
import { connectSandboxAccount, createSandboxKey, sandboxPort, waitForImport } from './support/sandbox'

// SPEC F11, F12, F22: "Try with a sandbox account" + import all → the import finishes → the
// contacts list and a contact page agree with what the sandbox's Stripe API says. Expected
// values are computed here from the sandbox's API (through our own read key), never hard-coded.

const readPermissions = ['rak_customer_read', 'rak_subscription_read', 'rak_charge_read', 'rak_plan_read', 'rak_product_read']


const normalise = (email: string) => email.trim().toLowerCase()

test('import all from the sandbox: progress reaches done, the list counts every customer, a contact page matches Stripe', async ({ page }) => {
  test.setTimeout(300_000)
  await signUp(page, newPerson('Importer'))
  const connection = await connectSandboxAccount(page)

  // Progress on the connection page, refreshing without a reload: every object type's bar
  // reaches 100% and says done, with its count; the run says done.
  const connectionPage = await page.goto(`/settings/stripe/${connection.id}`)
  expect(connectionPage?.status()).toBe(200)
  await expect(page.getByTestId('run-title')).toHaveText(/Import done/, { timeout: 240_000 })
  const bars = page.getByRole('progressbar')
  await expect(bars).toHaveCount(7)
  for (const bar of await bars.all()) await expect(bar).toHaveAttribute('aria-valuenow', '100')
  for (const type of ['customers', 'subscriptions', 'invoices', 'charges', 'prices', 'products', 'checkout_sessions']) {
    const row = page.getByTestId(`sync-type-${type}`)
    await expect(row).toHaveAttribute('data-state', 'succeeded')
    await expect(row.getByTestId('sync-type-count')).toHaveText(/^[\d,]+ \/ [\d,]+$/)
  }
  await expect(page.getByTestId('sync-type-customers').getByTestId('sync-type-count')).toHaveText('250 / 250')
  await page.screenshot({ path: 'test-results/screens/import-done.png', fullPage: true })
  await waitForImport(page, connection.id)

  // What the sandbox's Stripe API says, read with a key of our own.
  const key = await createSandboxKey(connection.accountId, readPermissions)
  const stripe = new Stripe(key, { host: '127.0.0.1', port: sandboxPort, protocol: 'http' })
  const customers = await stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })
  expect(customers.length).toBe(250)
  // F9: customers sharing an email (case-insensitively) share one contact; no email → own contact.
  const emails = customers.map((c) => c.email).filter((e): e is string => Boolean(e?.trim()))
  const expectedContacts = new Set(emails.map(normalise)).size + (customers.length - emails.length)

  // F9: each email shared by several customers is listed once for the admin, with the one shown.
  const sharedEmails = [...new Set(emails.map(normalise))].filter((e) => emails.filter((x) => normalise(x) === e).length > 1)
  await page.goto(`/settings/stripe/${connection.id}/conflicts`)
  await expect(page.getByRole('heading', { name: 'Identity conflicts' })).toBeVisible()
  await expect(page.getByTestId('identity-conflict')).toHaveCount(sharedEmails.length)
  for (const conflict of await page.getByTestId('identity-conflict').all()) await expect(conflict.getByText('attributes shown')).toHaveCount(1)
  await page.screenshot({ path: 'test-results/screens/identity-conflicts.png', fullPage: true })

  await page.goto('/contacts')
  await expect(page.getByTestId('contact-count')).toHaveText(`${expectedContacts.toLocaleString('en-US')} contacts`)
  await expect(page.getByTestId('contact-row')).toHaveCount(50)
  await page.screenshot({ path: 'test-results/screens/contacts-list.png', fullPage: true })

  // A customer whose numbers can be checked independently: unique email, one active
  // subscription with one licensed monthly per-unit item and no discount, three or more charges.
  const emailCount = new Map<string, number>()
  for (const e of emails) emailCount.set(normalise(e), (emailCount.get(normalise(e)) ?? 0) + 1)
  const subscriptions = await stripe.subscriptions.list({ status: 'all', limit: 100 }).autoPagingToArray({ limit: 10_000 })
  let chosen: { customer: Stripe.Customer; sub: Stripe.Subscription; charges: Stripe.Charge[] } | null = null
  for (const customer of customers) {
    if (!customer.email || emailCount.get(normalise(customer.email)) !== 1) continue
    const subs = subscriptions.filter((s) => s.customer === customer.id)
    const [sub] = subs
    if (subs.length !== 1 || !sub || sub.status !== 'active' || sub.items.data.length !== 1 || (sub.discounts?.length ?? 0) > 0) continue
    const price = sub.items.data[0]!.price
    if (price.billing_scheme !== 'per_unit' || price.recurring?.interval !== 'month' || price.recurring.interval_count !== 1 || price.recurring.usage_type !== 'licensed') continue
    const charges = (await stripe.charges.list({ customer: customer.id, limit: 3 })).data
    if (charges.length < 3) continue
    chosen = { customer, sub, charges }
    break
  }
  expect(chosen, 'the sandbox has a customer with one simple active monthly subscription and three payments').not.toBeNull()
  const { customer, sub, charges } = chosen!
  const item = sub.items.data[0]!
  const price = item.price
  const product = typeof price.product === 'string' ? await stripe.products.retrieve(price.product) : price.product
  const plan = price.nickname || ('name' in product ? product.name : price.id)
  const mrr = (price.unit_amount ?? 0) * (item.quantity ?? 1) // monthly, licensed, no discount: price × quantity

  await page.getByLabel('Search').fill(customer.email!)
  await expect(page.getByTestId('contact-row')).toHaveCount(1)
  await page.getByTestId('contact-row').getByRole('link').click()
  await expect(page).toHaveURL(/\/contacts\/[\w-]+$/)

  const panel = page.getByTestId('stripe-panel')
  const mainSubscription = panel.getByTestId('subscription').first()
  await expect(mainSubscription.getByTestId('subscription-plan')).toHaveText(plan)
  await expect(mainSubscription).toContainText('Active')
  await expect(mainSubscription).toContainText(sub.id)
  await expect(page.getByTestId('contact-mrr')).toHaveText(formatMoney(mrr, price.currency))
  const rows = panel.getByTestId('payment-row')
  await expect(rows).toHaveCount(3)
  for (const [i, charge] of charges.entries()) {
    await expect(rows.nth(i)).toContainText(formatMoney(charge.amount, charge.currency))
    await expect(rows.nth(i)).toContainText(formatDateTime(new Date(charge.created * 1000).toISOString()))
    await expect(rows.nth(i)).toContainText(charge.status === 'succeeded' ? 'Succeeded' : charge.status === 'failed' ? 'Failed' : charge.status)
  }
  // A sandbox has no Stripe dashboard: said so, and no dashboard links.
  await expect(panel).toContainText('Sandbox account')
  await expect(panel.locator('a[href*="dashboard.stripe.com"]')).toHaveCount(0)
  await page.screenshot({ path: 'test-results/screens/contact-page.png', fullPage: true })

  // Another workspace cannot open this contact: same 404 as an unknown id.
  const contactUrl = page.url()
  const contactId = contactUrl.split('/').pop()!
  const api = await page.request.get(`/api/contacts/${contactId}`)
  expect(api.status()).toBe(200)
  const ctx = await page.context().browser()!.newContext()
  const stranger = await ctx.newPage()
  await signUp(stranger, newPerson('Stranger'))
  expect((await stranger.goto(`/contacts/${contactId}`))?.status()).toBe(404)
  const strangerApi = await stranger.request.get(`/api/contacts/${contactId}`)
  expect(strangerApi.status()).toBe(404)
  expect(JSON.stringify(await strangerApi.json())).not.toContain(customer.email!)
  const bad = await stranger.request.get('/api/contacts?limit=0&sort=email')
  expect(bad.status()).toBe(400)
  expect((await bad.json()).error.message).toMatch(/limit must be at least 1|Sort by created, mrr or last_activity/)
  await ctx.close()

  // SPEC F10: a forever coupon is subtracted (the sandbox demo key may read coupons): 20% off.
  const couponKey = await createSandboxKey(connection.accountId, [...readPermissions, 'rak_coupon_read'])
  const withCoupons = new Stripe(couponKey, { host: '127.0.0.1', port: sandboxPort, protocol: 'http' })
  const discountedSubs = await withCoupons.subscriptions.list({ status: 'active', limit: 100, expand: ['data.discounts'] }).autoPagingToArray({ limit: 10_000 })
  const discounted = discountedSubs.find((s) => {
    const owner = customers.find((c) => c.id === s.customer)
    const [d] = s.discounts as Stripe.Discount[]
    const p = s.items.data[0]?.price
    return (
      owner?.email && emailCount.get(normalise(owner.email)) === 1 && subscriptions.filter((x) => x.customer === owner.id).length === 1 && s.items.data.length === 1 &&
      d?.source?.coupon === 'FOREVER20' && p?.billing_scheme === 'per_unit' && p.recurring?.interval === 'month' && p.recurring.interval_count === 1 && p.recurring.usage_type === 'licensed'
    )
  })
  expect(discounted, 'the sandbox has a customer whose only subscription has the forever 20% coupon').toBeDefined()
  const dItem = discounted!.items.data[0]!
  const gross = (dItem.price.unit_amount ?? 0) * (dItem.quantity ?? 1)
  await page.goto('/contacts')
  await page.getByLabel('Search').fill(customers.find((c) => c.id === discounted!.customer)!.email!)
  await expect(page.getByTestId('contact-row')).toHaveCount(1)
  await page.getByTestId('contact-row').getByRole('link').click()
  await expect(page.getByTestId('contact-mrr')).toHaveText(formatMoney(Math.round(gross * 0.8), dItem.price.currency))
  await expect(page.getByRole('table', { name: 'MRR breakdown' })).toContainText(`(−${formatMoney(gross * 0.2, dItem.price.currency)} discount)`)
})
