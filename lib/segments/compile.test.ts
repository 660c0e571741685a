import { describe, expect, test } from 'vitest'
import { buildAttributeCatalog } from './attributes'
import { checkRule, compileRule, couldAffect, dependenciesOf, RuleError, SqlParams, timeEdgesOf } from './compile'
import { type Condition, RULE_VERSION, type Rule, type RuleNode } from './rule-schema'

// The compiler's SQL for every operator and nesting shape, with a fixed `now`. Values are
// always parameters; identifiers come from the whitelist or are JSON keys passed as parameters.
const now = new Date('2026-03-01T12:00:00.000Z')
const catalog = buildAttributeCatalog({
  mappings: [],
  customKeys: [
    { key: 'plan', type: 'string' },
    { key: 'seats', type: 'number' },
    { key: 'renews_on', type: 'date' },
    { key: 'vip', type: 'boolean' },
  ],
})
const rule = (...conditions: RuleNode[]): Rule => ({ version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions } })
const compile = (r: Rule) => {
  const p = new SqlParams(['ws'])
  return { sql: compileRule(r, { catalog, now }, p), params: p.values.slice(1) }
}
const one = (c: Condition) => compile(rule(c))

describe('text operators', () => {
  test.each([
    ['equals', 'Ann', 'c.name = $2::text', ['Ann']],
    ['not_equals', 'Ann', 'c.name IS DISTINCT FROM $2::text', ['Ann']],
    ['contains', '50%_off', "c.name ILIKE '%' || $2::text || '%'", ['50\\%\\_off']],
    ['starts_with', 'An', "c.name ILIKE $2::text || '%'", ['An']],
    ['is_set', undefined, "(c.name IS NOT NULL AND c.name <> '')", []],
    ['is_not_set', undefined, "NOT (c.name IS NOT NULL AND c.name <> '')", []],
  ] as const)('%s on a typed column', (operator, value, sql, params) => {
    expect(one({ kind: 'attribute', attribute: 'name', type: 'string', operator, value })).toEqual({ sql, params })
  })

  test('a JSON attribute reads its key as a parameter', () => {
    expect(one({ kind: 'attribute', attribute: 'plan', type: 'string', operator: 'equals', value: 'pro' })).toEqual({ sql: '(c.custom_attributes->>$2::text) = $3::text', params: ['plan', 'pro'] })
    expect(one({ kind: 'attribute', attribute: 'stripe_address_country', type: 'string', operator: 'is_set' })).toEqual({
      sql: "(c.attributes->$2::text IS NOT NULL AND jsonb_typeof(c.attributes->$2::text) <> 'null' AND (c.attributes->>$2::text) <> '')",
      params: ['stripe_address_country'],
    })
  })
})

describe('number and money operators', () => {
  test.each([
    ['eq', 'c.mrr = $2::bigint'],
    ['neq', 'c.mrr IS DISTINCT FROM $2::bigint'],
    ['lt', 'c.mrr < $2::bigint'],
    ['lte', 'c.mrr <= $2::bigint'],
    ['gt', 'c.mrr > $2::bigint'],
    ['gte', 'c.mrr >= $2::bigint'],
  ] as const)('money %s on the typed bigint column', (operator, sql) => {
    expect(one({ kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator, value: 10000 })).toEqual({ sql, params: ['10000'] })
  })

  test('between is inclusive; is_set / is_not_set', () => {
    expect(one({ kind: 'attribute', attribute: 'stripe_subscription_count', type: 'number', operator: 'between', value: 2, valueTo: 5 })).toEqual({ sql: 'c.subscription_count BETWEEN $2::bigint AND $3::bigint', params: ['2', '5'] })
    expect(one({ kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'is_not_set' }).sql).toBe('NOT (c.mrr IS NOT NULL)')
  })

  test('number is set / is not set, on a typed column and on a JSON number', () => {
    expect(one({ kind: 'attribute', attribute: 'stripe_subscription_count', type: 'number', operator: 'is_set' })).toEqual({ sql: '(c.subscription_count IS NOT NULL)', params: [] })
    expect(one({ kind: 'attribute', attribute: 'seats', type: 'number', operator: 'is_set' })).toEqual({
      sql: "(c.custom_attributes->$2::text IS NOT NULL AND jsonb_typeof(c.custom_attributes->$2::text) <> 'null')",
      params: ['seats'],
    })
  })

  test('a fractional value on an integer column compares as numeric', () => {
    expect(one({ kind: 'attribute', attribute: 'stripe_subscription_count', type: 'number', operator: 'gt', value: 1.5 })).toEqual({ sql: 'c.subscription_count > $2::numeric', params: ['1.5'] })
  })

  test('a JSON number is compared only when it is a JSON number', () => {
    expect(one({ kind: 'attribute', attribute: 'seats', type: 'number', operator: 'gte', value: 10 })).toEqual({
      sql: "(CASE WHEN jsonb_typeof(c.custom_attributes->$2::text) = 'number' THEN (c.custom_attributes->>$2::text)::numeric END) >= $3::numeric",
      params: ['seats', '10'],
    })
  })
})

