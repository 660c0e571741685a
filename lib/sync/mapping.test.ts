import { describe, expect, test } from 'vitest'
import { deriveAttributes } from './attributes'
import { fieldCatalog } from './fields'
import {
  applyMapping,
  castMetadataValue,
  defaultMapping,
  type Mapping,
  type MappingErrorCode,
  mappingSchema,
  parseStoredMapping,
  validateMapping,
} from './mapping'
import { buildBundle, NOW } from './test-fixtures'

const withField = (key: string, patch: Partial<Mapping['fields'][number]>): Mapping => {
  const m = defaultMapping()
  m.fields = m.fields.map((f) => (f.key === key ? { ...f, ...patch } : f))
  return m
}
const withMetadata = (...rows: Mapping['metadata']): Mapping => ({ ...defaultMapping(), metadata: rows })

describe('defaultMapping', () => {
  test('every catalog field on, with its stripe_ target, and it validates', () => {
    const m = defaultMapping()
    expect(mappingSchema.parse(m)).toEqual(m)
    expect(m.fields).toHaveLength(fieldCatalog.length)
    expect(m.fields.every((f) => f.enabled && f.target.startsWith('stripe_'))).toBe(true)
    expect(validateMapping(m)).toEqual({ ok: true, errors: [] })
  })
})

describe('validateMapping', () => {
  const cases: Array<{ name: string; mapping: Mapping; existing?: Record<string, 'string' | 'number' | 'boolean' | 'date' | 'money'>; code: MappingErrorCode; section: 'fields' | 'metadata'; message: RegExp }> = [
    { name: 'duplicate target between two fields', mapping: withField('customer.name', { target: 'stripe_email' }), code: 'duplicate_target', section: 'fields', message: /already used by the field customer\.email/ },
    { name: 'duplicate target between a field and metadata', mapping: withMetadata({ key: 'plan', target: 'stripe_mrr', type: 'string' }), code: 'duplicate_target', section: 'metadata', message: /already used by the field customer\.mrr/ },
    { name: 'reserved name email', mapping: withField('customer.email', { target: 'email' }), code: 'reserved_target', section: 'fields', message: /reserved by Churnless/ },
    { name: 'reserved name last_activity_at', mapping: withMetadata({ key: 'seen', target: 'last_activity_at', type: 'date' }), code: 'reserved_target', section: 'metadata', message: /reserved/ },
    { name: 'reserved prefix churnless_', mapping: withField('customer.mrr', { target: 'churnless_mrr' }), code: 'reserved_target', section: 'fields', message: /"stripe_mrr"/ },
    { name: 'uppercase letters', mapping: withField('customer.mrr', { target: 'Stripe_MRR' }), code: 'invalid_target', section: 'fields', message: /lowercase letters, digits and underscores/ },
    { name: 'starts with a digit', mapping: withField('customer.mrr', { target: '1mrr' }), code: 'invalid_target', section: 'fields', message: /start with a letter/ },
    { name: 'hyphen', mapping: withField('customer.mrr', { target: 'stripe-mrr' }), code: 'invalid_target', section: 'fields', message: /not a valid attribute name/ },
    { name: '64 characters (63 max)', mapping: withField('customer.mrr', { target: `a${'b'.repeat(63)}` }), code: 'invalid_target', section: 'fields', message: /at most 63/ },
    { name: 'empty target', mapping: withField('customer.mrr', { target: '' }), code: 'invalid_target', section: 'fields', message: /Give the attribute a name/ },
    { name: 'type conflict with an existing number attribute', mapping: withField('customer.email', { target: 'score' }), existing: { score: 'number' }, code: 'type_conflict', section: 'fields', message: /already exists as number; this field is string/ },
    { name: 'metadata type conflict', mapping: withMetadata({ key: 'seats', target: 'seats', type: 'number' }), existing: { seats: 'string' }, code: 'type_conflict', section: 'metadata', message: /already exists as string/ },
    { name: 'unknown field key', mapping: { ...defaultMapping(), fields: [...defaultMapping().fields, { key: 'customer.shoe_size', target: 'stripe_shoe_size', enabled: true }] }, code: 'unknown_field', section: 'fields', message: /not a Stripe field/ },
    { name: 'field mapped twice', mapping: { ...defaultMapping(), fields: [...defaultMapping().fields, { key: 'customer.email', target: 'stripe_email_2', enabled: true }] }, code: 'duplicate_field', section: 'fields', message: /mapped twice/ },
    { name: 'metadata key empty', mapping: withMetadata({ key: '  ', target: 'plan_code', type: 'string' }), code: 'metadata_key_empty', section: 'metadata', message: /Enter the Stripe metadata key/ },
    { name: 'metadata key 41 characters (40 max)', mapping: withMetadata({ key: 'k'.repeat(41), target: 'long_key', type: 'string' }), code: 'metadata_key_too_long', section: 'metadata', message: /at most 40 characters/ },
    { name: 'metadata key mapped twice', mapping: withMetadata({ key: 'plan', target: 'plan_a', type: 'string' }, { key: 'plan', target: 'plan_b', type: 'string' }), code: 'duplicate_metadata_key', section: 'metadata', message: /already mapped/ },
  ]

  test.each(cases)('$name → $code', ({ mapping, existing, code, section, message }) => {
    const result = validateMapping(mapping, { existingAttributes: existing })
    expect(result.ok).toBe(false)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ code, section })
    expect(result.errors[0].message).toMatch(message)
  })

  test('the error names the row: index within its section', () => {
    const m = withMetadata({ key: 'a', target: 'ok_a', type: 'string' }, { key: 'b', target: 'Bad', type: 'string' })
    expect(validateMapping(m).errors[0]).toMatchObject({ section: 'metadata', index: 1, key: 'b', target: 'Bad' })
  })

  test.each([
    { name: 'a disabled field may share a target with an enabled one', mapping: withField('customer.name', { target: 'stripe_email', enabled: false }) },
    { name: 'an existing attribute of the same type is fine', mapping: withField('customer.mrr', { target: 'mrr' }), existing: { mrr: 'money' as const } },
    { name: 'renamed target 63 characters', mapping: withField('customer.mrr', { target: `a${'b'.repeat(62)}` }) },
    { name: 'metadata key 40 characters', mapping: withMetadata({ key: 'k'.repeat(40), target: 'long_key', type: 'string' }) },
  ])('valid: $name', ({ mapping, existing }) => {
    expect(validateMapping(mapping, { existingAttributes: existing })).toEqual({ ok: true, errors: [] })
  })
})

