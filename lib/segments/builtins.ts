import { RULE_VERSION, type Rule, type RuleNode } from './rule-schema'

// The built-in segments of SPEC F18, as ordinary rules (editable, resettable to these defaults).
// Attribute names are the default `stripe_…` targets of typed fields; the catalog keeps them
// resolvable after a rename (lib/segments/attributes.ts).
//
// How the table's wording maps to data (F8 picks "the" subscription by status priority
// active > past_due > trialing > unpaid > incomplete > paused > canceled > incomplete_expired):
// - "Expired trials": had a trial that ended (trial end is set and in the past), no active or
//   past_due subscription ("the" status is neither — by F8 no other subscription is), never
//   paid (no successful payment date: last payment date is not set).
// - "Churned customers": "the" status is canceled, unpaid or incomplete_expired. By F8 such a
//   contact has no active, trialing or past_due subscription, so the table's second clause holds.
// - "Active subscribers": at least one subscription in status active (active count > 0).
// - "…or never": last activity is not set.

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
const status = (...statuses: ('trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete_expired')[]): RuleNode => ({ kind: 'subscription_status', operator: 'in', statuses })
const inactiveFor = (days: number): RuleNode => ({
  kind: 'group',
  combinator: 'or',
  conditions: [
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'more_than_days_ago', days },
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'is_not_set' },
  ],
})

export function builtinDefinitions(options: Partial<BuiltinOptions> = {}): BuiltinDefinition[] {
  const o = { ...defaultBuiltinOptions, ...options }
  return [
    { key: 'syncing_with_stripe', name: 'Syncing with Stripe', description: 'Contacts linked to a Stripe customer.', rule: and({ kind: 'attribute', attribute: 'is_stripe_linked', type: 'boolean', operator: 'is_true' }) },
    { key: 'current_trials', name: 'Current trials', description: 'Subscription status is trialing.', rule: and(status('trialing')) },
    {
      key: 'slipping_trials',
      name: 'Slipping trials',
      description: `Trialing, and no activity for more than ${o.slippingTrialDays} days (or never).`,
      rule: and(status('trialing'), inactiveFor(o.slippingTrialDays)),
    },
    {
      key: 'expired_trials',
      name: 'Expired trials',
      description: 'Had a trial that ended, has no active or past-due subscription, and never paid.',
      rule: and(
        { kind: 'attribute', attribute: 'stripe_trial_end', type: 'date', operator: 'more_than_days_ago', days: 0 },
        { kind: 'subscription_status', operator: 'not_in', statuses: ['active', 'past_due'] },
        { kind: 'attribute', attribute: 'stripe_last_payment_at', type: 'date', operator: 'is_not_set' },
      ),
    },
    { key: 'customers', name: 'Customers', description: 'Subscription status is active or past due.', rule: and(status('active', 'past_due')) },
    {
      key: 'slipping_customers',
      name: 'Slipping customers',
      description: `Active or past due, and no activity for more than ${o.slippingCustomerDays} days (or never).`,
      rule: and(status('active', 'past_due'), inactiveFor(o.slippingCustomerDays)),
    },
    {
      key: 'churned_customers',
      name: 'Churned customers',
      description: 'Subscription canceled, unpaid or incomplete-expired, and none active, trialing or past due.',
      rule: and(status('canceled', 'unpaid', 'incomplete_expired')),
    },
    { key: 'past_due', name: 'Past due', description: 'Subscription status is past due.', rule: and(status('past_due')) },
    {
      key: 'active_subscribers',
      name: 'Active subscribers',
      description: 'Has at least one active subscription.',
      rule: and({ kind: 'attribute', attribute: 'stripe_active_subscription_count', type: 'number', operator: 'gt', value: 0 }),
    },
    {
      key: 'new_stripe_customers',
      name: 'New Stripe customers',
      description: `Stripe customer created in the last ${o.newCustomerDays} days.`,
      rule: and({ kind: 'attribute', attribute: 'stripe_customer_created_at', type: 'date', operator: 'within_last_days', days: o.newCustomerDays }),
    },
  ]
}

export function builtinDefinition(key: string): BuiltinDefinition | undefined {
  return builtinDefinitions().find((d) => d.key === key)
}
