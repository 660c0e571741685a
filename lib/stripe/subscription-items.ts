import type Stripe from 'stripe'

// A subscription embeds only its first 10 items (`items.has_more` beyond): MRR needs them all.
// The rest come from `GET /v1/subscription_items?subscription=…` (the same read permission),
// which only subscriptions with more than 10 items ever need.

type WithItems = { id: string; items?: unknown }

/** Appends the items a subscription did not embed, in place. Returns the API calls it made. */
export async function completeSubscriptionItems(stripe: Stripe, subscription: WithItems): Promise<number> {
  const items = subscription.items as { data?: { id: string }[]; has_more?: boolean } | undefined
  if (!items?.has_more || !items.data) return 0
  let calls = 0
  let after = items.data.at(-1)?.id
  for (;;) {
    const page = await stripe.subscriptionItems.list({ subscription: subscription.id, limit: 100, ...(after && { starting_after: after }) })
    calls += 1
    items.data.push(...page.data)
    after = page.data.at(-1)?.id
    if (!page.has_more || !after) break
  }
  items.has_more = false
  return calls
}
