import { expect, test } from '@playwright/test'
import { membersOf, newPerson, signUp } from './support/people'

test('an admin invites a marketer by link; the marketer joins and is refused admin pages and APIs', async ({ page, browser }) => {
  const admin = newPerson('Admin')
  await signUp(page, admin)
  await page.getByRole('link', { name: 'Members' }).click()
  await page.getByLabel('Role', { exact: true }).selectOption('marketer')
  await page.getByRole('button', { name: 'Create invite link' }).click()
  const link = await page.getByTestId('invite-link').inputValue()
  expect(link).toMatch(/\/invite\/[\w-]{20,}$/)
  await expect(page.getByText('Pending invites')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/members.png', fullPage: true })

  const marketerContext = await browser.newContext()
  const mp = await marketerContext.newPage()
  const marketer = newPerson('Marketer')
  await mp.goto(link)
  await expect(mp.getByRole('heading', { name: `Join ${admin.workspace}` })).toBeVisible()
  await expect(mp.getByText("You've been invited as a marketer.")).toBeVisible()
  await mp.screenshot({ path: 'test-results/screens/invite.png' })
  await signUp(mp, marketer, { withWorkspace: false })

  // The marketer is in the admin's workspace, with the product pages and no settings.
  await expect(mp.getByText(admin.workspace)).toBeVisible()
  await expect(mp.getByText('Ask an admin to connect it.')).toBeVisible()
  await mp.getByRole('link', { name: 'Segments' }).click()
  await expect(mp.getByRole('heading', { name: 'Segments', exact: true })).toBeVisible()
  await expect(mp.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stripe' })).toHaveCount(0)

  for (const path of ['/settings/stripe', '/settings/members', '/settings/api-keys']) {
    const response = await mp.goto(path)
    expect(response?.status(), path).toBe(403)
    await expect(mp.getByRole('heading', { name: "You're not allowed to open this page" })).toBeVisible()
  }
  await mp.screenshot({ path: 'test-results/screens/forbidden.png' })
  const api = await mp.request.get('/api/members')
  expect(api.status()).toBe(403)
  expect((await api.json()).error.message).toMatch(/Only workspace admins/)

  // The admin sees the new member; the used link cannot be used again.
  const members = await membersOf(page.request)
  expect(members.map((m) => [m.email, m.role])).toEqual([
    [admin.email, 'admin'],
    [marketer.email, 'marketer'],
  ])
  const third = await browser.newContext()
  const tp = await third.newPage()
  await tp.goto(link)
  await expect(tp.getByText('This invite link has already been used.')).toBeVisible()
  await tp.goto('/invite/not-a-real-token')
  await expect(tp.getByText('This invite link is not valid.')).toBeVisible()

  // Removed from their only workspace, the marketer is told so and can start one of their own.
  const marketerRow = members.find((m) => m.email === marketer.email)!
  expect((await page.request.delete(`/api/members/${marketerRow.id}`)).status()).toBe(200)
  await mp.goto('/contacts')
  await expect(mp.getByRole('heading', { name: "You're not in a workspace" })).toBeVisible()
  await mp.getByRole('button', { name: 'Create workspace' }).click()
  await expect(mp.getByText('Name your workspace.')).toBeVisible()
  await mp.getByLabel('Workspace name').fill('Marketer Labs')
  await mp.getByRole('button', { name: 'Create workspace' }).click()
  await expect(mp.getByText('Marketer Labs')).toBeVisible()
  await expect(mp.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stripe' })).toBeVisible()
  await Promise.all([marketerContext.close(), third.close()])
})

test('the last admin cannot be removed or demoted; roles change on the server', async ({ page, browser }) => {
  const admin = newPerson('Solo')
  await signUp(page, admin)
  const [me] = await membersOf(page.request)
  const demote = await page.request.patch(`/api/members/${me!.id}`, { data: { role: 'marketer' } })
  expect(demote.status()).toBe(409)
  expect((await demote.json()).error.message).toBe('The last admin cannot become a marketer. Make someone else an admin first.')
  const remove = await page.request.delete(`/api/members/${me!.id}`)
  expect(remove.status()).toBe(409)

  const bad = await page.request.patch(`/api/members/${me!.id}`, { data: { role: 'owner' } })
  expect(bad.status()).toBe(400)
  expect((await bad.json()).error.message).toMatch(/role: Choose admin or marketer/)
  const malformed = await page.request.post('/api/invitations', { headers: { 'content-type': 'application/json' }, data: Buffer.from('{"role":') })
  expect(malformed.status()).toBe(400)
  expect((await malformed.json()).error.message).toBe('The request body is not valid JSON.')

  // Invite a second admin, then demoting the first works and the UI shows it.
  const created = await page.request.post('/api/invitations', { data: { role: 'admin' } })
  const { url } = await created.json()
  const ctx = await browser.newContext()
  const second = await ctx.newPage()
  await second.goto(url)
  await signUp(second, newPerson('Second'), { withWorkspace: false })
  const ok = await page.request.patch(`/api/members/${me!.id}`, { data: { role: 'marketer' } })
  expect(ok.status()).toBe(200)
  const response = await page.goto('/settings/members')
  expect(response?.status()).toBe(403)
  await ctx.close()
})
