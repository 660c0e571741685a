import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'
import type { AttributeValue } from '../sync/attributes'
import { type BundlePrice, type BundleProduct, type BundleSubscription, idOf, productOf, subscriptionPeriod } from '../sync/customer-bundle'
import { type AttributeType, type FieldGroup, fieldGroups, getFieldDefinition, fieldGroupLabels } from '../sync/fields'
import { defaultMapping, type Mapping, parseStoredMapping } from '../sync/mapping'
import { canReadCoupons } from '../stripe/permissions'
import { computeMrrBreakdown, type MrrBreakdownItem, type MrrSkippedDiscount } from '../sync/mrr'
import { pickPrimarySubscription, primarySubscriptionRule } from '../sync/primary-subscription'
import { pickRepresentative, representativeRule } from '../sync/recompute-contacts'
import { describeMembershipCause, listMembershipHistory, type MembershipHistoryEntry } from '../segments/membership-history'
import { stripeDashboardUrl } from './stripe-dashboard'

// A contact's page (SPEC F22): attributes grouped, the Stripe panel (subscriptions, the three
// most recent payments, MRR per item, dashboard links) and segment memberships. Everything is
// read from our own tables — the mirror holds the Stripe objects — so the page never calls
// Stripe. A contact of another workspace is "not found", exactly like one that does not exist.

export const contactIdSchema = z.string().trim().min(1, 'A contact id is required.').max(64, 'That is not a contact id.')

export const groupLabels: Record<FieldGroup | 'metadata' | 'other', string> = {
  ...fieldGroupLabels,
  metadata: 'Stripe metadata',
  other: 'Other Stripe attributes',
}

export interface ContactAttribute {
  name: string
  label: string
  type: AttributeType | 'unknown'
  value: AttributeValue
  /** For money attributes: the currency the amount is in. */
  currency: string | null
}

export interface ContactSubscription {
  id: string
  connectionId: string
  customerId: string
  status: string
  isPrimary: boolean
  plan: string
  items: { id: string; priceId: string; label: string; quantity: number; unitAmount: number | null; currency: string; interval: string | null; intervalCount: number; isTiered: boolean }[]
  /** Σ unit amount × quantity per billing period (null when an item is tiered or has no fixed price). */
  amount: number | null
  currency: string
  interval: string | null
  intervalCount: number
  created: string
  currentPeriodStart: string | null
  currentPeriodEnd: string | null
  trialStart: string | null
  trialEnd: string | null
  cancelAtPeriodEnd: boolean
  canceledAt: string | null
  latestInvoice: { id: string; status: string | null; dashboardUrl: string | null } | null
  dashboardUrl: string | null
}

export interface ContactPayment {
  id: string
  connectionId: string
  amount: number
  amountRefunded: number
  currency: string
  status: string
  isRefunded: boolean
  description: string | null
  failureMessage: string | null
  created: string
  dashboardUrl: string | null
  invoice: { id: string; dashboardUrl: string | null } | null
}

export interface ContactDetail {
  contact: {
    id: string
    email: string | null
    name: string | null
    externalId: string | null
    isStripeLinked: boolean
    subscriptionStatus: string | null
    mrr: number
    currency: string | null
    totalSpend: number
    customerSince: string
    createdAt: string
    lastActivityAt: string | null
    trialEnd: string | null
    currentPeriodEnd: string | null
    cancelAtPeriodEnd: boolean
  }
  attributeGroups: { id: string; label: string; attributes: ContactAttribute[] }[]
  customAttributes: { name: string; value: unknown }[]
  connections: { id: string; mode: 'live' | 'test'; isSandbox: boolean; accountId: string | null; accountName: string | null }[]
  customers: { connectionId: string; id: string; email: string | null; name: string | null; created: string; isRepresentative: boolean; isDeleted: boolean; dashboardUrl: string | null }[]
  subscriptions: ContactSubscription[]
  /** The three most recent charges of the contact's customers, newest first. */
  payments: ContactPayment[]
  /** MRR per item for each linked customer; the contact's MRR is its representative's. */
  /** `skippedDiscounts`: discounts not subtracted, each with its reason (e.g. the key lacks Coupons read). */
  mrr: { customerId: string; isRepresentative: boolean; totals: Record<string, number>; items: MrrBreakdownItem[]; skippedDiscounts: MrrSkippedDiscount[] }[]
  segments: { id: string; name: string; enteredAt: string; cause: string; causeLabel: string }[]
  /** Every entry and exit, newest first (at most HISTORY_LIMIT). */
  segmentHistory: MembershipHistoryEntry[]
  rules: { primarySubscription: string; representative: string }
}

