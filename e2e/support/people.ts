import { type APIRequestContext, expect, type Page } from '@playwright/test'

let counter = 0
/** A fresh identity per call, unique across runs against the same database. */
export function newPerson(label: string) {
  counter += 1
  const stamp = `${Date.now().toString(36)}${counter}`
  return { name: `${label} Tester`, email: `${label.toLowerCase()}-${stamp}@example.com`, password: `plum-violet-${stamp}`, workspace: `${label} Co ${stamp}` }
}
export type Person = ReturnType<typeof newPerson>

export async function signUp(page: Page, person: Person, options: { withWorkspace?: boolean } = {}) {
  if (options.withWorkspace !== false) await page.goto('/sign-up')
  await page.getByLabel('Your name').fill(person.name)
  await page.getByLabel('Work email').fill(person.email)
  await page.getByLabel('Password').fill(person.password)
  if (options.withWorkspace !== false) await page.getByLabel('Company or workspace name').fill(person.workspace)
  await page.getByRole('button', { name: /Create account/ }).click()
  await expect(page).toHaveURL(/\/contacts$/)
}

export async function signIn(page: Page, person: Person) {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(person.email)
  await page.getByLabel('Password').fill(person.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/contacts$/)
}

export async function membersOf(request: APIRequestContext) {
  const res = await request.get('/api/members')
  expect(res.status()).toBe(200)
  return ((await res.json()) as { members: { id: string; email: string; role: string }[] }).members
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
}
