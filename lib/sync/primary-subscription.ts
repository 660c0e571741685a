// SPEC F8: which subscription is "the" subscription when a customer has several.

/** Status priority, best first. Statuses Stripe adds later rank after all of these. */
export const subscriptionStatusPriority = [
  'active',
  'past_due',
  'trialing',
  'unpaid',
  'incomplete',
  'paused',
  'canceled',
  'incomplete_expired',
] as const

/** The rule in words, for the mapping screen and the contact page. */
export const primarySubscriptionRule =
  'When a customer has several subscriptions, the subscription fields (status, plan, product, price, periods, trial) come from one of them: ' +
  'the one with the best status — active, then past due, trialing, unpaid, incomplete, paused, canceled, incomplete expired — ' +
  'and among those the most recently created; if two were created in the same second, the one with the smaller subscription id. ' +
  'Subscription counts and MRR add up all subscriptions.'

/** A status's place in F8's priority (0 = best); statuses Stripe adds later come after all of these. */
export function statusRank(status: string): number {
  const i = (subscriptionStatusPriority as readonly string[]).indexOf(status)
  return i === -1 ? subscriptionStatusPriority.length : i
}

/**
 * Orders two subscriptions by the F8 rule: negative when `a` should be "the" subscription
 * rather than `b`. Status priority (active > past_due > trialing > unpaid > incomplete >
 * paused > canceled > incomplete_expired > anything unknown), then newest `created`, then the
 * smaller id (code-unit order, locale-independent) so the choice never depends on input order.
 */
export function compareSubscriptionPriority(
  a: { status: string; created: number; id: string },
  b: { status: string; created: number; id: string },
): number {
  const byStatus = statusRank(a.status) - statusRank(b.status)
  if (byStatus !== 0) return byStatus
  if (a.created !== b.created) return b.created - a.created
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * "The" subscription of a customer (SPEC F8): best status first — active > past_due >
 * trialing > unpaid > incomplete > paused > canceled > incomplete_expired — then the newest
 * `created`, then the smaller id. Null when the customer has no subscription.
 */
export function pickPrimarySubscription<S extends { status: string; created: number; id: string }>(subscriptions: readonly S[]): S | null {
  let best: S | null = null
  for (const sub of subscriptions) {
    if (best === null || compareSubscriptionPriority(sub, best) < 0) best = sub
  }
  return best
}
