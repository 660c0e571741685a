import { z } from 'zod'
import { AppError } from '../errors'
import { forgetAttributeCatalog, readCustomAttributeTypes } from '../segments/catalog-service'
import { fetchCustomerBundle } from '../stripe/fetch-customer-bundle'
import { deriveAttributes } from '../sync/attributes'
import { type AttributeType, fieldCatalog } from '../sync/fields'
import { applyMapping, defaultMapping, type Mapping, mappingSchema, parseStoredMapping, validateMapping } from '../sync/mapping'
import { primarySubscriptionRule } from '../sync/primary-subscription'
import { type ConnectionDeps, getConnectionOrThrow, stripeForConnection } from './connection-deps'

// Wizard step 2 and the connection page's mapping editor: read, preview and save the mapping.

/**
 * The stored mapping, re-validated and brought up to date with the field catalog; the default
 * when none. A stored mapping that can no longer be read is replaced by the default in the
 * editor (nothing is lost until the admin saves), and `notice` says so and why.
 */
function storedMappingOf(json: unknown): { mapping: Mapping; notice: string | null } {
  if (json === null || json === undefined) return { mapping: defaultMapping(), notice: null }
  const parsed = parseStoredMapping(json)
  if (!parsed.ok) {
    const detail = parsed.message.replace(/;? ?reset it to the default mapping\.?$/, '').replace(/\.$/, '')
    return { mapping: defaultMapping(), notice: `The saved field mapping could not be read (${detail.charAt(0).toLowerCase()}${detail.slice(1)}), so the default mapping is shown instead. Review it and save to replace the saved one.` }
  }
  return { mapping: parsed.mapping, notice: parsed.changes.length ? `The saved mapping was brought up to date: ${parsed.changes.join(' ')} Save to keep it.` : null }
}

/**
 * Attribute types the workspace already has, so a mapping cannot give one name two types:
 * targets of its other connections' mappings, and custom attributes set through the activity
 * API (contacts' `custom_attributes`, typed as the segment picker types them).
 */
async function existingAttributes(deps: ConnectionDeps, workspaceId: string, exceptConnectionId: string) {
  const others = await deps.db.stripeConnection.findMany({ where: { workspaceId, id: { not: exceptConnectionId }, mapping: { not: undefined } }, select: { mapping: true } })
  const types: Record<string, AttributeType> = {}
  // The same discovery as the segment picker's catalog.
  for (const { key, type } of await readCustomAttributeTypes(deps.db, workspaceId)) types[key] = type
  const catalogTypes = new Map(fieldCatalog.map((f) => [f.key as string, f.type]))
  for (const { mapping } of others) {
    if (!mapping) continue
    const parsed = parseStoredMapping(mapping)
    if (!parsed.ok) continue
    for (const row of parsed.mapping.fields) if (row.enabled) types[row.target] = catalogTypes.get(row.key) ?? 'string'
    for (const row of parsed.mapping.metadata) types[row.target] = row.type
  }
  return types
}

export async function getMappingSetup(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  const stripe = stripeForConnection(deps, connection)
  const customers = await stripe.customers.list({ limit: 100 })
  const metadataKeys = [...new Set(customers.data.flatMap((c) => Object.keys(c.metadata ?? {})))].sort()
  const stored = storedMappingOf(connection.mapping)
  return {
    mapping: stored.mapping,
    notice: stored.notice,
    fields: fieldCatalog,
    primarySubscriptionRule,
    metadataKeys,
    samples: customers.data.slice(0, 10).map((c) => ({ id: c.id, email: c.email ?? null, name: c.name ?? null })),
  }
}

export const previewMappingSchema = z.object({
  mapping: mappingSchema,
  /** A customer id (cus_…) or an email; empty takes the first sample customer. */
  customer: z.string().trim().max(200).optional(),
})

export async function previewMapping(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string; mapping: Mapping; customer?: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  const stripe = stripeForConnection(deps, connection)
  const query = args.customer ?? ''
  const found = query.startsWith('cus_')
    ? { id: query }
    : (await stripe.customers.list(query ? { email: query, limit: 1 } : { limit: 1 })).data[0]
  if (!found) throw new AppError('not_found', query ? `No Stripe customer with the email ${query}. Emails are matched exactly as Stripe stores them; try the customer id (cus_…).` : 'This Stripe account has no customers to preview yet.')
  const bundle = await fetchCustomerBundle(stripe, found.id).catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return null
    throw error
  })
  if (!bundle) throw new AppError('not_found', `No Stripe customer ${found.id} in this account.`)
  const derived = deriveAttributes(bundle, { now: (deps.now ?? (() => new Date()))() })
  const applied = applyMapping(args.mapping, derived, bundle.customer.metadata as Record<string, string> | null)
  return { customer: { id: bundle.customer.id, email: bundle.customer.email ?? null, name: bundle.customer.name ?? null }, attributes: applied.attributes, problems: applied.problems }
}

export async function saveMapping(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string; mapping: Mapping }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  const result = validateMapping(args.mapping, { existingAttributes: await existingAttributes(deps, args.workspaceId, connection.id) })
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(result.errors.map((e) => [`${e.section}.${e.index}`, e.message]))
    throw new AppError('invalid_input', `The mapping has ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}; each is shown on its row.`, fieldErrors)
  }
  await deps.db.stripeConnection.update({ where: { id: connection.id }, data: { mapping: args.mapping } })
  // The segment attribute picker caches the workspace's attributes: show the new targets now.
  forgetAttributeCatalog(args.workspaceId)
  return { ok: true as const, status: connection.status }
}
