import type { AttributeCatalog, CatalogAttribute } from './attributes'
import { contactColumns } from './attributes'
import type { AttributeCondition, Condition, EventCondition, Rule, RuleIssue, RuleNode, StatusCondition } from './rule-schema'
import { checkRuleShape, subscriptionStatuses } from './rule-schema'

// The one compiler: a rule → a SQL boolean expression over `contacts c`, with every value a
// `$n` parameter and every identifier taken from a whitelist (JSON keys are parameters too).
// Counts, member lists, diffs, recomputes, single-contact checks and the sweep all wrap this
// expression, so a rule means the same thing everywhere. Pure: no database, no clock (`now` is
// an argument; relative dates become timestamp parameters).

const DAY_MS = 86_400_000

/** Accumulates parameter values; `add` returns the placeholder to write into the SQL. */
export class SqlParams {
  readonly values: unknown[]
  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial]
  }
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** A rule that cannot be compiled: each issue names the condition (path) and what to fix. */
export class RuleError extends Error {
  override name = 'RuleError'
  constructor(readonly issues: RuleIssue[]) {
    super(issues.map((i) => i.message).join(' '))
  }
}

export type CompileContext = { catalog: AttributeCatalog; now: Date }

/** Every problem of a rule against the workspace's attributes (empty when it compiles). */
export function checkRule(input: unknown, catalog: AttributeCatalog): { ok: true; rule: Rule } | { ok: false; issues: RuleIssue[] } {
  const shape = checkRuleShape(input)
  if (!shape.ok) return shape
  const issues: RuleIssue[] = []
  walk(shape.rule.root, '', (node, path) => {
    if (node.kind !== 'attribute') return
    const attribute = catalog.get(node.attribute)
    if (!attribute) {
      issues.push({ path, message: `The attribute "${node.attribute}" does not exist in this workspace (it may have been renamed or removed from the Stripe field mapping). Pick another attribute or remove this condition.` })
    } else if (!typesAgree(attribute.type, node.type)) {
      issues.push({ path, message: `The attribute "${node.attribute}" is now ${attribute.type}, but this condition compares it as ${node.type}. Choose the operator again.` })
    }
  })
  return issues.length ? { ok: false, issues } : shape
}

/** Compiles to a predicate; throws RuleError naming each wrong condition. */
export function compileRule(input: unknown, ctx: CompileContext, params: SqlParams): string {
  const checked = checkRule(input, ctx.catalog)
  if (!checked.ok) throw new RuleError(checked.issues)
  return compileNode(checked.rule.root, ctx, params)
}

