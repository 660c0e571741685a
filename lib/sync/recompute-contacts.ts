import { randomUUID } from 'node:crypto'
import type { Db } from '../db'
import { normalizeEmail } from '../email'
import { canReadCoupons } from '../stripe/permissions'
import { type AttributeValue, combineSubscriptionFacts, type DerivedAttributes, type DeriveOptions, deriveAttributes, deriveSubscriptionFacts, type SubscriptionFacts } from './attributes'
import type { BundleCharge, BundleCustomer, BundlePrice, BundleProduct, BundleSubscription, CustomerBundle } from './customer-bundle'
import { applyMapping, defaultMapping, type Mapping, parseStoredMapping } from './mapping'
import { compareSubscriptionPriority, pickPrimarySubscription } from './primary-subscription'

// Contacts are derived, never edited: this reads the mirror for some Stripe customers, decides
// which contact each belongs to (F9), derives attributes with the connection's mapping (F7, F8,
// F10) and writes contacts, links and identity conflicts in a few batched statements.
//
// Identity (F9), in order: an existing link (connection, customer) → its contact; else the
// workspace's contact with the same email (trimmed, lower-cased); else the contact with the same
// external id (customer metadata.user_id / external_id); else a new contact. A customer without
// email gets a contact of its own. An email change keeps the link, so it keeps the contact.
//
// Several Stripe customers on one contact (shared email, or several connections): the contact
// shows the attributes of ONE of them, its representative — the linked customer whose "the"
// subscription ranks highest by F8's status priority, then the most recently created customer,
// then the smaller customer id. Two or more customers sharing an email are listed as an identity
// conflict for the admin; nothing is overwritten silently.

export const representativeRule =
  'When several Stripe customers share a contact, the contact shows the customer whose main subscription ranks highest (active > past_due > trialing > unpaid > incomplete > paused > canceled > incomplete_expired), then the most recently created customer.'

const CHUNK = 1000

// Every field of BundleCharge, the only charge fields the derivation reads; a field added there
// and not here fails to compile. Keys absent from a stored charge stay absent (no nulls added).
const chargeFields = ['id', 'amount', 'amount_captured', 'amount_refunded', 'captured', 'paid', 'status', 'currency', 'created', 'description'] as const satisfies readonly (keyof BundleCharge)[]
const everyChargeFieldRead: Exclude<keyof BundleCharge, (typeof chargeFields)[number]> extends never ? true : false = true
void everyChargeFieldRead

type Row<T> = { connectionId: string; data: unknown } & T

type Derived = { connectionId: string; customerId: string; customer: BundleCustomer; primary: BundleSubscription | null; derived: DerivedAttributes; facts: SubscriptionFacts; attributes: Record<string, AttributeValue> }

/** Recomputes the contacts of these customers of one connection; returns the contact ids written. */
export async function recomputeContacts(db: Db, args: { connectionId: string; customerIds: readonly string[]; now: Date }): Promise<{ contactIds: string[] }> {
  const contactIds = new Set<string>()
  for (let i = 0; i < args.customerIds.length; i += CHUNK) {
    const ids = await recomputeChunk(db, { ...args, customerIds: [...new Set(args.customerIds.slice(i, i + CHUNK))] })
    for (const id of ids) contactIds.add(id)
  }
  return { contactIds: [...contactIds] }
}