describe('date operators, relative to the injected now (2026-03-01T12:00Z)', () => {
  const date = (operator: Condition & { type: 'date' } extends infer C ? (C extends { operator: infer O } ? O : never) : never, extra: object = {}) =>
    one({ kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator, ...extra } as Condition)
  test('before a day: before its first instant', () => {
    expect(date('before', { value: '2026-02-01' })).toEqual({ sql: 'c.last_activity_at < $2::timestamp', params: ['2026-02-01T00:00:00.000Z'] })
  })
  test('after a day: from the next day on', () => {
    expect(date('after', { value: '2026-02-01' })).toEqual({ sql: 'c.last_activity_at >= $2::timestamp', params: ['2026-02-02T00:00:00.000Z'] })
  })
  test('within the last 7 days: [now − 7 d, now]', () => {
    expect(date('within_last_days', { days: 7 })).toEqual({ sql: '(c.last_activity_at >= $2::timestamp AND c.last_activity_at <= $3::timestamp)', params: ['2026-02-22T12:00:00.000Z', '2026-03-01T12:00:00.000Z'] })
  })
  test('more than 15 days ago: before now − 15 d', () => {
    expect(date('more_than_days_ago', { days: 15 })).toEqual({ sql: 'c.last_activity_at < $2::timestamp', params: ['2026-02-14T12:00:00.000Z'] })
  })
  test('in the next 3 days: (now, now + 3 d]', () => {
    expect(date('in_next_days', { days: 3 })).toEqual({ sql: '(c.last_activity_at > $2::timestamp AND c.last_activity_at <= $3::timestamp)', params: ['2026-03-01T12:00:00.000Z', '2026-03-04T12:00:00.000Z'] })
  })
  test('is set; a JSON date goes through the tolerant cast', () => {
    expect(date('is_set')).toEqual({ sql: '(c.last_activity_at IS NOT NULL)', params: [] })
    expect(one({ kind: 'attribute', attribute: 'renews_on', type: 'date', operator: 'more_than_days_ago', days: 1 })).toEqual({
      sql: 'churnless_try_utc_timestamp(c.custom_attributes->>$2::text) < $3::timestamp',
      params: ['renews_on', '2026-02-28T12:00:00.000Z'],
    })
  })
  test('is not set, on a column and on a JSON date (JSON null counts as not set)', () => {
    expect(date('is_not_set')).toEqual({ sql: 'NOT (c.last_activity_at IS NOT NULL)', params: [] })
    expect(one({ kind: 'attribute', attribute: 'renews_on', type: 'date', operator: 'is_not_set' })).toEqual({
      sql: "NOT (c.custom_attributes->$2::text IS NOT NULL AND jsonb_typeof(c.custom_attributes->$2::text) <> 'null')",
      params: ['renews_on'],
    })
  })
})

