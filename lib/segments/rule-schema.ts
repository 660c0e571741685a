import { z } from 'zod'

// A segment's rule (SPEC F17): a typed, versioned tree stored as JSON on `segments.rule` and
// validated again whenever it is read back (`parseStoredRule`). Version 1 is the first format;
// a version 2 adds an upgrader in `parseStoredRule` and bumps RULE_VERSION.
//
// Values are what the database compares: money in minor units (4900 for 49.00; the builder
// converts), dates as ISO 8601 strings, day counts as whole days relative to an injected `now`.

export const RULE_VERSION = 1

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'paused', 'canceled', 'incomplete_expired'] as const
export type SubscriptionStatus = (typeof subscriptionStatuses)[number]

export const textOperators = ['equals', 'not_equals', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const
export const numberOperators = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'is_set', 'is_not_set'] as const
export const dateOperators = ['before', 'after', 'within_last_days', 'more_than_days_ago', 'in_next_days', 'is_set', 'is_not_set'] as const
export const booleanOperators = ['is_true', 'is_false'] as const

const days = z.number().int('Enter a whole number of days.').min(0, 'Days cannot be negative.').max(36_500, 'At most 36,500 days (100 years).')
const finite = z.number().refine(Number.isFinite, 'Enter a number.')
const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s)), 'Enter a date (YYYY-MM-DD).')
const attributeName = z.string().min(1, 'Choose an attribute.').max(100)

// Conditions on an attribute. `type` is part of the stored condition so a condition is checked
// against the attribute's current type when read: an attribute re-mapped to another type is
// reported instead of silently compared the wrong way.
export const textConditionSchema = z.object({
  kind: z.literal('attribute'),
  attribute: attributeName,
  type: z.literal('string'),
  operator: z.enum(textOperators),
  value: z.string().max(1000).optional(),
})

export const numberConditionSchema = z.object({
  kind: z.literal('attribute'),
  attribute: attributeName,
  type: z.enum(['number', 'money']),
  operator: z.enum(numberOperators),
  value: finite.optional(),
  /** Upper bound for `between` (inclusive on both ends). */
  valueTo: finite.optional(),
})

export const dateConditionSchema = z.object({
  kind: z.literal('attribute'),
  attribute: attributeName,
  type: z.literal('date'),
  operator: z.enum(dateOperators),
  /** ISO date for before/after. */
  value: isoDate.optional(),
  /** Whole days for the relative operators. */
  days: days.optional(),
})

export const booleanConditionSchema = z.object({
  kind: z.literal('attribute'),
  attribute: attributeName,
  type: z.literal('boolean'),
  operator: z.enum(booleanOperators),
})

export const attributeConditionSchema = z.discriminatedUnion('type', [textConditionSchema, numberConditionSchema, dateConditionSchema, booleanConditionSchema])

/**
 * in / not_in: the status of "the" subscription (F8) is / is not one of these.
 * any_in / none_in: the contact has a subscription in one of these / has none in any of them,
 * across ALL its subscriptions and customers (SPEC F18: "… and none active/trialing/past_due").
 */
export const statusOperators = ['in', 'not_in', 'any_in', 'none_in'] as const

export const statusConditionSchema = z.object({
  kind: z.literal('subscription_status'),
  operator: z.enum(statusOperators),
  statuses: z.array(z.enum(subscriptionStatuses)).min(1, 'Pick at least one status.'),
})

/** "did X at least N times in the last D days" / "did not do X in the last D days". */
export const eventConditionSchema = z.object({
  kind: z.literal('event'),
  /** billing: `billing_events.type` (F15); activity: `activity_events.name` (F16). */
  source: z.enum(['billing', 'activity']),
  name: z.string().min(1, 'Choose an event.').max(200),
  operator: z.enum(['did', 'did_not']),
  /** At least this many times (only for `did`). */
  count: z.number().int('Enter a whole number.').min(1, 'At least once.').max(10_000).default(1),
  days: days.min(1, 'At least 1 day.'),
})

export type TextCondition = z.infer<typeof textConditionSchema>
export type NumberCondition = z.infer<typeof numberConditionSchema>
export type DateCondition = z.infer<typeof dateConditionSchema>
export type BooleanCondition = z.infer<typeof booleanConditionSchema>
export type AttributeCondition = z.infer<typeof attributeConditionSchema>
export type StatusCondition = z.infer<typeof statusConditionSchema>
export type EventCondition = z.infer<typeof eventConditionSchema>
export type Condition = AttributeCondition | StatusCondition | EventCondition

export type RuleGroup = { kind: 'group'; combinator: 'and' | 'or'; conditions: RuleNode[] }
export type RuleNode = RuleGroup | Condition

export const MAX_DEPTH = 5
export const MAX_CONDITIONS = 50

const conditionSchema = z.union([attributeConditionSchema, statusConditionSchema, eventConditionSchema])

