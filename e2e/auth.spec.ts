import { expect, type Page, test } from '@playwright/test'
import { newPerson, signIn, signOut, signUp } from './support/people'

test('sign up lands in an empty workspace that says to connect Stripe; sign out and back in', async ({ page }) => {
  const person = newPerson('Ada')
  await signUp(page, person)

  await expect(page.getByRole('heading', { name: 'Contacts', exact: true })).toBeVisible()
  await expect(page.getByText('No contacts yet')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Connect Stripe' })).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Segments')
  await expect(page.getByText(person.workspace)).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/contacts-empty.png', fullPage: true })

  await signOut(page)
  await page.goto('/contacts')
  await expect(page).toHaveURL(/\/sign-in/)

  await signIn(page, person)
  await expect(page.getByText('No contacts yet')).toBeVisible()
})

test('a wrong password shows one generic error and keeps the person signed out', async ({ page }) => {
  const person = newPerson('Grace')
  await signUp(page, person)
  await signOut(page)

  await page.getByLabel('Email').fill(person.email)
  await page.getByLabel('Password').fill('not-the-password-1')
  await submitAndWait(page, 'Sign in')
  await expect(page.getByText('Wrong email or password.')).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in/)

  // An unknown email gets exactly the same message: nothing reveals who has an account.
  await expect(page.getByLabel('Email')).toHaveValue(person.email)
  await page.getByLabel('Email').fill(`nobody-${person.email}`)
  await page.getByLabel('Password').fill('not-the-password-1')
  await submitAndWait(page, 'Sign in')
  await expect(page.getByText('Wrong email or password.')).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in/)
  await page.screenshot({ path: 'test-results/screens/sign-in-error.png' })
})

test('sign-up refuses an existing email and a weak password, with the reason on the field', async ({ page }) => {
  const person = newPerson('Linus')
  await signUp(page, person)
  await signOut(page)

  await page.goto('/sign-up')
  await page.getByLabel('Your name').fill('Someone Else')
  await page.getByLabel('Work email').fill(`  ${person.email.toUpperCase()} `)
  await page.getByLabel('Password').fill('another-good-password-9')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('An account with this email already exists. Sign in instead.')).toBeVisible()

  await page.getByLabel('Work email').fill(newPerson('Weak').email)
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible()
  await page.screenshot({ path: 'test-results/screens/sign-up-errors.png' })
  await expect(page).toHaveURL(/\/sign-up/)
})

/** Clicks a form's submit button and waits for the server action's answer (not a stale message). */
async function submitAndWait(page: Page, button: string) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/sign-in')), page.getByRole('button', { name: button }).click()])
}
