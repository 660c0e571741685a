import type Stripe from 'stripe'
import { type PermissionLevel, permissionSpecs } from './permissions'

export type PermissionCheck = {
  id: string
  resource: string
  access: 'read' | 'write'
  level: PermissionLevel
  status: 'granted' | 'missing' | 'unknown'
  /** The permission name Stripe reported (e.g. rak_invoice_read) when missing. */
  stripeName?: string
  message?: string
  without?: string
}

export type KeyCheck =
  | {
      ok: true
      checks: PermissionCheck[]
      /** False when a required permission is missing or could not be checked. */
      canContinue: boolean
      account: { id: string | null; name: string | null }
    }
  | { ok: false; reason: 'invalid_key' | 'revoked_key' | 'unreachable'; message: string }

const statusOf = (error: unknown) => (error as { statusCode?: number } | undefined)?.statusCode
const rakName = (message: string) => /'(rak_[a-z_]+)'/.exec(message)?.[1]
const accountIn = (message: string) => /account '(acct_[A-Za-z0-9]+)'/.exec(message)?.[1]

/**
 * Runs every permission probe in parallel and reports each as granted / missing / unknown.
 * A 401 on any probe means the key itself is bad and ends the check; a network failure makes
 * that row "unknown" so the person can check again.
 */
export async function checkStripeKey(stripe: Stripe): Promise<KeyCheck> {
  const outcomes = await Promise.all(
    permissionSpecs.map(async (spec) => {
      try {
        await spec.probe(stripe)
        return { spec, error: undefined }
      } catch (error) {
        return { spec, error }
      }
    }),
  )

  const unauthorized = outcomes.find((o) => statusOf(o.error) === 401)
  if (unauthorized) {
    const code = (unauthorized.error as { code?: string }).code
    return code === 'api_key_expired'
      ? { ok: false, reason: 'revoked_key', message: 'Stripe says this key was revoked or has expired. Create a new restricted key and paste it here.' }
      : { ok: false, reason: 'invalid_key', message: "Stripe doesn't recognise this key. Check that you copied the whole key from the right account." }
  }
  if (outcomes.every((o) => o.error && statusOf(o.error) === undefined)) {
    return { ok: false, reason: 'unreachable', message: 'Stripe could not be reached. Check your connection and try again.' }
  }

  let accountId: string | null = null
  const checks = outcomes.map(({ spec, error }): PermissionCheck => {
    const base = { id: spec.id, resource: spec.resource, access: spec.access, level: spec.level, ...(spec.without && { without: spec.without }) }
    const status = statusOf(error)
    // Write probes send an invalid body on purpose: a 400 means the permission is there.
    if (!error || (spec.access === 'write' && status === 400)) return { ...base, status: 'granted' }
    const message = (error as Error).message ?? ''
    if (status === 403) {
      accountId ??= accountIn(message) ?? null
      return { ...base, status: 'missing', stripeName: rakName(message) ?? spec.stripeName, message: `Missing: ${rakName(message) ?? spec.stripeName}` }
    }
    return { ...base, status: 'unknown', message: 'Stripe did not answer this check. Check again in a moment.' }
  })

  // Reading the account needs a permission F2 does not ask for; when it is refused, Stripe's
  // 403 message still names the account, which is all the duplicate check needs.
  const account = await stripe.accounts.retrieveCurrent().then(
    (a) => ({ id: a.id, name: a.settings?.dashboard?.display_name ?? a.business_profile?.name ?? null }),
    (error: Error) => ({ id: accountIn(error.message ?? '') ?? accountId, name: null }),
  )
  const canContinue = checks.every((c) => c.level !== 'required' || c.status === 'granted')
  return { ok: true, checks, canContinue, account }
}
