import Stripe from 'stripe'

/**
 * A Stripe client for one connection. `apiBase` is unset for real Stripe and points at the
 * local sandbox otherwise (per connection, so the product path is identical in both cases).
 * Retries are ours (lib/stripe/request-budget), not the SDK's: the SDK does not retry a plain
 * 429 and would hide the figures sync health reports.
 */
export function createStripeClient(apiKey: string, options: { apiBase?: string | null; timeoutMs?: number } = {}): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined
  return new Stripe(apiKey, {
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? 20_000,
    appInfo: { name: 'Churnless', url: 'https://github.com/churnless/churnless' },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  })
}