describe('boolean, status and event conditions', () => {
  test('booleans on a column and in JSON', () => {
    expect(one({ kind: 'attribute', attribute: 'is_stripe_linked', type: 'boolean', operator: 'is_true' }).sql).toBe('c.is_stripe_linked = TRUE')
    expect(one({ kind: 'attribute', attribute: 'vip', type: 'boolean', operator: 'is_false' })).toEqual({ sql: "c.custom_attributes->$2::text = 'false'::jsonb", params: ['vip'] })
  })
  test('status in / not in a set (an array parameter)', () => {
    expect(one({ kind: 'subscription_status', operator: 'in', statuses: ['active', 'past_due'] })).toEqual({ sql: 'c.subscription_status = ANY($2::text[])', params: [['active', 'past_due']] })
    expect(one({ kind: 'subscription_status', operator: 'not_in', statuses: ['canceled'] }).sql).toBe('(c.subscription_status IS NULL OR NOT (c.subscription_status = ANY($2::text[])))')
  })
  test('has any / has none of a set, over every subscription; the set in one canonical order (index predicates)', () => {
    expect(one({ kind: 'subscription_status', operator: 'any_in', statuses: ['past_due', 'active'] })).toEqual({ sql: 'c.subscription_statuses && $2::text[]', params: [['active', 'past_due']] })
    expect(one({ kind: 'subscription_status', operator: 'none_in', statuses: ['past_due', 'trialing', 'active'] })).toEqual({ sql: 'NOT (c.subscription_statuses && $2::text[])', params: [['trialing', 'active', 'past_due']] })
  })
  test('did X at least 3 times in the last 30 days counts no further than 3', () => {
    expect(one({ kind: 'event', source: 'billing', name: 'invoice.payment_failed', operator: 'did', count: 3, days: 30 })).toEqual({
      sql: '(SELECT count(*) FROM (SELECT 1 FROM billing_events e WHERE e.contact_id = c.id AND e.workspace_id = c.workspace_id AND e.type = $4 AND e.occurred_at >= $2::timestamp AND e.occurred_at <= $3::timestamp LIMIT $5::int) n) >= $5::int',
      params: ['2026-01-30T12:00:00.000Z', '2026-03-01T12:00:00.000Z', 'invoice.payment_failed', 3],
    })
  })
  test('did once / did not, over tracked activity', () => {
    expect(one({ kind: 'event', source: 'activity', name: 'login', operator: 'did', count: 1, days: 7 }).sql).toMatch(/^EXISTS \(SELECT 1 FROM activity_events e WHERE .* e\.name = \$4/)
    expect(one({ kind: 'event', source: 'activity', name: 'login', operator: 'did_not', count: 1, days: 7 }).sql).toMatch(/^NOT EXISTS \(SELECT 1 FROM activity_events e/)
  })
})

describe('nesting shapes', () => {
  const status: Condition = { kind: 'subscription_status', operator: 'in', statuses: ['trialing'] }
  const linked = { kind: 'attribute', attribute: 'is_stripe_linked', type: 'boolean', operator: 'is_true' } as const
  test('an empty rule matches everyone; one condition needs no parentheses', () => {
    expect(compile(rule()).sql).toBe('TRUE')
    expect(compile(rule(linked)).sql).toBe('c.is_stripe_linked = TRUE')
  })
  test('AND of an OR group, parameters numbered in order', () => {
    const r = rule(status, { kind: 'group', combinator: 'or', conditions: [linked, { kind: 'attribute', attribute: 'name', type: 'string', operator: 'equals', value: 'x' }] })
    expect(compile(r)).toEqual({ sql: '(c.subscription_status = ANY($2::text[]) AND (c.is_stripe_linked = TRUE OR c.name = $3::text))', params: [['trialing'], 'x'] })
  })
  test('OR at the top, three levels deep, empty inner group', () => {
    const r: Rule = { version: 1, root: { kind: 'group', combinator: 'or', conditions: [linked, { kind: 'group', combinator: 'and', conditions: [status, { kind: 'group', combinator: 'or', conditions: [] }] }] } }
    expect(compile(r).sql).toBe('(c.is_stripe_linked = TRUE OR (c.subscription_status = ANY($2::text[]) AND TRUE))')
  })
})

describe('injection attempts are inert and unknown identifiers are refused', () => {
  const linked = { kind: 'attribute', attribute: 'is_stripe_linked', type: 'boolean', operator: 'is_true' } as const
  test('a value is only ever a parameter', () => {
    const evil = "x'; DROP TABLE contacts; --"
    const out = one({ kind: 'attribute', attribute: 'email', type: 'string', operator: 'equals', value: evil })
    expect(out.sql).toBe('c.email = $2::text')
    expect(out.sql).not.toContain('DROP')
    expect(out.params).toEqual([evil])
  })
  test('an attribute name that is not in the catalog is refused, naming it', () => {
    const evil = 'email = email; DROP TABLE contacts; --'
    expect(() => one({ kind: 'attribute', attribute: evil, type: 'string', operator: 'is_set' })).toThrow(RuleError)
    expect(() => one({ kind: 'attribute', attribute: evil, type: 'string', operator: 'is_set' })).toThrow(`The attribute "${evil}" does not exist in this workspace`)
  })
  test('a condition whose type no longer matches the attribute is reported on its path', () => {
    const checked = checkRule(rule(linked, { kind: 'attribute', attribute: 'stripe_mrr', type: 'date', operator: 'is_set' }), catalog)
    expect(checked).toEqual({ ok: false, issues: [{ path: 'conditions.1', message: expect.stringContaining('"stripe_mrr" is now money') }] })
  })
  test('malformed values are named with the condition they belong to', () => {
    const checked = checkRule(rule(linked, { kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'between', value: 5000 } as Condition), catalog)
    expect(checked).toEqual({ ok: false, issues: [{ path: 'conditions.1', message: 'Enter both ends of the range for "stripe_mrr".' }] })
    const bad = checkRule({ version: 1, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'subscription_status', operator: 'in', statuses: [] }] } }, catalog)
    expect(bad).toEqual({ ok: false, issues: [{ path: 'conditions.0', message: 'statuses: Pick at least one status.' }] })
  })
})

