import { z } from 'zod'
import type { AttributeValue, DerivedAttributes } from './attributes'
import { type AttributeType, attributeTypes, fieldCatalog, getFieldDefinition } from './fields'

// The field mapping (SPEC F7): which Stripe fields become which contact attributes, plus extra
// attributes from customer `metadata`. Stored as versioned JSON on the connection and
// re-validated whenever it is read back (`parseStoredMapping`).

export const MAPPING_VERSION = 1

export const attributeTypeSchema = z.enum(attributeTypes)

export const mappingFieldSchema = z.object({
  key: z.string(),
  target: z.string(),
  enabled: z.boolean(),
})

export const mappingMetadataSchema = z.object({
  key: z.string(),
  target: z.string(),
  type: attributeTypeSchema,
})

/** Structure only; the rules that need the whole mapping live in `validateMapping`. */
export const mappingSchema = z.object({
  version: z.literal(MAPPING_VERSION),
  fields: z.array(mappingFieldSchema),
  metadata: z.array(mappingMetadataSchema),
})

export type Mapping = z.infer<typeof mappingSchema>
export type MappingField = z.infer<typeof mappingFieldSchema>
export type MappingMetadata = z.infer<typeof mappingMetadataSchema>

/** Every catalog field on, with its default `stripe_…` target; no metadata attributes. */
export function defaultMapping(): Mapping {
  return {
    version: MAPPING_VERSION,
    fields: fieldCatalog.map((f) => ({ key: f.key, target: f.target, enabled: true })),
    metadata: [],
  }
}

/** Attribute names Churnless itself owns on a contact. */
export const reservedAttributeNames: readonly string[] = [
  'id',
  'email',
  'name',
  'created_at',
  'updated_at',
  'last_activity_at',
  'external_id',
  'user_id',
  'workspace_id',
  'contact_id',
  'tags',
  'segments',
]
export const reservedAttributePrefix = 'churnless_'

/** Lowercase letter first, then lowercase letters, digits or underscores; 63 characters at most. */
export const targetNamePattern = /^[a-z][a-z0-9_]{0,62}$/

/** Stripe metadata keys are at most 40 characters (docs.stripe.com/metadata). */
export const METADATA_KEY_MAX_LENGTH = 40

export type MappingErrorCode =
  | 'invalid_target'
  | 'reserved_target'
  | 'duplicate_target'
  | 'type_conflict'
  | 'unknown_field'
  | 'duplicate_field'
  | 'metadata_key_empty'
  | 'metadata_key_too_long'
  | 'duplicate_metadata_key'

export interface MappingRowError {
  section: 'fields' | 'metadata'
  /** Row index within its section, so the form can put the message on the row. */
  index: number
  key: string
  target: string
  code: MappingErrorCode
  message: string
}

export interface ValidateMappingOptions {
  /** Attributes the workspace already has, name → type (from other connections, the API, edits). */
  existingAttributes?: Readonly<Record<string, AttributeType>>
}

