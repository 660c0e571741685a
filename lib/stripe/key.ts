// Classifies what a person pasted into the "Stripe key" field before any network call.
// Stripe prefixes: sk_ secret, rk_ restricted, pk_ publishable; then live_/test_.

export type StripeMode = 'live' | 'test'

export type KeyClassification =
  | { ok: true; kind: 'restricted' | 'secret'; mode: StripeMode; warning?: string }
  | { ok: false; message: string }

export function classifyStripeKey(raw: string): KeyClassification {
  const key = raw.trim()
  if (!key) return { ok: false, message: 'Paste your Stripe restricted key (it starts with rk_live_ or rk_test_).' }
  if (/\s/.test(key)) return { ok: false, message: 'The key contains spaces or line breaks. Copy it again from Stripe without extra characters.' }
  const match = /^(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}$/.exec(key)
  if (!match) {
    if (/^whsec_/.test(key)) return { ok: false, message: 'This is a webhook signing secret, not an API key. Churnless needs a restricted key (rk_…).' }
    return { ok: false, message: "This doesn't look like a Stripe API key. Restricted keys start with rk_live_ or rk_test_." }
  }
  const [, prefix, mode] = match as unknown as [string, 'sk' | 'rk' | 'pk', StripeMode]
  if (prefix === 'pk') return { ok: false, message: 'This is a publishable key; Churnless needs a restricted key (rk_…). Create one under Developers → API keys → Restricted keys.' }
  if (prefix === 'sk') {
    return {
      ok: true,
      kind: 'secret',
      mode,
      warning: 'This is a full secret key: it can do anything in your Stripe account, far more than Churnless needs. A restricted key with only the permissions listed is safer.',
    }
  }
  return { ok: true, kind: 'restricted', mode }
}

/** `rk_live_…abcd`: enough to recognise a key, never enough to use it. */
export function maskStripeKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(live|test)_/.exec(key)?.[0] ?? ''
  return `${prefix}…${key.slice(-4)}`
}