async function recomputeChunk(db: Db, args: { connectionId: string; customerIds: string[]; now: Date }): Promise<string[]> {
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { workspaceId: true, workspace: { select: { includeRepeatingDiscounts: true } } } })
  const workspaceId = connection.workspaceId

  // 1. Identity: which contact each customer belongs to (creating contacts where needed).
  const customers = await db.stripeCustomer.findMany({ where: { connectionId: args.connectionId, id: { in: args.customerIds } }, select: { id: true, email: true, data: true, deletedAt: true } })
  const found = new Set(customers.map((c) => c.id))
  const gone = [...args.customerIds.filter((id) => !found.has(id)), ...customers.filter((c) => c.deletedAt).map((c) => c.id)]
  const live = customers.filter((c) => !c.deletedAt)

  const existingLinks = await db.contactStripeLink.findMany({ where: { connectionId: args.connectionId, customerId: { in: args.customerIds } } })
  const affected = new Set(existingLinks.map((l) => l.contactId))
  const linkOf = new Map(existingLinks.map((l) => [l.customerId, l.contactId]))

  // A deleted customer is unlinked; its contact (and history) stays, recomputed from what remains.
  if (gone.length) await db.contactStripeLink.deleteMany({ where: { connectionId: args.connectionId, customerId: { in: gone } } })

  const unlinked = live.filter((c) => !linkOf.has(c.id))
  if (unlinked.length) {
    const emails = [...new Set(unlinked.map((c) => c.email).filter((e): e is string => Boolean(e)))]
    const externalIds = [...new Set(unlinked.map((c) => externalIdOf(c.data)).filter((e): e is string => Boolean(e)))]
    const matches = await db.contact.findMany({
      where: { workspaceId, OR: [{ email: { in: emails } }, { externalId: { in: externalIds } }] },
      select: { id: true, email: true, externalId: true },
    })
    const byEmail = new Map(matches.filter((m) => m.email).map((m) => [m.email!, m.id]))
    const byExternal = new Map(matches.filter((m) => m.externalId).map((m) => [m.externalId!, m.id]))
    const fresh: { id: string; email: string | null; externalId: string | null }[] = []
    for (const c of unlinked) {
      const external = externalIdOf(c.data)
      let contactId = (c.email && byEmail.get(c.email)) || (external && byExternal.get(external)) || undefined
      if (!contactId) {
        contactId = randomUUID()
        fresh.push({ id: contactId, email: c.email, externalId: external })
        if (c.email) byEmail.set(c.email, contactId)
        if (external) byExternal.set(external, contactId)
      }
      linkOf.set(c.id, contactId)
    }
    if (fresh.length) {
      // Two syncs racing for one email: the unique (workspace, email) index decides; the loser
      // links to the winner's contact below.
      const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
        `insert into contacts (id, workspace_id, email, external_id, is_stripe_linked, updated_at)
         select x.id, $1, x.email, x.external_id, true, (now() at time zone 'utc') from jsonb_to_recordset($2::jsonb) as x(id text, email text, external_id text)
         on conflict (workspace_id, email) do nothing returning id`,
        workspaceId,
        JSON.stringify(fresh.map((f) => ({ id: f.id, email: f.email, external_id: f.externalId }))),
      )
      const kept = new Set(inserted.map((r) => r.id))
      const lost = fresh.filter((f) => !kept.has(f.id))
      if (lost.length) {
        const winners = await db.contact.findMany({ where: { workspaceId, email: { in: lost.map((l) => l.email!) } }, select: { id: true, email: true } })
        const winnerOf = new Map(winners.map((w) => [w.email!, w.id]))
        for (const [customerId, contactId] of linkOf) {
          const loser = lost.find((l) => l.id === contactId)
          if (loser) linkOf.set(customerId, winnerOf.get(loser.email!)!)
        }
      }
    }
    // One statement with the rows as one JSON parameter: Prisma's createMany binds four
    // parameters per row and took ~6x as long for a batch of 500 (64 ms vs 10 ms measured).
    const newLinks = unlinked.map((c) => ({ customer_id: c.id, contact_id: linkOf.get(c.id)! }))
    await db.$executeRawUnsafe(
      `insert into contact_stripe_links (connection_id, customer_id, contact_id, workspace_id, linked_at)
       select $1, x.customer_id, x.contact_id, $2, (now() at time zone 'utc') from jsonb_to_recordset($3::jsonb) as x(customer_id text, contact_id text)
       on conflict do nothing`,
      args.connectionId,
      workspaceId,
      JSON.stringify(newLinks),
    )
  }
  for (const c of live) affected.add(linkOf.get(c.id)!)

  // 2. Every customer linked to an affected contact (any connection), so representatives and
  //    conflicts are decided over the whole contact, not just this batch.
  const contactList = [...affected]
  const links = await db.contactStripeLink.findMany({ where: { contactId: { in: contactList } } })
  const derived = await deriveLinkedCustomers(db, links, { now: args.now, includeRepeatingDiscounts: connection.workspace.includeRepeatingDiscounts })

  // 3. Write contacts: the representative's attributes, or cleared Stripe fields when none is left.
  const byContact = new Map<string, Derived[]>()
  for (const link of links) {
    const d = derived.get(`${link.connectionId}/${link.customerId}`)
    if (d) byContact.set(link.contactId, [...(byContact.get(link.contactId) ?? []), d])
  }
  const rows = contactList.map((contactId) => contactRow(contactId, byContact.get(contactId) ?? []))
  await db.$executeRawUnsafe(
    `update contacts c set
       email = coalesce(case when exists (select 1 from contacts o where o.workspace_id = c.workspace_id and o.email = x.email and o.id <> c.id) then c.email else x.email end, c.email),
       name = case when x.is_stripe_linked then x.name else c.name end, external_id = coalesce(case when exists (select 1 from contacts o where o.workspace_id = c.workspace_id and o.external_id = x.external_id and o.id <> c.id) then c.external_id else x.external_id end, c.external_id), is_stripe_linked = x.is_stripe_linked,
       subscription_status = x.subscription_status, subscription_count = x.subscription_count, active_subscription_count = x.active_subscription_count,
       trial_start = x.trial_start, trial_end = x.trial_end, current_period_end = x.current_period_end, cancel_at_period_end = x.cancel_at_period_end,
       mrr = x.mrr, currency = x.currency, total_spend = x.total_spend, stripe_created_at = x.stripe_created_at,
       last_payment_at = x.last_payment_at, last_failed_payment_at = x.last_failed_payment_at, attributes = x.attributes, updated_at = (now() at time zone 'utc'),
       subscription_statuses = x.subscription_statuses, earliest_trial_end = x.earliest_trial_end, has_paid = x.has_paid
     -- timestamps arrive as ISO strings in UTC; Prisma's DateTime columns are UTC timestamps without zone
     from jsonb_to_recordset($1::jsonb) as x(id text, email text, name text, external_id text, is_stripe_linked boolean,
       subscription_status text, subscription_count int, active_subscription_count int, trial_start timestamp, trial_end timestamp,
       current_period_end timestamp, cancel_at_period_end boolean, mrr bigint, currency text, total_spend bigint,
       stripe_created_at timestamp, last_payment_at timestamp, last_failed_payment_at timestamp, attributes jsonb,
       subscription_statuses text[], earliest_trial_end timestamp, has_paid boolean)
     where c.id = x.id and c.workspace_id = $2`,
    JSON.stringify(rows),
    workspaceId,
  )

  await recordConflicts(db, workspaceId, contactList, byContact)
  return contactList
}