// The mirror's `data` columns hold Stripe objects of any API version: read back through zod,
// only the fields used here, everything else passed through untouched.
const customerDataSchema = z.looseObject({ id: z.string(), email: z.string().nullish(), name: z.string().nullish(), created: z.number() })
const subscriptionDataSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  created: z.number(),
  currency: z.string(),
  items: z.looseObject({ data: z.array(z.looseObject({ id: z.string(), price: z.looseObject({ id: z.string(), currency: z.string() }) })) }),
  latest_invoice: z.union([z.string(), z.looseObject({ id: z.string() })]).nullish(),
})
const chargeDataSchema = z.looseObject({
  id: z.string(),
  amount: z.number(),
  amount_refunded: z.number().nullish(),
  refunded: z.boolean().nullish(),
  currency: z.string(),
  status: z.string(),
  created: z.number(),
  description: z.string().nullish(),
  failure_message: z.string().nullish(),
  /** Pre-basil API versions only. */
  invoice: z.union([z.string(), z.looseObject({ id: z.string() })]).nullish(),
})

const isoOf = (seconds: number | null | undefined) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null)
const isoDate = (d: Date | null) => (d ? d.toISOString() : null)

/** A contact's page data. `AppError('not_found')` when the id is not a contact of this workspace. */
export async function getContact(db: Db, args: { workspaceId: string; contactId: string; now: Date }): Promise<ContactDetail> {
  const contactId = contactIdSchema.parse(args.contactId)
  const contact = await db.contact.findFirst({ where: { id: contactId, workspaceId: args.workspaceId } })
  if (!contact) throw new AppError('not_found', 'This contact does not exist in this workspace. It may have been deleted.')

  const links = await db.contactStripeLink.findMany({ where: { contactId: contact.id, workspaceId: args.workspaceId }, orderBy: { linkedAt: 'asc' } })
  const connectionRows = await db.stripeConnection.findMany({
    where: { workspaceId: args.workspaceId, id: { in: [...new Set(links.map((l) => l.connectionId))] } },
    select: { id: true, mode: true, apiBase: true, accountId: true, accountName: true, mapping: true, permissions: true },
  })
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: args.workspaceId }, select: { includeRepeatingDiscounts: true } })
  const connectionById = new Map(connectionRows.map((c) => [c.id, c]))
  const ownLinks = links.filter((l) => connectionById.has(l.connectionId))
  const pairs = ownLinks.map((l) => ({ connectionId: l.connectionId, customerId: l.customerId }))

  const [customerRows, subscriptionRows, chargeRows, segmentRows, segmentHistory] = await Promise.all([
    pairs.length ? db.stripeCustomer.findMany({ where: { OR: pairs.map((p) => ({ connectionId: p.connectionId, id: p.customerId })) } }) : [],
    pairs.length ? db.stripeSubscription.findMany({ where: { OR: pairs, deletedAt: null }, orderBy: [{ created: 'desc' }, { id: 'asc' }] }) : [],
    pairs.length ? db.stripeCharge.findMany({ where: { OR: pairs, deletedAt: null }, orderBy: [{ created: 'desc' }, { id: 'desc' }], take: 3 }) : [],
    db.segmentMembership.findMany({ where: { contactId: contact.id, segment: { workspaceId: args.workspaceId } }, include: { segment: { select: { id: true, name: true } } }, orderBy: { enteredAt: 'desc' } }),
    listMembershipHistory(db, { workspaceId: args.workspaceId, contactId: contact.id }),
  ])

  const subscriptions = subscriptionRows.flatMap((row) => {
    const parsed = subscriptionDataSchema.safeParse(row.data)
    return parsed.success ? [{ row, sub: parsed.data as unknown as BundleSubscription & { latest_invoice?: string | { id: string } | null } }] : []
  })

  // Products and prices referenced by the items, for names and tiers.
  const priceIds = new Set<string>()
  const productIds = new Set<string>()
  for (const { sub } of subscriptions) {
    for (const item of sub.items.data) {
      priceIds.add(item.price.id)
      const product = idOf(item.price.product as string | BundleProduct | null | undefined)
      if (product) productIds.add(product)
    }
  }
  const connectionIds = [...connectionById.keys()]
  const latestInvoiceIds = subscriptions.map(({ sub }) => idOf(sub.latest_invoice)).filter((id): id is string => Boolean(id))
  const [priceRows, productRows, invoiceRows] = await Promise.all([
    priceIds.size ? db.stripePrice.findMany({ where: { connectionId: { in: connectionIds }, id: { in: [...priceIds] } } }) : [],
    productIds.size ? db.stripeProduct.findMany({ where: { connectionId: { in: connectionIds }, id: { in: [...productIds] } } }) : [],
    latestInvoiceIds.length ? db.stripeInvoice.findMany({ where: { connectionId: { in: connectionIds }, id: { in: latestInvoiceIds } }, select: { connectionId: true, id: true, status: true } }) : [],
  ])
  const key = (connectionId: string, id: string) => `${connectionId}:${id}`
  const pricesByConnection = groupLookup(priceRows.map((p) => ({ connectionId: p.connectionId, id: p.id, value: p.data as unknown as BundlePrice })))
  const productsByConnection = groupLookup(productRows.map((p) => ({ connectionId: p.connectionId, id: p.id, value: { id: p.id, name: p.name } as BundleProduct })))
  const invoiceStatus = new Map(invoiceRows.map((i) => [key(i.connectionId, i.id), i.status]))

  // Which customer's attributes the contact shows (the same rule recompute-contacts applies).
  const customers = customerRows.flatMap((row) => {
    const parsed = customerDataSchema.safeParse(row.data)
    if (!parsed.success) return []
    const subs = subscriptions.filter((s) => s.row.connectionId === row.connectionId && s.row.customerId === row.id).map((s) => s.sub)
    return [{ row, customerId: row.id, customer: parsed.data, primary: pickPrimarySubscription(subs), subs }]
  })
  const liveCustomers = customers.filter((c) => !c.row.deletedAt)
  const representative = pickRepresentative(liveCustomers)
  const isRep = (connectionId: string, customerId: string) => representative?.row.connectionId === connectionId && representative.customerId === customerId

  const subscriptionPanels: ContactSubscription[] = []
  for (const c of customers) {
    const connection = connectionById.get(c.row.connectionId)
    if (!connection) continue
    const products = productsByConnection.get(c.row.connectionId)
    for (const sub of c.subs) {
      subscriptionPanels.push(
        subscriptionPanel(sub, { connectionId: c.row.connectionId, customerId: c.customerId, isPrimary: c.primary?.id === sub.id, connection, products, invoiceStatus: (id) => invoiceStatus.get(key(c.row.connectionId, id)) ?? null }),
      )
    }
  }
  // "The" subscription first, then by status priority and recency (F8), across customers.
  subscriptionPanels.sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || b.created.localeCompare(a.created) || (a.id < b.id ? -1 : 1))

  const payments: ContactPayment[] = chargeRows.flatMap((row) => {
    const parsed = chargeDataSchema.safeParse(row.data)
    const connection = connectionById.get(row.connectionId)
    if (!parsed.success || !connection) return []
    const ch = parsed.data
    const invoiceId = idOf(ch.invoice)
    const amountRefunded = ch.amount_refunded ?? 0
    return [
      {
        id: ch.id,
        connectionId: row.connectionId,
        amount: ch.amount,
        amountRefunded,
        currency: ch.currency.toLowerCase(),
        status: ch.status,
        isRefunded: Boolean(ch.refunded) || amountRefunded > 0,
        description: ch.description ?? null,
        failureMessage: ch.failure_message ?? null,
        created: new Date(ch.created * 1000).toISOString(),
        dashboardUrl: stripeDashboardUrl(connection, 'charge', ch.id),
        invoice: invoiceId ? { id: invoiceId, dashboardUrl: stripeDashboardUrl(connection, 'invoice', invoiceId) } : null,
      },
    ]
  })

  const mrr = liveCustomers.map((c) => {
    const breakdown = computeMrrBreakdown(
      {
        subscriptions: c.subs,
        prices: pricesByConnection.get(c.row.connectionId),
        products: productsByConnection.get(c.row.connectionId),
        customer: c.customer as never,
        couponsReadable: canReadCoupons(connectionById.get(c.row.connectionId) ?? { permissions: [] }),
      },
      { now: args.now, includeRepeatingDiscounts: workspace.includeRepeatingDiscounts },
    )
    return { customerId: c.customerId, isRepresentative: isRep(c.row.connectionId, c.customerId), totals: breakdown.totals, items: breakdown.items, skippedDiscounts: breakdown.skippedDiscounts }
  })

  const repConnection = representative ? connectionById.get(representative.row.connectionId) : undefined
  const attributes = (contact.attributes ?? {}) as Record<string, AttributeValue>
  return {
    contact: {
      id: contact.id,
      email: contact.email,
      name: contact.name,
      externalId: contact.externalId,
      isStripeLinked: contact.isStripeLinked,
      subscriptionStatus: contact.subscriptionStatus,
      mrr: Number(contact.mrr),
      currency: contact.currency,
      totalSpend: Number(contact.totalSpend),
      customerSince: (contact.stripeCreatedAt ?? contact.createdAt).toISOString(),
      createdAt: contact.createdAt.toISOString(),
      lastActivityAt: isoDate(contact.lastActivityAt),
      trialEnd: isoDate(contact.trialEnd),
      currentPeriodEnd: isoDate(contact.currentPeriodEnd),
      cancelAtPeriodEnd: contact.cancelAtPeriodEnd,
    },
    attributeGroups: groupAttributes(attributes, mappingOf(repConnection?.mapping ?? connectionRows[0]?.mapping), contact.currency),
    customAttributes: Object.entries((contact.customAttributes ?? {}) as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => ({ name, value })),
    connections: connectionRows.map((c) => ({ id: c.id, mode: c.mode, isSandbox: c.apiBase !== null, accountId: c.accountId, accountName: c.accountName })),
    customers: customers.map((c) => {
      const connection = connectionById.get(c.row.connectionId)
      return {
        connectionId: c.row.connectionId,
        id: c.customerId,
        email: c.customer.email ?? null,
        name: c.customer.name ?? null,
        created: new Date(c.customer.created * 1000).toISOString(),
        isRepresentative: isRep(c.row.connectionId, c.customerId),
        isDeleted: c.row.deletedAt !== null,
        dashboardUrl: connection ? stripeDashboardUrl(connection, 'customer', c.customerId) : null,
      }
    }),
    subscriptions: subscriptionPanels,
    payments,
    mrr,
    segments: segmentRows.map((m) => ({ id: m.segment.id, name: m.segment.name, enteredAt: m.enteredAt.toISOString(), cause: m.cause, causeLabel: describeMembershipCause(m.cause) })),
    segmentHistory,
    rules: { primarySubscription: primarySubscriptionRule, representative: representativeRule },
  }
}

