import type { Db } from '../db'
import { fieldCatalog } from '../sync/fields'
import { defaultMapping, parseStoredMapping } from '../sync/mapping'
import { recomputeContacts } from '../sync/recompute-contacts'

export type ImportedDataChoice = 'keep' | 'anonymise' | 'delete'

// The request budget is not here: it belongs to the Stripe account, shared with its other connections.
const mirrorTables = ['stripe_customers', 'stripe_subscriptions', 'stripe_invoices', 'stripe_charges', 'stripe_prices', 'stripe_products', 'stripe_checkout_sessions', 'stripe_events'] as const

/** Fields whose values identify a person: removed when anonymising. */
const personalFieldKeys = new Set<string>(fieldCatalog.filter((f) => f.group === 'address' || ['customer.email', 'customer.name', 'customer.phone', 'customer.description'].includes(f.key)).map((f) => f.key))

/**
 * What disconnecting does to the data a connection imported (F6). In every case the mirror of
 * Stripe objects and the received events go (the key is gone, they can no longer be kept true)
 * and contacts stop being linked. Then, for contacts that only this connection brought in:
 * - keep: they keep their attributes as they are now;
 * - anonymise: email, name, phone, description, address and metadata attributes are removed;
 * - delete: they are deleted with their billing events, unless the product API also knows them
 *   (activity or custom attributes), in which case only their Stripe data is cleared.
 * Contacts also linked to another connection are recomputed from what remains.
 */
export async function removeImportedData(db: Db, args: { workspaceId: string; connectionId: string; choice: ImportedDataChoice; mapping: unknown }) {
  const links = await db.contactStripeLink.findMany({ where: { connectionId: args.connectionId }, select: { contactId: true } })
  const touched = [...new Set(links.map((l) => l.contactId))]
  const shared = await db.contactStripeLink.findMany({ where: { contactId: { in: touched }, connectionId: { not: args.connectionId } } })
  const sharedIds = new Set(shared.map((l) => l.contactId))
  const onlyHere = touched.filter((id) => !sharedIds.has(id))

  await db.$transaction(async (tx) => {
    await tx.contactStripeLink.deleteMany({ where: { connectionId: args.connectionId } })
    await tx.identityConflict.deleteMany({ where: { workspaceId: args.workspaceId, contactId: { in: onlyHere } } })
    for (const table of mirrorTables) await tx.$executeRawUnsafe(`delete from ${table} where connection_id = $1`, args.connectionId)
    await tx.syncRun.deleteMany({ where: { connectionId: args.connectionId } })
    if (args.choice === 'delete') {
      await tx.billingEvent.deleteMany({ where: { connectionId: args.connectionId } })
      const known = await tx.activityEvent.findMany({ where: { contactId: { in: onlyHere } }, select: { contactId: true }, distinct: ['contactId'] })
      const keepers = new Set(known.map((k) => k.contactId))
      const withCustom = await tx.contact.findMany({ where: { id: { in: onlyHere }, NOT: { customAttributes: { equals: {} } } }, select: { id: true } })
      for (const c of withCustom) keepers.add(c.id)
      const doomed = onlyHere.filter((id) => !keepers.has(id))
      await tx.segmentMembership.deleteMany({ where: { contactId: { in: doomed } } })
      await tx.segmentMembershipChange.deleteMany({ where: { contactId: { in: doomed } } })
      await tx.contact.deleteMany({ where: { workspaceId: args.workspaceId, id: { in: doomed } } })
      await tx.contact.updateMany({ where: { workspaceId: args.workspaceId, id: { in: [...keepers] } }, data: { isStripeLinked: false, attributes: {}, subscriptionStatus: null, mrr: 0 } })
    } else if (args.choice === 'anonymise') {
      const parsed = parseStoredMapping(args.mapping ?? defaultMapping())
      const mapping = parsed.ok ? parsed.mapping : defaultMapping()
      const personalTargets = [...mapping.fields.filter((f) => personalFieldKeys.has(f.key)).map((f) => f.target), ...mapping.metadata.map((m) => m.target)]
      await tx.$executeRawUnsafe(
        `update contacts set email = null, name = null, is_stripe_linked = false, attributes = attributes - $3::text[], updated_at = (now() at time zone 'utc')
         where workspace_id = $1 and id = any($2::text[])`,
        args.workspaceId,
        onlyHere,
        personalTargets,
      )
    } else {
      await tx.contact.updateMany({ where: { workspaceId: args.workspaceId, id: { in: onlyHere } }, data: { isStripeLinked: false } })
    }
  })

  const byConnection = new Map<string, string[]>()
  for (const l of shared) byConnection.set(l.connectionId, [...(byConnection.get(l.connectionId) ?? []), l.customerId])
  for (const [connectionId, customerIds] of byConnection) await recomputeContacts(db, { connectionId, customerIds, now: new Date() })
  return { contacts: touched.length, removedOrAnonymised: args.choice === 'keep' ? 0 : onlyHere.length }
}