function compileNode(node: RuleNode, ctx: CompileContext, p: SqlParams): string {
  if (node.kind === 'group') {
    // An empty group constrains nothing (the builder shows it as "matches everyone").
    if (node.conditions.length === 0) return 'TRUE'
    const parts = node.conditions.map((child) => compileNode(child, ctx, p))
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(node.combinator === 'and' ? ' AND ' : ' OR ')})`
  }
  return compileCondition(node, ctx, p)
}

function compileCondition(c: Condition, ctx: CompileContext, p: SqlParams): string {
  switch (c.kind) {
    case 'subscription_status':
      return compileStatus(c, p)
    case 'event':
      return compileEvent(c, ctx, p)
    case 'attribute': {
      const attribute = ctx.catalog.get(c.attribute) as CatalogAttribute
      return compileAttribute(c, attribute, ctx, p)
    }
  }
}

function compileStatus(c: StatusCondition, p: SqlParams): string {
  // One canonical order for a set of statuses: the partial indexes of the built-ins
  // (migration segment_subscription_facts) are proved only from an identical array constant.
  const list = p.add(subscriptionStatuses.filter((s) => c.statuses.includes(s)))
  switch (c.operator) {
    case 'in':
      return `c.subscription_status = ANY(${list}::text[])`
    case 'not_in':
      return `(c.subscription_status IS NULL OR NOT (c.subscription_status = ANY(${list}::text[])))`
    case 'any_in':
      return `c.subscription_statuses && ${list}::text[]`
    case 'none_in':
      return `NOT (c.subscription_statuses && ${list}::text[])`
  }
}

function compileEvent(c: EventCondition, ctx: CompileContext, p: SqlParams): string {
  const table = c.source === 'billing' ? 'billing_events' : 'activity_events'
  const nameColumn = c.source === 'billing' ? 'type' : 'name'
  const from = p.add(new Date(ctx.now.getTime() - c.days * DAY_MS).toISOString())
  const to = p.add(ctx.now.toISOString())
  const name = p.add(c.name)
  const where = `e.contact_id = c.id AND e.workspace_id = c.workspace_id AND e.${nameColumn} = ${name} AND e.occurred_at >= ${from}::timestamp AND e.occurred_at <= ${to}::timestamp`
  if (c.operator === 'did_not') return `NOT EXISTS (SELECT 1 FROM ${table} e WHERE ${where})`
  if (c.count <= 1) return `EXISTS (SELECT 1 FROM ${table} e WHERE ${where})`
  // LIMIT stops counting at N: "at least N" never reads a contact's whole history.
  const n = p.add(c.count)
  return `(SELECT count(*) FROM (SELECT 1 FROM ${table} e WHERE ${where} LIMIT ${n}::int) n) >= ${n}::int`
}

/** SQL for the attribute's value, typed for its comparisons. */
export function valueExpression(attribute: CatalogAttribute, p: SqlParams): { expr: string; raw?: string; isColumn: boolean } {
  const loc = attribute.location
  if ('column' in loc) {
    if (!(contactColumns as readonly string[]).includes(loc.column)) throw new Error(`Column ${loc.column} is not in the whitelist`)
    return { expr: `c.${loc.column}`, isColumn: true }
  }
  const json = loc.json === 'attributes' ? 'c.attributes' : 'c.custom_attributes'
  const key = `${p.add(loc.key)}::text`
  const raw = `${json}->${key}`
  switch (attribute.type) {
    case 'number':
    case 'money':
      return { expr: `(CASE WHEN jsonb_typeof(${raw}) = 'number' THEN (${json}->>${key})::numeric END)`, raw, isColumn: false }
    case 'date':
      return { expr: `churnless_try_utc_timestamp(${json}->>${key})`, raw, isColumn: false }
    case 'boolean':
      return { expr: raw, raw, isColumn: false }
    default:
      return { expr: `(${json}->>${key})`, raw, isColumn: false }
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

function compileAttribute(c: AttributeCondition, attribute: CatalogAttribute, ctx: CompileContext, p: SqlParams): string {
  const { expr, raw, isColumn } = valueExpression(attribute, p)
  const isSet = raw ? `(${raw} IS NOT NULL AND jsonb_typeof(${raw}) <> 'null'${attribute.type === 'string' ? ` AND ${expr} <> ''` : ''})` : `(${expr} IS NOT NULL${attribute.type === 'string' ? ` AND ${expr} <> ''` : ''})`
  switch (c.type) {
    case 'string': {
      switch (c.operator) {
        case 'equals':
          return `${expr} = ${p.add(c.value ?? '')}::text`
        case 'not_equals':
          return `${expr} IS DISTINCT FROM ${p.add(c.value ?? '')}::text`
        case 'contains':
          return `${expr} ILIKE '%' || ${p.add(escapeLike(c.value ?? ''))}::text || '%'`
        case 'starts_with':
          return `${expr} ILIKE ${p.add(escapeLike(c.value ?? ''))}::text || '%'`
        case 'is_set':
          return isSet
        case 'is_not_set':
          return `NOT ${isSet}`
      }
      break
    }
    case 'number':
    case 'money': {
      // Typed columns are integers: whole values compare as bigint so btree indexes (and
      // partial-index predicates such as `active_subscription_count > 0`) apply.
      const whole = Number.isSafeInteger(c.value ?? 0) && Number.isSafeInteger(c.valueTo ?? 0)
      const cast = isColumn && whole ? 'bigint' : 'numeric'
      const v = () => `${p.add(String(c.value))}::${cast}`
      switch (c.operator) {
        case 'eq':
          return `${expr} = ${v()}`
        case 'neq':
          return `${expr} IS DISTINCT FROM ${v()}`
        case 'lt':
          return `${expr} < ${v()}`
        case 'lte':
          return `${expr} <= ${v()}`
        case 'gt':
          return `${expr} > ${v()}`
        case 'gte':
          return `${expr} >= ${v()}`
        case 'between':
          return `${expr} BETWEEN ${v()} AND ${p.add(String(c.valueTo))}::${cast}`
        case 'is_set':
          return isSet
        case 'is_not_set':
          return `NOT ${isSet}`
      }
      break
    }
    case 'date': {
      const at = (ms: number) => `${p.add(new Date(ms).toISOString())}::timestamp`
      const now = ctx.now.getTime()
      switch (c.operator) {
        case 'before':
          return `${expr} < ${at(Date.parse(c.value as string))}`
        case 'after': {
          // "after 2026-03-01" means from the next day on; a full timestamp means strictly after it.
          const value = c.value as string
          return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${expr} >= ${at(Date.parse(value) + DAY_MS)}` : `${expr} > ${at(Date.parse(value))}`
        }
        case 'within_last_days':
          return `(${expr} >= ${at(now - (c.days ?? 0) * DAY_MS)} AND ${expr} <= ${at(now)})`
        case 'more_than_days_ago':
          return `${expr} < ${at(now - (c.days ?? 0) * DAY_MS)}`
        case 'in_next_days':
          return `(${expr} > ${at(now)} AND ${expr} <= ${at(now + (c.days ?? 0) * DAY_MS)})`
        case 'is_set':
          return isSet
        case 'is_not_set':
          return `NOT ${isSet}`
      }
      break
    }
    case 'boolean':
      if (raw) return c.operator === 'is_true' ? `${raw} = 'true'::jsonb` : `${raw} = 'false'::jsonb`
      return c.operator === 'is_true' ? `${expr} = TRUE` : `${expr} = FALSE`
  }
  throw new Error(`Unhandled operator ${(c as { operator: string }).operator}`)
}

