import type { Db } from '../db'
import { recomputeContacts } from './recompute-contacts'

/** Contact ids are announced (contact/updated) at most this many per event. */
export const CONTACT_EVENT_CHUNK = 500

export type ContactsPage = { workspaceId: string; contactIdChunks: string[][]; nextAfterCustomerId: string | null; customers: number }

/**
 * Recomputes the contacts of a connection's mirrored customers, a few batches at a time in
 * customer-id order, from the mirror only (no Stripe call). Used at the end of a backfill and
 * after the field mapping changed; callers chain pages with `nextAfterCustomerId` so no single
 * run grows long.
 */
export async function recomputeConnectionContacts(
  db: Db,
  args: { connectionId: string; afterCustomerId: string | null; now: Date; batchSize?: number; maxBatches?: number; recompute?: (db: Db, args: { connectionId: string; customerIds: string[]; now: Date }) => Promise<{ contactIds: string[] }> },
): Promise<ContactsPage> {
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { workspaceId: true } })
  const recompute = args.recompute ?? recomputeContacts
  const batchSize = Math.min(args.batchSize ?? CONTACT_EVENT_CHUNK, CONTACT_EVENT_CHUNK)
  const page: ContactsPage = { workspaceId: connection.workspaceId, contactIdChunks: [], nextAfterCustomerId: null, customers: 0 }
  let after = args.afterCustomerId
  for (let i = 0; i < (args.maxBatches ?? 4); i++) {
    const rows = await db.stripeCustomer.findMany({
      where: { connectionId: args.connectionId, deletedAt: null, ...(after !== null && { id: { gt: after } }) },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    })
    if (rows.length === 0) return page
    const { contactIds } = await recompute(db, { connectionId: args.connectionId, customerIds: rows.map((r) => r.id), now: args.now })
    for (let j = 0; j < contactIds.length; j += CONTACT_EVENT_CHUNK) page.contactIdChunks.push(contactIds.slice(j, j + CONTACT_EVENT_CHUNK))
    page.customers += rows.length
    after = rows.at(-1)?.id ?? after
    if (rows.length < batchSize) return page
  }
  return { ...page, nextAfterCustomerId: after }
}