/** Reads the mirror for the linked customers (grouped by connection) and derives each one. */
async function deriveLinkedCustomers(db: Db, links: { connectionId: string; customerId: string }[], options: DeriveOptions) {
  const out = new Map<string, Derived>()
  const byConnection = new Map<string, string[]>()
  for (const l of links) byConnection.set(l.connectionId, [...(byConnection.get(l.connectionId) ?? []), l.customerId])
  for (const [connectionId, customerIds] of byConnection) {
    const connection = await db.stripeConnection.findUnique({ where: { id: connectionId }, select: { mapping: true, permissions: true } })
    if (!connection) continue
    const mapping = mappingOf(connection.mapping)
    // Discounts arrive expanded (coupon included) when the key may read coupons; without that
    // permission they stay ids and MRR stays gross, with the reason in its breakdown.
    const couponsReadable = canReadCoupons(connection)
    const [customers, subscriptions, charges] = await Promise.all([
      db.stripeCustomer.findMany({ where: { connectionId, id: { in: customerIds }, deletedAt: null }, select: { id: true, data: true } }),
      db.stripeSubscription.findMany({ where: { connectionId, customerId: { in: customerIds } }, select: { customerId: true, data: true } }),
      // Only the fields a charge is derived from (see chargeFields): a stored charge is ~1.4 kB
      // of JSON, and reading and parsing it whole was the largest cost of a backfill's contact pass.
      db.$queryRawUnsafe<{ customerId: string | null; data: unknown }[]>(
        `select customer_id as "customerId", coalesce((select jsonb_object_agg(key, value) from jsonb_each(data) where key = any($3::text[])), '{}'::jsonb) as data
         from stripe_charges where connection_id = $1 and customer_id = any($2::text[])`,
        connectionId,
        customerIds,
        chargeFields,
      ),
    ])
    const subs = groupBy(subscriptions as Row<{ customerId: string }>[], (s) => s.customerId)
    const chs = groupBy(charges as Row<{ customerId: string | null }>[], (c) => c.customerId ?? '')
    const priceIds = new Set<string>()
    const productIds = new Set<string>()
    for (const s of subscriptions) {
      for (const item of (s.data as unknown as BundleSubscription).items?.data ?? []) {
        const price = item.price as BundlePrice
        priceIds.add(price.id)
        if (typeof price.product === 'string') productIds.add(price.product)
      }
    }
    const [prices, products] = await Promise.all([
      db.stripePrice.findMany({ where: { connectionId, id: { in: [...priceIds] } }, select: { id: true, data: true } }),
      db.stripeProduct.findMany({ where: { connectionId, id: { in: [...productIds] } }, select: { id: true, name: true } }),
    ])
    const priceTable = Object.fromEntries(prices.map((p) => [p.id, p.data as unknown as BundlePrice]))
    const productTable: Record<string, BundleProduct> = Object.fromEntries(products.map((p) => [p.id, { id: p.id, name: p.name }]))
    for (const c of customers) {
      const customer = c.data as unknown as BundleCustomer
      const bundle: CustomerBundle = {
        customer,
        subscriptions: (subs.get(c.id) ?? []).map((s) => s.data as unknown as BundleSubscription),
        charges: (chs.get(c.id) ?? []).map((ch) => ch.data as unknown as BundleCharge),
        prices: priceTable,
        products: productTable,
        couponsReadable,
      }
      const attrs = deriveAttributes(bundle, options)
      out.set(`${connectionId}/${c.id}`, {
        connectionId,
        customerId: c.id,
        customer,
        primary: pickPrimarySubscription(bundle.subscriptions),
        derived: attrs,
        facts: deriveSubscriptionFacts(bundle),
        attributes: applyMapping(mapping, attrs, customer.metadata as Record<string, string> | null).attributes,
      })
    }
  }
  return out
}

