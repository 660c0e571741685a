import { RULE_VERSION, type Rule, type RuleNode } from './rule-schema'

// The built-in segments of SPEC F18, as ordinary rules (editable, resettable to these defaults).
// Attribute names are the default `stripe_…` targets of typed fields; the catalog keeps them
// resolvable after a rename (lib/segments/attributes.ts).
//
// How the table's wording maps to data. "Subscription status is X" reads ALL of the contact's
// subscriptions (of every linked customer): the contact has a subscription in status X
// (`any_in`, column subscription_statuses), not only "the" subscription F8 picks for display.
// - "Churned customers": has a canceled, unpaid or incomplete_expired subscription AND none
//   active, trialing or past_due — both clauses over every subscription, so a canceled
//   subscription beside an incomplete or paused one counts as churned.
// - "Expired trials": had a trial that ended (the earliest trial end of any subscription is in
//   the past: `earliest_trial_end`), no active or past_due subscription, never paid (no
//   successful payment by any linked customer: `has_paid` is false).
// - "Active subscribers": at least one subscription in status active (active count > 0).
// - "…more than N days ago (or never)": last activity before now − N days, or no activity at all.
// - "New Stripe customers": the Stripe customer was created within the last N days.
// Descriptions are derived from N (`builtinDescriptionFor`), so an edited N never leaves a
// stale "more than 15 days" behind.

export type BuiltinOptions = { slippingTrialDays: number; slippingCustomerDays: number; newCustomerDays: number }
export const defaultBuiltinOptions: BuiltinOptions = { slippingTrialDays: 2, slippingCustomerDays: 15, newCustomerDays: 30 }

export const builtinKeys = [
  'syncing_with_stripe',
  'current_trials',
  'slipping_trials',
  'expired_trials',
  'customers',
  'slipping_customers',
  'churned_customers',
  'past_due',
  'active_subscribers',
  'new_stripe_customers',
] as const
export type BuiltinKey = (typeof builtinKeys)[number]

export type BuiltinDefinition = { key: BuiltinKey; name: string; description: string; rule: Rule }

const and = (...conditions: RuleNode[]): Rule => ({ version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions } })
type Status = 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete_expired'
const status = (...statuses: Status[]): RuleNode => ({ kind: 'subscription_status', operator: 'any_in', statuses })
const noStatus = (...statuses: Status[]): RuleNode => ({ kind: 'subscription_status', operator: 'none_in', statuses })
const inactiveFor = (days: number): RuleNode => ({
  kind: 'group',
  combinator: 'or',
  conditions: [
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'more_than_days_ago', days },
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'is_not_set' },
  ],
})

const days = (n: number) => (n === 1 ? '1 day' : `${n.toLocaleString('en-US')} days`)

export function builtinDefinitions(options: Partial<BuiltinOptions> = {}): BuiltinDefinition[] {
  const o = { ...defaultBuiltinOptions, ...options }
  return [
    { key: 'syncing_with_stripe', name: 'Syncing with Stripe', description: 'Contacts linked to a Stripe customer.', rule: and({ kind: 'attribute', attribute: 'is_stripe_linked', type: 'boolean', operator: 'is_true' }) },
    { key: 'current_trials', name: 'Current trials', description: 'Has a subscription in trial.', rule: and(status('trialing')) },
    {
      key: 'slipping_trials',
      name: 'Slipping trials',
      description: `In trial, and last activity more than ${days(o.slippingTrialDays)} ago (or never).`,
      rule: and(status('trialing'), inactiveFor(o.slippingTrialDays)),
    },
    {
      key: 'expired_trials',
      name: 'Expired trials',
      description: 'Had a trial that ended, has no active or past-due subscription, and never paid.',
      rule: and(
        { kind: 'attribute', attribute: 'earliest_trial_end', type: 'date', operator: 'more_than_days_ago', days: 0 },
        noStatus('active', 'past_due'),
        { kind: 'attribute', attribute: 'has_paid', type: 'boolean', operator: 'is_false' },
      ),
    },
    { key: 'customers', name: 'Customers', description: 'Has an active or past-due subscription.', rule: and(status('active', 'past_due')) },
    {
      key: 'slipping_customers',
      name: 'Slipping customers',
      description: `Active or past due, and last activity more than ${days(o.slippingCustomerDays)} ago (or never).`,
      rule: and(status('active', 'past_due'), inactiveFor(o.slippingCustomerDays)),
    },
    {
      key: 'churned_customers',
      name: 'Churned customers',
      description: 'Has a canceled, unpaid or incomplete-expired subscription, and none active, trialing or past due.',
      rule: and(status('canceled', 'unpaid', 'incomplete_expired'), noStatus('active', 'trialing', 'past_due')),
    },
    { key: 'past_due', name: 'Past due', description: 'Has a past-due subscription.', rule: and(status('past_due')) },
    {
      key: 'active_subscribers',
      name: 'Active subscribers',
      description: 'Has at least one active subscription.',
      rule: and({ kind: 'attribute', attribute: 'stripe_active_subscription_count', type: 'number', operator: 'gt', value: 0 }),
    },
    {
      key: 'new_stripe_customers',
      name: 'New Stripe customers',
      description: `Stripe customer created in the last ${days(o.newCustomerDays)}.`,
      rule: and({ kind: 'attribute', attribute: 'stripe_customer_created_at', type: 'date', operator: 'within_last_days', days: o.newCustomerDays }),
    },
  ]
}

export function builtinDefinition(key: string): BuiltinDefinition | undefined {
  return builtinDefinitions().find((d) => d.key === key)
}

/** Which option each built-in's N is (the others have none). */
const optionOf: Partial<Record<BuiltinKey, keyof BuiltinOptions>> = { slipping_trials: 'slippingTrialDays', slipping_customers: 'slippingCustomerDays', new_stripe_customers: 'newCustomerDays' }

/**
 * The description a built-in's rule deserves: its default text with the N the rule holds now,
 * when the rule is the default shape with some N; null when it was edited beyond that (the
 * stored description is then the person's to keep).
 */
export function builtinDescriptionFor(key: string, rule: unknown): string | null {
  const def = builtinDefinition(key)
  if (!def) return null
  const option = optionOf[def.key]
  const candidates = option ? [...new Set(daysIn(rule))] : [0]
  for (const n of candidates) {
    const candidate = option ? builtinDefinitions({ [option]: n }).find((d) => d.key === def.key) : def
    if (candidate && sameRule(candidate.rule, rule)) return candidate.description
  }
  return null
}

function daysIn(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(daysIn)
  if (value && typeof value === 'object') {
    const own = (value as { days?: unknown }).days
    return [...(typeof own === 'number' ? [own] : []), ...Object.values(value).flatMap(daysIn)]
  }
  return []
}

/**
 * Two rules mean the same when their trees are equal whatever the order of object keys (JSON
 * from the database and from the builder order keys differently), absent equals undefined, and
 * a set of statuses is a set.
 */
export function sameRule(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => sameRule(x, b[i]))
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const keys = new Set([...Object.keys(x), ...Object.keys(y)].filter((k) => x[k] !== undefined || y[k] !== undefined))
  for (const k of keys) {
    if (k === 'statuses' && Array.isArray(x[k]) && Array.isArray(y[k])) {
      const setA = new Set(x[k] as unknown[])
      const setB = new Set(y[k] as unknown[])
      if (setA.size !== setB.size || ![...setA].every((s) => setB.has(s))) return false
    } else if (!sameRule(x[k], y[k])) return false
  }
  return true
}