export const ruleGroupSchema: z.ZodType<RuleGroup> = z.lazy(() =>
  z.object({
    kind: z.literal('group'),
    combinator: z.enum(['and', 'or']),
    conditions: z.array(z.union([ruleGroupSchema, conditionSchema])).max(MAX_CONDITIONS, `At most ${MAX_CONDITIONS} conditions in a group.`),
  }),
)

export const ruleSchema = z.object({
  version: z.literal(RULE_VERSION),
  root: ruleGroupSchema,
})
export type Rule = z.infer<typeof ruleSchema>

/** An empty rule (matches every contact of the workspace). */
export function emptyRule(): Rule {
  return { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [] } }
}

export type RuleIssue = {
  /** Dotted path of the node inside `root`, e.g. "conditions.1.conditions.0" ("" = the rule). */
  path: string
  message: string
}

/** Structure check (zod) plus the checks zod cannot express: depth, operator-specific values. */
export function checkRuleShape(input: unknown): { ok: true; rule: Rule } | { ok: false; issues: RuleIssue[] } {
  const parsed = ruleSchema.safeParse(input)
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => {
        const path = i.path.map(String)
        if (path[0] === 'root') path.shift()
        // Point at the condition, not at its field, so the builder can mark the row.
        return { path: nodePathOf(path), message: `${describeField(path)}${i.message}` }
      }),
    }
  }
  const issues: RuleIssue[] = []
  let total = 0
  const walk = (node: RuleNode, path: string, depth: number) => {
    if (node.kind === 'group') {
      if (depth > MAX_DEPTH) issues.push({ path, message: `Groups nest at most ${MAX_DEPTH} levels deep.` })
      node.conditions.forEach((child, i) => {
        walk(child, path ? `${path}.conditions.${i}` : `conditions.${i}`, depth + 1)
      })
      return
    }
    total += 1
    const problem = valueProblem(node)
    if (problem) issues.push({ path, message: problem })
  }
  walk(parsed.data.root, '', 1)
  if (total > MAX_CONDITIONS) issues.push({ path: '', message: `A rule has at most ${MAX_CONDITIONS} conditions; this one has ${total}.` })
  return issues.length ? { ok: false, issues } : { ok: true, rule: parsed.data }
}

function valueProblem(c: Condition): string | null {
  if (c.kind !== 'attribute') return null
  switch (c.type) {
    case 'string':
      if (['equals', 'not_equals', 'contains', 'starts_with'].includes(c.operator) && (c.value === undefined || (c.operator !== 'equals' && c.operator !== 'not_equals' && c.value === '')))
        return `Enter the text to compare "${c.attribute}" with.`
      return null
    case 'number':
    case 'money':
      if (c.operator === 'is_set' || c.operator === 'is_not_set') return null
      if (c.value === undefined) return `Enter a number to compare "${c.attribute}" with.`
      if (c.operator === 'between') {
        if (c.valueTo === undefined) return `Enter both ends of the range for "${c.attribute}".`
        if (c.valueTo < c.value) return `The range for "${c.attribute}" ends before it starts (${c.value} to ${c.valueTo}).`
      }
      if (c.type === 'money' && (!Number.isSafeInteger(c.value) || (c.valueTo !== undefined && !Number.isSafeInteger(c.valueTo))))
        return `"${c.attribute}" is money: amounts are whole minor units (4900 for 49.00).`
      return null
    case 'date':
      if ((c.operator === 'before' || c.operator === 'after') && c.value === undefined) return `Pick a date for "${c.attribute}".`
      if (['within_last_days', 'more_than_days_ago', 'in_next_days'].includes(c.operator) && c.days === undefined) return `Enter a number of days for "${c.attribute}".`
      return null
    case 'boolean':
      return null
  }
}

function nodePathOf(path: string[]): string {
  // Keep "conditions.N" pairs only: the deepest node the issue belongs to.
  const out: string[] = []
  for (let i = 0; i + 1 < path.length; i += 2) {
    if (path[i] === 'conditions' && /^\d+$/.test(path[i + 1] ?? '')) out.push('conditions', path[i + 1] as string)
    else break
  }
  return out.join('.')
}

function describeField(path: string[]): string {
  const last = path[path.length - 1]
  return last && !/^\d+$/.test(last) && last !== 'conditions' ? `${last}: ` : ''
}

export type ParsedRule = { ok: true; rule: Rule } | { ok: false; message: string; issues: RuleIssue[] }

/** Reads a rule back from `segments.rule` (JSON value or text) and validates it again. */
export function parseStoredRule(json: unknown): ParsedRule {
  let value = json
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return { ok: false, message: 'The stored rule is not valid JSON; reset the segment or rebuild its rule.', issues: [] }
    }
  }
  const version = (value as { version?: unknown } | null)?.version
  if (typeof version === 'number' && version > RULE_VERSION) {
    return { ok: false, message: `The stored rule is version ${version}, newer than this Churnless (version ${RULE_VERSION}); upgrade Churnless.`, issues: [] }
  }
  const checked = checkRuleShape(value)
  if (!checked.ok) return { ok: false, message: `The stored rule is invalid: ${checked.issues[0]?.message ?? 'unknown problem'}`, issues: checked.issues }
  return checked
}