/** money and number compare alike; every other type must match exactly. */
function typesAgree(actual: string, stored: string) {
  return actual === stored || ((actual === 'number' || actual === 'money') && (stored === 'number' || stored === 'money'))
}

function walk(node: RuleNode, path: string, visit: (node: Condition, path: string) => void) {
  if (node.kind === 'group') {
    node.conditions.forEach((child, i) => {
      walk(child, path ? `${path}.conditions.${i}` : `conditions.${i}`, visit)
    })
    return
  }
  visit(node, path)
}

/**
 * What makes a rule's answer change with time alone (SPEC F19 "time-based edges"): each
 * relative date condition and each event window. The sweep re-checks only contacts whose value
 * sits at such an edge between its last run and now.
 */
export type TimeEdge =
  | { kind: 'attribute'; attribute: CatalogAttribute; operator: 'within_last_days' | 'more_than_days_ago' | 'in_next_days'; days: number }
  | { kind: 'event'; source: 'billing' | 'activity'; name: string; days: number }

export function timeEdgesOf(rule: Rule, catalog: AttributeCatalog): TimeEdge[] {
  const edges: TimeEdge[] = []
  walk(rule.root, '', (node) => {
    if (node.kind === 'event') edges.push({ kind: 'event', source: node.source, name: node.name, days: node.days })
    if (node.kind === 'attribute' && node.type === 'date' && (node.operator === 'within_last_days' || node.operator === 'more_than_days_ago' || node.operator === 'in_next_days')) {
      const attribute = catalog.get(node.attribute)
      if (attribute) edges.push({ kind: 'attribute', attribute, operator: node.operator, days: node.days ?? 0 })
    }
  })
  return edges
}

/**
 * What changed on some contacts (carried by `contact/updated`): Stripe-derived data (any Stripe
 * attribute, status, link), attributes by catalog name (own and custom, e.g. "last_activity_at"),
 * tracked activity names and billing event types recorded.
 */
export type ContactChanges = { stripe?: boolean; attributes?: readonly string[]; activity?: readonly string[]; billing?: readonly string[] }

/** What a rule reads, in the terms of ContactChanges. */
export type RuleDependencies = { stripe: boolean; attributes: Set<string>; activity: Set<string>; billing: Set<string> }

/** Own attributes the Stripe sync also writes (identity and link), besides the Stripe ones. */
const syncWrittenOwnAttributes = new Set(['email', 'name', 'external_id', 'is_stripe_linked'])

export function dependenciesOf(rule: Rule, catalog: AttributeCatalog): RuleDependencies {
  const deps: RuleDependencies = { stripe: false, attributes: new Set(), activity: new Set(), billing: new Set() }
  walk(rule.root, '', (node) => {
    if (node.kind === 'subscription_status') deps.stripe = true
    else if (node.kind === 'event') (node.source === 'billing' ? deps.billing : deps.activity).add(node.name)
    else {
      deps.attributes.add(node.attribute)
      const source = catalog.get(node.attribute)?.source
      // An unknown attribute cannot compile; count it as Stripe data so nothing is skipped silently.
      if (source === undefined || source === 'stripe' || source === 'metadata' || syncWrittenOwnAttributes.has(node.attribute)) deps.stripe = true
    }
  })
  return deps
}

/**
 * Whether `changes` could alter a rule's answer for a contact (SPEC F19: re-evaluate only the
 * segments a change could affect). Time alone moving a relative date is the sweep's job.
 */
export function couldAffect(deps: RuleDependencies, changes: ContactChanges): boolean {
  if (changes.stripe && deps.stripe) return true
  const hits = (names: readonly string[] | undefined, wanted: Set<string>) => (names ?? []).some((n) => wanted.has(n))
  return hits(changes.attributes, deps.attributes) || hits(changes.activity, deps.activity) || hits(changes.billing, deps.billing)
}