test('time edges: relative dates and event windows, not absolute dates', () => {
  const r = rule(
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'more_than_days_ago', days: 15 },
    { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'before', value: '2026-01-01' },
    { kind: 'event', source: 'billing', name: 'charge.failed', operator: 'did_not', count: 1, days: 7 },
  )
  expect(timeEdgesOf(r, catalog).map((e) => (e.kind === 'event' ? `event:${e.name}:${e.days}` : `${e.attribute.name}:${e.operator}:${e.days}`))).toEqual(['last_activity_at:more_than_days_ago:15', 'event:charge.failed:7'])
})

describe('which changes could affect a rule (selective re-evaluation, F19)', () => {
  const deps = (...conditions: RuleNode[]) => dependenciesOf(rule(...conditions), catalog)
  const status: Condition = { kind: 'subscription_status', operator: 'any_in', statuses: ['past_due'] }
  const mrr: Condition = { kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'gt', value: 100 }
  const plan: Condition = { kind: 'attribute', attribute: 'plan', type: 'string', operator: 'equals', value: 'pro' }
  const active: Condition = { kind: 'attribute', attribute: 'last_activity_at', type: 'date', operator: 'more_than_days_ago', days: 15 }
  const failed: Condition = { kind: 'event', source: 'billing', name: 'invoice.payment_failed', operator: 'did', count: 1, days: 30 }
  const exported: Condition = { kind: 'event', source: 'activity', name: 'Exported', operator: 'did_not', count: 1, days: 7 }
  const email: Condition = { kind: 'attribute', attribute: 'email', type: 'string', operator: 'contains', value: '@acme' }
  test.each([
    ['status ← Stripe data', [status], { stripe: true }, true],
    ['status ← activity', [status], { attributes: ['last_activity_at'], activity: ['Exported'] }, false],
    ['Stripe money attribute ← Stripe data', [mrr], { stripe: true }, true],
    ['custom attribute ← that key', [plan], { attributes: ['plan'] }, true],
    ['custom attribute ← another key', [plan], { attributes: ['seats'] }, false],
    ['custom attribute ← Stripe data', [plan], { stripe: true }, false],
    ['last activity ← track', [active], { attributes: ['last_activity_at'], activity: ['Signed in'] }, true],
    ['billing event ← that type', [failed], { stripe: true, billing: ['invoice.payment_failed'] }, true],
    ['billing event ← another type, no Stripe attribute read', [failed], { billing: ['charge.succeeded'] }, false],
    ['"did not" activity ← that name', [exported], { activity: ['Exported'] }, true],
    ['email (written by the sync and by identify) ← Stripe data', [email], { stripe: true }, true],
    ['email ← identify', [email], { attributes: ['email', 'name'] }, true],
    ['an OR of unrelated and related', [{ kind: 'group', combinator: 'or', conditions: [plan, failed] } as RuleNode], { billing: ['invoice.payment_failed'] }, true],
  ] as const)('%s', (_, conditions, changes, expected) => {
    expect(couldAffect(deps(...(conditions as readonly RuleNode[])), changes)).toBe(expected)
  })
})