export function validateMapping(mapping: Mapping, options: ValidateMappingOptions = {}): { ok: boolean; errors: MappingRowError[] } {
  const errors: MappingRowError[] = []
  const existing = options.existingAttributes ?? {}
  // Only rows that write an attribute can collide: disabled fields write nothing.
  const claimed = new Map<string, { section: 'fields' | 'metadata'; index: number; key: string }>()
  const seenFieldKeys = new Map<string, number>()
  const seenMetadataKeys = new Map<string, number>()

  const checkTarget = (section: 'fields' | 'metadata', index: number, key: string, target: string, type: AttributeType | null, writes: boolean) => {
    const push = (code: MappingErrorCode, message: string) => errors.push({ section, index, key, target, code, message })
    if (!targetNamePattern.test(target)) {
      push(
        'invalid_target',
        target === ''
          ? 'Give the attribute a name.'
          : `"${target}" is not a valid attribute name: use lowercase letters, digits and underscores, start with a letter, at most 63 characters.`,
      )
      return
    }
    if (reservedAttributeNames.includes(target) || target.startsWith(reservedAttributePrefix)) {
      push('reserved_target', `"${target}" is reserved by Churnless; choose another name (for example "stripe_${target.replace(/^churnless_/, '')}").`)
      return
    }
    if (!writes) return
    const other = claimed.get(target)
    if (other) {
      const where = other.section === 'fields' ? `the field ${other.key}` : `the metadata key "${other.key}"`
      push('duplicate_target', `"${target}" is already used by ${where}; each attribute can receive one value.`)
      return
    }
    claimed.set(target, { section, index, key })
    const existingType = existing[target]
    if (type && existingType && existingType !== type) {
      push('type_conflict', `The attribute "${target}" already exists as ${existingType}; this field is ${type}. Choose another name or map a ${existingType} field to it.`)
    }
  }

  mapping.fields.forEach((row, index) => {
    const def = getFieldDefinition(row.key)
    if (!def) {
      errors.push({ section: 'fields', index, key: row.key, target: row.target, code: 'unknown_field', message: `"${row.key}" is not a Stripe field Churnless knows; remove this row.` })
      return
    }
    const first = seenFieldKeys.get(row.key)
    if (first !== undefined) {
      errors.push({ section: 'fields', index, key: row.key, target: row.target, code: 'duplicate_field', message: `${def.label} is mapped twice (rows ${first + 1} and ${index + 1}); keep one row.` })
      return
    }
    seenFieldKeys.set(row.key, index)
    checkTarget('fields', index, row.key, row.target, def.type, row.enabled)
  })

  mapping.metadata.forEach((row, index) => {
    const problem = metadataKeyProblem(row.key, seenMetadataKeys)
    if (problem) {
      errors.push({ section: 'metadata', index, key: row.key, target: row.target, ...problem })
      return
    }
    seenMetadataKeys.set(row.key.trim(), index)
    checkTarget('metadata', index, row.key, row.target, row.type, true)
  })

  return { ok: errors.length === 0, errors }
}

function metadataKeyProblem(rawKey: string, seen: ReadonlyMap<string, number>): { code: MappingErrorCode; message: string } | null {
  const key = rawKey.trim()
  if (key === '') return { code: 'metadata_key_empty', message: 'Enter the Stripe metadata key to read.' }
  if (key.length > METADATA_KEY_MAX_LENGTH) {
    return { code: 'metadata_key_too_long', message: `Stripe metadata keys are at most ${METADATA_KEY_MAX_LENGTH} characters; "${key.slice(0, 20)}…" has ${key.length}.` }
  }
  const first = seen.get(key)
  if (first !== undefined) return { code: 'duplicate_metadata_key', message: `The metadata key "${key}" is already mapped (row ${first + 1}); keep one row.` }
  return null
}

export interface MetadataProblem {
  key: string
  target: string
  type: AttributeType
  value: string
  message: string
}

export interface AppliedMapping {
  /** Target attribute name → value; disabled fields are absent, unreadable metadata is null. */
  attributes: Record<string, AttributeValue>
  /** Metadata values that did not cast to their declared type (the attribute is set to null). */
  problems: MetadataProblem[]
}

/**
 * Applies a mapping to one customer's derived values and metadata. Never throws on customer
 * data: a metadata value that does not fit its type becomes null and is listed in `problems`.
 * An absent or empty metadata key gives null without a problem.
 */
export function applyMapping(
  mapping: Mapping,
  derived: Partial<DerivedAttributes>,
  customerMetadata: Readonly<Record<string, string>> | null | undefined,
): AppliedMapping {
  const attributes: Record<string, AttributeValue> = {}
  const problems: MetadataProblem[] = []
  for (const row of mapping.fields) {
    if (!row.enabled || !getFieldDefinition(row.key)) continue
    attributes[row.target] = (derived as Record<string, AttributeValue | undefined>)[row.key] ?? null
  }
  const metadata = customerMetadata ?? {}
  for (const row of mapping.metadata) {
    const key = row.key.trim()
    const raw = Object.hasOwn(metadata, key) ? metadata[key] : undefined
    if (raw === undefined || raw === null || String(raw).trim() === '') {
      attributes[row.target] = null
      continue
    }
    const cast = castMetadataValue(String(raw), row.type)
    if (cast.ok) attributes[row.target] = cast.value
    else {
      attributes[row.target] = null
      problems.push({ key, target: row.target, type: row.type, value: String(raw), message: cast.message })
    }
  }
  return { attributes, problems }
}

/**
 * Stripe metadata values are always strings; this reads one as the declared type.
 * - number: a plain decimal ("12", "-3.5", "1e3");
 * - boolean: true/false, yes/no, 1/0, on/off (any case);
 * - date: an ISO 8601 date or date-time, or a unix timestamp (9–11 digits: seconds, 12–13 digits: milliseconds);
 * - money: an integer in minor units ("4900" for 49.00).
 */