function subscriptionPanel(
  sub: BundleSubscription & { latest_invoice?: string | { id: string } | null },
  ctx: {
    connectionId: string
    customerId: string
    isPrimary: boolean
    connection: { mode: 'live' | 'test'; apiBase: string | null }
    products: ReadonlyMap<string, BundleProduct> | undefined
    invoiceStatus: (id: string) => string | null
  },
): ContactSubscription {
  const items = sub.items.data.map((item) => {
    const price = item.price
    const product = productOf(price, { products: ctx.products })
    const isTiered = price.billing_scheme === 'tiered'
    return {
      id: item.id,
      priceId: price.id,
      label: price.nickname || product?.name || product?.id || price.id,
      quantity: item.quantity ?? 1,
      unitAmount: isTiered ? null : (price.unit_amount ?? null),
      currency: price.currency.toLowerCase(),
      interval: price.recurring?.interval ?? null,
      intervalCount: price.recurring?.interval_count ?? 1,
      isTiered,
    }
  })
  const first = items[0]
  const amount = items.every((i) => i.unitAmount !== null && i.currency === first?.currency) ? items.reduce((sum, i) => sum + (i.unitAmount ?? 0) * i.quantity, 0) : null
  const period = subscriptionPeriod(sub)
  const latestInvoiceId = idOf(sub.latest_invoice)
  return {
    id: sub.id,
    connectionId: ctx.connectionId,
    customerId: ctx.customerId,
    status: sub.status,
    isPrimary: ctx.isPrimary,
    plan: items.map((i) => i.label).join(' + ') || 'No items',
    items,
    amount,
    currency: (first?.currency ?? sub.currency).toLowerCase(),
    interval: first?.interval ?? null,
    intervalCount: first?.intervalCount ?? 1,
    created: new Date(sub.created * 1000).toISOString(),
    currentPeriodStart: isoOf(period.start),
    currentPeriodEnd: isoOf(period.end),
    trialStart: isoOf(sub.trial_start),
    trialEnd: isoOf(sub.trial_end),
    cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end),
    canceledAt: isoOf(sub.canceled_at),
    latestInvoice: latestInvoiceId ? { id: latestInvoiceId, status: ctx.invoiceStatus(latestInvoiceId), dashboardUrl: stripeDashboardUrl(ctx.connection, 'invoice', latestInvoiceId) } : null,
    dashboardUrl: stripeDashboardUrl(ctx.connection, 'subscription', sub.id),
  }
}

