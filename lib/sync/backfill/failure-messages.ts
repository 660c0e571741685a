import type { BackfillObjectType } from '../../stripe/list-pages'
import type { StripeRequestError } from '../../stripe/request-budget'

// What a person reads when a stream or a run fails: the cause and the fix, no vendor internals.

export const objectLabels: Record<BackfillObjectType, string> = {
  customers: 'Customers',
  subscriptions: 'Subscriptions',
  invoices: 'Invoices',
  charges: 'Charges',
  prices: 'Prices',
  products: 'Products',
  checkout_sessions: 'Checkout sessions',
}

export const revokedKeyMessage =
  'Stripe rejected the key (revoked or expired). Rotate the key in Settings → Stripe; the import then continues from where it stopped.'

export function streamFailureMessage(type: BackfillObjectType, error: StripeRequestError): string {
  const what = objectLabels[type].toLowerCase()
  const f = error.failure
  if (f.kind === 'permission') {
    return f.permission
      ? `Stripe refused to list ${what}: the key lacks the ${f.permission} permission. Add it to the restricted key in Stripe, then re-sync.`
      : `Stripe refused to list ${what} with this key. Give the restricted key read access to ${what}, then re-sync.`
  }
  if (f.kind === 'revoked') return revokedKeyMessage
  // Vendor messages stay in the logs; the person gets the cause and what to do.
  console.error(`[churnless] backfill of ${type} failed:`, error.message)
  if (f.kind === 'exhausted') return `Stripe kept answering with errors or rate limits while listing ${what}. Re-sync later; the import continues from where it stopped.`
  return `Stripe refused to list ${what} (an unexpected error). Re-sync later; if it persists, check the key's permissions in Stripe.`
}
