/** Emails are compared trimmed and lower-cased everywhere (people and Stripe customers alike). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}