/** The representative of a contact's customers (see the rule at the top of this file). */
export function pickRepresentative<T extends { customerId: string; customer: { created: number }; primary: { status: string; created: number; id: string } | null }>(candidates: readonly T[]): T | null {
  return (
    [...candidates].sort((a, b) => {
      if (a.primary && b.primary) {
        const byPriority = compareSubscriptionPriority(a.primary, b.primary)
        if (byPriority !== 0) return byPriority
      } else if (a.primary || b.primary) return a.primary ? -1 : 1
      if (a.customer.created !== b.customer.created) return b.customer.created - a.customer.created
      return a.customerId < b.customerId ? -1 : 1
    })[0] ?? null
  )
}

function contactRow(id: string, linked: Derived[]) {
  const rep = pickRepresentative(linked)
  if (!rep) {
    // No Stripe customer left (deleted or unlinked): keep the contact and its history, clear Stripe data.
    return { id, email: null, name: null, external_id: null, is_stripe_linked: false, subscription_status: null, subscription_count: 0, active_subscription_count: 0, trial_start: null, trial_end: null, current_period_end: null, cancel_at_period_end: false, mrr: 0, currency: null, total_spend: 0, stripe_created_at: null, last_payment_at: null, last_failed_payment_at: null, attributes: {}, subscription_statuses: [], earliest_trial_end: null, has_paid: false }
  }
  const d = rep.derived
  // Segment facts span every linked customer, not only the representative (SPEC F18).
  const facts = combineSubscriptionFacts(linked.map((l) => l.facts))
  const email = typeof d['customer.email'] === 'string' ? normalizeEmail(d['customer.email']) || null : null
  return {
    id,
    email,
    name: d['customer.name'],
    external_id: externalIdOf(rep.customer),
    is_stripe_linked: true,
    subscription_status: d['subscription.status'],
    subscription_count: d['subscription.count'] ?? 0,
    active_subscription_count: d['subscription.active_count'] ?? 0,
    trial_start: d['subscription.trial_start'],
    trial_end: d['subscription.trial_end'],
    current_period_end: d['subscription.current_period_end'],
    cancel_at_period_end: d['subscription.cancel_at_period_end'] ?? false,
    mrr: d['customer.mrr'] ?? 0,
    currency: d['customer.currency'],
    total_spend: d['customer.total_spend'] ?? 0,
    stripe_created_at: d['customer.created'],
    last_payment_at: d['payment.last_date'],
    last_failed_payment_at: d['payment.last_failed_date'],
    attributes: rep.attributes,
    subscription_statuses: facts.statuses,
    earliest_trial_end: facts.earliestTrialEnd,
    has_paid: facts.hasPaid,
  }
}

