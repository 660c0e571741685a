// Links from a contact to the same object in the Stripe dashboard. Test-mode objects live under
// /test/ (https://dashboard.stripe.com/test/customers/cus_…); live ones without it. A sandbox
// connection (our local Stripe sandbox: api_base set) has no dashboard, so it gets no link.

export type StripeObjectKind = 'customer' | 'subscription' | 'charge' | 'invoice'

const paths: Record<StripeObjectKind, string> = {
  customer: 'customers',
  subscription: 'subscriptions',
  // The dashboard's payment page opens a charge by its ch_ id.
  charge: 'payments',
  invoice: 'invoices',
}

export interface DashboardTarget {
  mode: 'live' | 'test'
  /** Base URL of the Stripe API; null for real Stripe. */
  apiBase: string | null
}

/** The object's page in the Stripe dashboard, or null when the connection is a sandbox. */
export function stripeDashboardUrl(connection: DashboardTarget, kind: StripeObjectKind, id: string): string | null {
  if (connection.apiBase !== null) return null
  const mode = connection.mode === 'test' ? '/test' : ''
  return `https://dashboard.stripe.com${mode}/${paths[kind]}/${encodeURIComponent(id)}`
}
