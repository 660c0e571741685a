import { z } from 'zod'
import { permissionSpecs } from './permissions'

// "Try with a sandbox account": the local Stripe sandbox (sandbox/) creates an account with
// sample data and a restricted key, and the wizard then runs its normal path against it.
// It is offered when STRIPE_SANDBOX_URL is set (the launcher sets it when it starts the sandbox)
// and, in production builds, only with STRIPE_SANDBOX_ENABLED=1: the launcher sets that only
// for an explicit STRIPE_SANDBOX=1 (scripts/lib/stripe-sandbox-service.mjs), so `npm start` on
// the embedded defaults does not show a demo to people who did not ask for it.

/** The sandbox's base URL when this build may offer it, else null. */
export function sandboxUrl(source: Record<string, string | undefined> = process.env): string | null {
  const url = source.STRIPE_SANDBOX_URL
  if (!url) return null
  if (source.NODE_ENV === 'production' && source.STRIPE_SANDBOX_ENABLED !== '1') return null
  return url
}

const createdAccountSchema = z.object({ accountId: z.string(), restrictedKey: z.string().startsWith('rk_test_') })
const createdKeySchema = z.object({ key: z.string().startsWith('rk_test_') })

/**
 * The demo key's permissions: SPEC F2's required and recommended ones plus Coupons read, so the
 * demo shows MRR net of coupons. (The account's own `restrictedKey` stays exactly F2's.)
 */
export const sandboxDemoPermissions = permissionSpecs.filter((p) => p.level !== 'optional' || p.id === 'coupons_read').map((p) => p.stripeName)

/** Asks the sandbox for a fresh account with sample customers; returns a restricted key for it. */
export async function createSandboxAccount(baseUrl: string, args: { name: string; customers: number; seed: number }) {
  const post = (path: string, body: unknown) =>
    fetch(new URL(path, baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null)
  const failed = (res: Response | null) => new Error(`The Stripe sandbox at ${baseUrl} did not answer (${res?.status ?? 'no connection'}). Restart \`npm run dev\`.`)
  const res = await post('/_sandbox/accounts', args)
  if (!res?.ok) throw failed(res)
  const account = createdAccountSchema.parse(await res.json())
  const keyRes = await post(`/_sandbox/accounts/${encodeURIComponent(account.accountId)}/keys`, { type: 'restricted', permissions: sandboxDemoPermissions, name: 'Churnless demo' })
  if (!keyRes?.ok) throw failed(keyRes)
  return { accountId: account.accountId, restrictedKey: createdKeySchema.parse(await keyRes.json()).key }
}

/**
 * Where a pasted key lives: with the sandbox enabled, a test-mode key the sandbox recognises is
 * used against it (so sandbox keys can be pasted like real ones); everything else goes to Stripe.
 */
export async function apiBaseForKey(key: string, base: string | null = sandboxUrl()): Promise<string | null> {
  if (!base || !/^(rk|sk)_test_/.test(key.trim())) return null
  const res = await fetch(new URL('/v1/account', base), { headers: { authorization: `Bearer ${key.trim()}` } }).catch(() => null)
  if (!res) return null
  if (res.status !== 401) return base
  // A key the sandbox issued and then revoked is still its key: the wizard should say "revoked",
  // not send it to Stripe. Only a key it never issued (api_key_invalid) goes to Stripe.
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null
  return body?.error?.code === 'api_key_expired' ? base : null
}