/** Customers sharing an email on one contact are listed for the admin; a resolved overlap is marked so. */
async function recordConflicts(db: Db, workspaceId: string, contactIds: string[], byContact: Map<string, Derived[]>) {
  const now = new Date()
  const conflicts: { id: string; contact_id: string; email: string; customer_ids: string[] }[] = []
  for (const [contactId, linked] of byContact) {
    const emails = linked.map((l) => (l.customer.email ? normalizeEmail(l.customer.email) : null)).filter((e): e is string => Boolean(e))
    const shared = emails.find((e, i) => emails.indexOf(e) !== i)
    if (shared) {
      const customerIds = linked.filter((l) => l.customer.email && normalizeEmail(l.customer.email) === shared).map((l) => l.customerId).sort()
      conflicts.push({ id: randomUUID(), contact_id: contactId, email: shared, customer_ids: customerIds })
    }
  }
  // One statement for the batch, not one round trip per conflict (292 at 10k sandbox
  // customers). A known conflict keeps its id and detection time, and is reopened.
  if (conflicts.length) {
    await db.$executeRawUnsafe(
      `insert into identity_conflicts (id, workspace_id, contact_id, email, customer_ids, detected_at)
       select x.id, $1, x.contact_id, x.email, x.customer_ids, (now() at time zone 'utc') from jsonb_to_recordset($2::jsonb) as x(id text, contact_id text, email text, customer_ids text[])
       on conflict (workspace_id, contact_id) do update set email = excluded.email, customer_ids = excluded.customer_ids, resolved_at = null`,
      workspaceId,
      JSON.stringify(conflicts),
    )
  }
  const clear = contactIds.filter((id) => {
    const emails = (byContact.get(id) ?? []).map((l) => l.customer.email && normalizeEmail(l.customer.email)).filter(Boolean)
    return new Set(emails).size === emails.length
  })
  if (clear.length) await db.identityConflict.updateMany({ where: { workspaceId, contactId: { in: clear }, resolvedAt: null }, data: { resolvedAt: now } })
}

function mappingOf(json: unknown): Mapping {
  if (json === null || json === undefined) return defaultMapping()
  const parsed = parseStoredMapping(json)
  return parsed.ok ? parsed.mapping : defaultMapping()
}

function externalIdOf(data: unknown): string | null {
  const metadata = (data as { metadata?: Record<string, string> } | null)?.metadata
  const value = metadata?.user_id ?? metadata?.external_id
  return typeof value === 'string' && value.trim() ? value.trim() : null
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}
