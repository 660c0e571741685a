import { expect, test } from '@playwright/test'
import { membersOf, newPerson, signUp } from './support/people'

test('a person of workspace A can neither read nor change workspace B by URL, API or cookie', async ({ page, browser }) => {
  const alice = newPerson('Alice')
  await signUp(page, alice)

  const bobContext = await browser.newContext()
  const bobPage = await bobContext.newPage()
  const bob = newPerson('Bob')
  await signUp(bobPage, bob)
  const [bobMember] = await membersOf(bobPage.request)
  const bobInvite = await (await bobPage.request.post('/api/invitations', { data: { role: 'marketer' } })).json()

  // Alice's API calls only ever see her own workspace.
  const aliceMembers = await membersOf(page.request)
  expect(aliceMembers.map((m) => m.email)).toEqual([alice.email])

  // Changing or removing Bob's membership answers 404 (not 403: existence is not revealed).
  for (const res of [
    await page.request.patch(`/api/members/${bobMember!.id}`, { data: { role: 'marketer' } }),
    await page.request.delete(`/api/members/${bobMember!.id}`),
    await page.request.delete(`/api/invitations/${bobInvite.id}`),
  ]) {
    expect(res.status()).toBe(404)
    expect(JSON.stringify(await res.json())).not.toContain(bob.email)
  }

  // A forged workspace cookie naming Bob's workspace falls back to Alice's own.
  const bobWorkspaceCookie = (await bobContext.cookies()).find((c) => c.name === 'churnless_workspace')
  const workspaceIdOfBob = bobWorkspaceCookie?.value
  await page.context().addCookies([{ name: 'churnless_workspace', value: workspaceIdOfBob ?? 'unknown', url: page.url() }])
  await page.goto('/contacts')
  await expect(page.getByText(alice.workspace)).toBeVisible()
  await expect(page.getByText(bob.workspace)).toHaveCount(0)
  expect((await membersOf(page.request)).map((m) => m.email)).toEqual([alice.email])

  // Bob's membership is untouched.
  expect((await membersOf(bobPage.request)).map((m) => [m.email, m.role])).toEqual([[bob.email, 'admin']])

  // Signed out, the API answers 401 and pages redirect to sign-in.
  const anonymous = await browser.newContext()
  const anon = await anonymous.newPage()
  expect((await anon.request.get('/api/members')).status()).toBe(401)
  await anon.goto('/settings/members')
  await expect(anon).toHaveURL(/\/sign-in/)
  await Promise.all([bobContext.close(), anonymous.close()])
})