export function castMetadataValue(raw: string, type: AttributeType): { ok: true; value: AttributeValue } | { ok: false; message: string } {
  const value = raw.trim()
  switch (type) {
    case 'string':
      return { ok: true, value: raw }
    case 'number': {
      const n = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : Number.NaN
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `"${value}" is not a number.` }
    }
    case 'boolean': {
      const v = value.toLowerCase()
      if (['true', 'yes', '1', 'on'].includes(v)) return { ok: true, value: true }
      if (['false', 'no', '0', 'off'].includes(v)) return { ok: true, value: false }
      return { ok: false, message: `"${value}" is not a yes/no value: use true or false.` }
    }
    case 'money': {
      const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN
      return Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, message: `"${value}" is not an amount in minor units: use a whole number such as 4900 for 49.00.` }
    }
    case 'date': {
      if (/^\d{9,13}$/.test(value)) {
        const n = Number(value)
        return { ok: true, value: new Date(value.length <= 11 ? n * 1000 : n).toISOString() }
      }
      const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN
      return Number.isFinite(ms)
        ? { ok: true, value: new Date(ms).toISOString() }
        : { ok: false, message: `"${value}" is not a date: use ISO 8601 (2026-03-31 or 2026-03-31T12:00:00Z) or a unix timestamp.` }
    }
  }
}

export type ParsedMapping =
  | { ok: true; mapping: Mapping; changes: string[] }
  | { ok: false; code: 'invalid_input'; message: string; errors: MappingRowError[] }

// Upgraders from each older version to the next. Version 1 is the first stored format, so the
// table is empty; a future version 2 adds `1: (v1) => v2` here and bumps MAPPING_VERSION.
const upgraders: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {}

/**
 * Reads a mapping back from the database (a JSON value or its text): upgrades older versions,
 * reconciles it with the current field catalog (fields added since it was saved are appended
 * on with their default target — off when that target is already taken —, fields no longer in
 * the catalog are dropped; each change is listed in `changes`), and validates it again.
 */
export function parseStoredMapping(json: unknown): ParsedMapping {
  const fail = (message: string, errors: MappingRowError[] = []): ParsedMapping => ({ ok: false, code: 'invalid_input', message, errors })
  let value = json
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return fail('The stored field mapping is not valid JSON; reset it to the default mapping.')
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('The stored field mapping is not an object; reset it to the default mapping.')
  let record = value as Record<string, unknown>
  const changes: string[] = []
  const stored = record.version
  if (typeof stored !== 'number' || !Number.isInteger(stored)) return fail('The stored field mapping has no version; reset it to the default mapping.')
  let version: number = stored
  if (version > MAPPING_VERSION) return fail(`The stored field mapping is version ${version}, newer than this Churnless (version ${MAPPING_VERSION}); upgrade Churnless.`)
  while (version < MAPPING_VERSION) {
    const upgrade = upgraders[version]
    if (!upgrade) return fail(`The stored field mapping is version ${version}, which can no longer be read; reset it to the default mapping.`)
    record = upgrade(record)
    changes.push(`Upgraded from version ${version} to ${version + 1}.`)
    version = version + 1
  }

  const parsed = mappingSchema.safeParse(record)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return fail(`The stored field mapping is malformed at ${issue?.path.join('.') || 'the top level'}: ${issue?.message ?? 'unknown problem'}.`)
  }

  const mapping = parsed.data
  const known = mapping.fields.filter((row) => {
    if (getFieldDefinition(row.key)) return true
    changes.push(`Dropped the field ${row.key}, which Churnless no longer provides.`)
    return false
  })
  const present = new Set(known.map((r) => r.key))
  const taken = new Set([...known.filter((r) => r.enabled).map((r) => r.target), ...mapping.metadata.map((m) => m.target)])
  for (const def of fieldCatalog) {
    if (present.has(def.key)) continue
    const free = !taken.has(def.target)
    known.push({ key: def.key, target: def.target, enabled: free })
    if (free) taken.add(def.target)
    changes.push(free ? `Added the new field ${def.key} as ${def.target}.` : `Added the new field ${def.key} switched off: ${def.target} is already used.`)
  }
  const upgraded: Mapping = { ...mapping, fields: known }
  const validation = validateMapping(upgraded)
  if (!validation.ok) return fail('The stored field mapping has errors; fix the rows listed.', validation.errors)
  return { ok: true, mapping: upgraded, changes }
}
