import type { AttributeType } from '../sync/fields'
import { fieldCatalog } from '../sync/fields'
import type { Mapping } from '../sync/mapping'

// The attributes a segment rule may name, and where each lives in `contacts`. An attribute with
// a typed column is compared on that column (indexable); every other mapped Stripe attribute is
// read from `attributes` and every custom one from `custom_attributes` (JSON, cast per type).

export type AttributeSource = 'contact' | 'stripe' | 'metadata' | 'custom'

/** Where the value is: a whitelisted column of `contacts`, or a key of one of its JSON columns. */
export type AttributeLocation = { column: ContactColumn } | { json: 'attributes' | 'custom_attributes'; key: string }

export type CatalogAttribute = {
  name: string
  label: string
  type: AttributeType
  source: AttributeSource
  location: AttributeLocation
  /** Resolvable but not offered in the picker (a typed field's default name after a rename). */
  hidden?: boolean
}

export type AttributeCatalog = ReadonlyMap<string, CatalogAttribute>

/** The only column names the compiler ever writes into SQL. */
export const contactColumns = [
  'email',
  'name',
  'external_id',
  'created_at',
  'last_activity_at',
  'is_stripe_linked',
  'subscription_status',
  'subscription_count',
  'active_subscription_count',
  'trial_start',
  'trial_end',
  'current_period_end',
  'cancel_at_period_end',
  'mrr',
  'currency',
  'total_spend',
  'stripe_created_at',
  'last_payment_at',
  'last_failed_payment_at',
  'earliest_trial_end',
  'has_paid',
] as const
export type ContactColumn = (typeof contactColumns)[number]

/** Churnless's own contact attributes (not from the mapping). */
const ownAttributes: CatalogAttribute[] = [
  { name: 'email', label: 'Email', type: 'string', source: 'contact', location: { column: 'email' } },
  { name: 'name', label: 'Name', type: 'string', source: 'contact', location: { column: 'name' } },
  { name: 'external_id', label: 'External ID', type: 'string', source: 'contact', location: { column: 'external_id' } },
  { name: 'created_at', label: 'Contact created', type: 'date', source: 'contact', location: { column: 'created_at' } },
  { name: 'last_activity_at', label: 'Last activity', type: 'date', source: 'contact', location: { column: 'last_activity_at' } },
  { name: 'is_stripe_linked', label: 'Linked to a Stripe customer', type: 'boolean', source: 'contact', location: { column: 'is_stripe_linked' } },
  // Facts over every subscription and customer of the contact (lib/sync/attributes.ts deriveSubscriptionFacts).
  { name: 'earliest_trial_end', label: 'Stripe: Earliest trial end (any subscription)', type: 'date', source: 'stripe', location: { column: 'earliest_trial_end' } },
  { name: 'has_paid', label: 'Stripe: Has ever paid', type: 'boolean', source: 'stripe', location: { column: 'has_paid' } },
]

/** Stripe fields (lib/sync/fields.ts keys) that the sync also writes to a typed column. */
export const typedFieldColumns: Readonly<Record<string, ContactColumn>> = {
  'subscription.status': 'subscription_status',
  'subscription.count': 'subscription_count',
  'subscription.active_count': 'active_subscription_count',
  'subscription.trial_start': 'trial_start',
  'subscription.trial_end': 'trial_end',
  'subscription.current_period_end': 'current_period_end',
  'subscription.cancel_at_period_end': 'cancel_at_period_end',
  'customer.mrr': 'mrr',
  'customer.currency': 'currency',
  'customer.total_spend': 'total_spend',
  'customer.created': 'stripe_created_at',
  'payment.last_date': 'last_payment_at',
  'payment.last_failed_date': 'last_failed_payment_at',
}

/** JSON key names accepted for custom attributes (the same rule as mapping targets, plus upper case). */
const customKeyPattern = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/

/**
 * The workspace's attribute catalog: own attributes, every enabled mapped Stripe field and
 * metadata attribute of its connections (defaults when it has none), and custom keys found on
 * its contacts. Earlier entries win a name clash, so a custom key never shadows a Stripe field.
 */
export function buildAttributeCatalog(input: { mappings: readonly Mapping[]; customKeys?: readonly { key: string; type: AttributeType }[] }): AttributeCatalog {
  const out = new Map<string, CatalogAttribute>()
  const add = (a: CatalogAttribute) => {
    if (!out.has(a.name)) out.set(a.name, a)
  }
  for (const a of ownAttributes) add(a)
  const mappings = input.mappings.length ? input.mappings : [null]
  for (const mapping of mappings) {
    for (const def of fieldCatalog) {
      const row = mapping ? mapping.fields.find((f) => f.key === def.key) : { target: def.target, enabled: true }
      if (!row?.enabled) continue
      const column = typedFieldColumns[def.key]
      add({ name: row.target, label: `Stripe: ${def.label}`, type: def.type, source: 'stripe', location: column ? { column } : { json: 'attributes', key: row.target } })
    }
    for (const m of mapping?.metadata ?? []) add({ name: m.target, label: `Stripe metadata: ${m.key}`, type: m.type, source: 'metadata', location: { json: 'attributes', key: m.target } })
  }
  // Built-in rules name the default targets of typed fields; keep those names resolvable (not
  // listed in the picker) even when an admin renamed the target or switched the field off.
  for (const def of fieldCatalog) {
    const column = typedFieldColumns[def.key]
    if (column) add({ name: def.target, label: `Stripe: ${def.label}`, type: def.type, source: 'stripe', location: { column }, hidden: true })
  }
  for (const c of input.customKeys ?? []) {
    if (customKeyPattern.test(c.key)) add({ name: c.key, label: `Custom: ${c.key}`, type: c.type, source: 'custom', location: { json: 'custom_attributes', key: c.key } })
  }
  return out
}

/** The type a custom attribute's JSON value suggests (dates are ISO strings). */
export function inferJsonType(jsonType: string, sample: string | null): AttributeType {
  if (jsonType === 'number') return 'number'
  if (jsonType === 'boolean') return 'boolean'
  if (sample && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(sample) && Number.isFinite(Date.parse(sample))) return 'date'
  return 'string'
}
