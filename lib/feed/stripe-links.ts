// Links from a feed item to the object in the Stripe dashboard. Test-mode objects live under
// /test/. Objects of the local sandbox have no dashboard: no link.

const paths: Record<string, string> = {
  customer: 'customers',
  subscription: 'subscriptions',
  invoice: 'invoices',
  charge: 'payments',
  checkout_session: 'checkout/sessions',
  price: 'prices',
  product: 'products',
}

export function stripeDashboardUrl(args: { objectType: string; objectId: string | null; livemode: boolean; isSandbox: boolean }): string | null {
  const path = paths[args.objectType]
  if (!path || !args.objectId || args.isSandbox) return null
  return `https://dashboard.stripe.com/${args.livemode ? '' : 'test/'}${path}/${args.objectId}`
}