describe('applyMapping', () => {
  const derived = deriveAttributes(buildBundle(), { now: NOW })

  test('targets receive derived values; disabled fields are omitted; renamed targets used', () => {
    let m = withField('customer.phone', { enabled: false })
    m = { ...m, fields: m.fields.map((f) => (f.key === 'customer.email' ? { ...f, target: 'billing_email' } : f)) }
    const { attributes, problems } = applyMapping(m, derived, {})
    expect(attributes.billing_email).toBe('jenny@example.com')
    expect('stripe_email' in attributes).toBe(false)
    expect('stripe_phone' in attributes).toBe(false)
    expect(attributes.stripe_customer_id).toBe('cus_QXg1o8vcGmoR32')
    expect(attributes.stripe_last_synced_at).toBe('2026-03-15T12:00:00.000Z')
    expect(problems).toEqual([])
  })

  test('metadata cast to declared types; bad values null with a per-key problem; never throws', () => {
    const m = withMetadata(
      { key: 'seats', target: 'seats', type: 'number' },
      { key: 'vip', target: 'is_vip', type: 'boolean' },
      { key: 'renewal', target: 'renewal_at', type: 'date' },
      { key: 'ltv', target: 'ltv', type: 'money' },
      { key: 'plan', target: 'plan_code', type: 'string' },
      { key: 'missing', target: 'missing_attr', type: 'string' },
      { key: 'bad_seats', target: 'bad_seats', type: 'number' },
      { key: 'bad_ltv', target: 'bad_ltv', type: 'money' },
    )
    const { attributes, problems } = applyMapping(m, derived, {
      seats: '12',
      vip: 'Yes',
      renewal: '2026-04-01',
      ltv: '4900',
      plan: ' gold ',
      bad_seats: 'twelve',
      bad_ltv: '49.00',
    })
    expect(attributes).toMatchObject({
      seats: 12,
      is_vip: true,
      renewal_at: '2026-04-01T00:00:00.000Z',
      ltv: 4900,
      plan_code: ' gold ',
      missing_attr: null,
      bad_seats: null,
      bad_ltv: null,
    })
    expect(problems).toEqual([
      { key: 'bad_seats', target: 'bad_seats', type: 'number', value: 'twelve', message: '"twelve" is not a number.' },
      { key: 'bad_ltv', target: 'bad_ltv', type: 'money', value: '49.00', message: '"49.00" is not an amount in minor units: use a whole number such as 4900 for 49.00.' },
    ])
  })

  test('null metadata and prototype keys do not throw', () => {
    const m = withMetadata({ key: 'constructor', target: 'ctor', type: 'string' })
    expect(applyMapping(m, derived, null).attributes.ctor).toBeNull()
    expect(applyMapping(m, derived, {}).attributes.ctor).toBeNull()
  })
})