/** Stripe attributes by field group, in the catalog's order; metadata and unknown names last. */
function groupAttributes(attributes: Record<string, AttributeValue>, mapping: Mapping, contactCurrency: string | null): ContactDetail['attributeGroups'] {
  const byTarget = new Map<string, { key: string; group: FieldGroup; label: string; type: AttributeType }>()
  for (const row of mapping.fields) {
    const def = getFieldDefinition(row.key)
    if (def) byTarget.set(row.target, { key: def.key, group: def.group, label: def.label, type: def.type })
  }
  const metadataTargets = new Map(mapping.metadata.map((m) => [m.target, m]))
  const targetOfKey = (k: string) => mapping.fields.find((f) => f.key === k)?.target
  const currencyFor = (fieldKey: string | null): string | null => {
    const companion = fieldKey === 'price.unit_amount' ? 'price.currency' : fieldKey === 'payment.last_amount' ? 'payment.last_currency' : null
    const target = companion ? targetOfKey(companion) : undefined
    const value = target ? attributes[target] : null
    return typeof value === 'string' ? value : contactCurrency
  }

  const groups = new Map<string, ContactAttribute[]>()
  const push = (group: string, attribute: ContactAttribute) => {
    const list = groups.get(group) ?? []
    list.push(attribute)
    groups.set(group, list)
  }
  // Catalog order within a group.
  for (const row of mapping.fields) {
    const def = byTarget.get(row.target)
    if (!def || !Object.hasOwn(attributes, row.target)) continue
    push(def.group, { name: row.target, label: def.label, type: def.type, value: attributes[row.target] ?? null, currency: def.type === 'money' ? currencyFor(def.key) : null })
  }
  for (const [name, value] of Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (byTarget.has(name)) continue
    const meta = metadataTargets.get(name)
    if (meta) push('metadata', { name, label: meta.key, type: meta.type, value, currency: meta.type === 'money' ? contactCurrency : null })
    else push('other', { name, label: name, type: 'unknown', value, currency: null })
  }
  return [...fieldGroups, 'metadata' as const, 'other' as const].flatMap((id) => {
    const list = groups.get(id)
    return list?.length ? [{ id, label: groupLabels[id], attributes: list }] : []
  })
}

function mappingOf(json: unknown): Mapping {
  if (json === null || json === undefined) return defaultMapping()
  const parsed = parseStoredMapping(json)
  return parsed.ok ? parsed.mapping : defaultMapping()
}

function groupLookup<T>(rows: { connectionId: string; id: string; value: T }[]): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>()
  for (const r of rows) {
    const m = out.get(r.connectionId) ?? new Map<string, T>()
    m.set(r.id, r.value)
    out.set(r.connectionId, m)
  }
  return out
}