describe('castMetadataValue', () => {
  test.each([
    { raw: '3.5', type: 'number' as const, value: 3.5 },
    { raw: '-2', type: 'number' as const, value: -2 },
    { raw: '1e3', type: 'number' as const, value: 1000 },
    { raw: 'off', type: 'boolean' as const, value: false },
    { raw: '1', type: 'boolean' as const, value: true },
    { raw: '1773576000', type: 'date' as const, value: '2026-03-15T12:00:00.000Z' },
    { raw: '1773576000000', type: 'date' as const, value: '2026-03-15T12:00:00.000Z' },
    { raw: '2026-03-15T13:00:00+01:00', type: 'date' as const, value: '2026-03-15T12:00:00.000Z' },
    { raw: '-500', type: 'money' as const, value: -500 },
  ])('"$raw" as $type → $value', ({ raw, type, value }) => {
    expect(castMetadataValue(raw, type)).toEqual({ ok: true, value })
  })

  test.each([
    { raw: '12abc', type: 'number' as const },
    { raw: 'maybe', type: 'boolean' as const },
    { raw: 'next tuesday', type: 'date' as const },
    { raw: '2026', type: 'date' as const },
    { raw: '2026-13-45', type: 'date' as const },
    { raw: '49.5', type: 'money' as const },
    { raw: '99999999999999999999', type: 'money' as const },
  ])('"$raw" is not a $type', ({ raw, type }) => {
    expect(castMetadataValue(raw, type).ok).toBe(false)
  })
})

describe('parseStoredMapping', () => {
  test('round-trips the default mapping from JSON text with no changes', () => {
    expect(parseStoredMapping(JSON.stringify(defaultMapping()))).toEqual({ ok: true, mapping: defaultMapping(), changes: [] })
  })

  test('fields added to the catalog since saving are appended; retired keys dropped', () => {
    const stored = defaultMapping()
    stored.fields = stored.fields.filter((f) => f.key !== 'card.expires_at')
    stored.fields.push({ key: 'customer.retired_field', target: 'stripe_retired', enabled: true })
    const result = parseStoredMapping(stored)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.mapping.fields.find((f) => f.key === 'card.expires_at')).toEqual({ key: 'card.expires_at', target: 'stripe_card_expires_at', enabled: true })
    expect(result.mapping.fields.some((f) => f.key === 'customer.retired_field')).toBe(false)
    expect(result.changes).toEqual(['Dropped the field customer.retired_field, which Churnless no longer provides.', 'Added the new field card.expires_at as stripe_card_expires_at.'])
  })

  test('a new field whose default target is taken comes in switched off', () => {
    const stored = defaultMapping()
    stored.fields = stored.fields.filter((f) => f.key !== 'card.expires_at')
    stored.metadata = [{ key: 'expiry', target: 'stripe_card_expires_at', type: 'date' }]
    const result = parseStoredMapping(stored)
    // Parsing must succeed: a failed parse must not pass for "switched off".
    expect(result).toMatchObject({ ok: true })
    if (!result.ok) return
    expect(result.mapping.fields.find((f) => f.key === 'card.expires_at')).toEqual({ key: 'card.expires_at', target: 'stripe_card_expires_at', enabled: false })
    expect(result.changes).toContain('Added the new field card.expires_at switched off: stripe_card_expires_at is already used.')
  })

  test.each([
    { name: 'not JSON', json: '{oops', message: /not valid JSON/ },
    { name: 'an array', json: [], message: /not an object/ },
    { name: 'no version', json: { fields: [], metadata: [] }, message: /no version/ },
    { name: 'a newer version', json: { version: 2, fields: [], metadata: [] }, message: /version 2, newer than this Churnless/ },
    { name: 'a version with no upgrader', json: { version: 0, fields: [] }, message: /version 0, which can no longer be read/ },
    { name: 'malformed rows', json: { version: 1, fields: [{ key: 'customer.email', target: 'x' }], metadata: [] }, message: /malformed at fields\.0\.enabled/ },
  ])('refuses $name', ({ json, message }) => {
    const result = parseStoredMapping(json)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })

  test('re-validates: a stored reserved target is reported on its row', () => {
    const result = parseStoredMapping(withField('customer.email', { target: 'email' }))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors).toMatchObject([{ section: 'fields', key: 'customer.email', code: 'reserved_target' }])
  })
})
