import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'
import type { BundleSubscription } from '../sync/customer-bundle'
import { pickPrimarySubscription } from '../sync/primary-subscription'
import { pickRepresentative, representativeRule } from '../sync/recompute-contacts'
import { stripeDashboardUrl } from './stripe-dashboard'

// Identity conflicts of one connection (SPEC F9): Stripe customers that share an email and so
// share one contact. Nothing is overwritten silently: all are linked, and the contact shows the
// attributes of one of them, chosen by recompute-contacts' rule (repeated here from the same
// function, so the page can never disagree with what the contact shows).

const customerDataSchema = z.looseObject({ id: z.string(), name: z.string().nullish(), email: z.string().nullish(), created: z.number() })
const subscriptionDataSchema = z.looseObject({ id: z.string(), status: z.string(), created: z.number() })

export interface IdentityConflictView {
  id: string
  contactId: string
  email: string
  detectedAt: string
  customers: { id: string; name: string | null; email: string | null; created: string; subscriptionStatus: string | null; isShown: boolean; isMissing: boolean; dashboardUrl: string | null }[]
}

export async function listIdentityConflicts(db: Db, args: { workspaceId: string; connectionId: string }): Promise<{ connection: { id: string; accountId: string | null; accountName: string | null; mode: 'live' | 'test'; isSandbox: boolean }; rule: string; conflicts: IdentityConflictView[] }> {
  const connection = await db.stripeConnection.findFirst({ where: { id: args.connectionId, workspaceId: args.workspaceId }, select: { id: true, accountId: true, accountName: true, mode: true, apiBase: true } })
  if (!connection) throw new AppError('not_found', 'This Stripe connection does not exist in this workspace.')

  // Conflicts carry no connection: those whose contact is linked to a customer of this one.
  const contactIds = (
    await db.contactStripeLink.findMany({ where: { connectionId: connection.id, workspaceId: args.workspaceId }, select: { contactId: true }, distinct: ['contactId'] })
  ).map((l) => l.contactId)
  const conflicts = contactIds.length
    ? await db.identityConflict.findMany({ where: { workspaceId: args.workspaceId, resolvedAt: null, contactId: { in: contactIds } }, orderBy: [{ detectedAt: 'desc' }, { id: 'asc' }], take: 500 })
    : []
  const customerIds = [...new Set(conflicts.flatMap((c) => c.customerIds))]
  const [customerRows, subscriptionRows] = customerIds.length
    ? await Promise.all([
        db.stripeCustomer.findMany({ where: { connectionId: connection.id, id: { in: customerIds } } }),
        db.stripeSubscription.findMany({ where: { connectionId: connection.id, customerId: { in: customerIds }, deletedAt: null }, select: { customerId: true, data: true } }),
      ])
    : [[], []]

  const subsByCustomer = new Map<string, BundleSubscription[]>()
  for (const row of subscriptionRows) {
    const parsed = subscriptionDataSchema.safeParse(row.data)
    if (!parsed.success) continue
    const list = subsByCustomer.get(row.customerId) ?? []
    list.push(parsed.data as unknown as BundleSubscription)
    subsByCustomer.set(row.customerId, list)
  }
  const customers = new Map(
    customerRows.flatMap((row) => {
      const parsed = customerDataSchema.safeParse(row.data)
      return parsed.success && !row.deletedAt ? [[row.id, { customerId: row.id, customer: parsed.data, primary: pickPrimarySubscription(subsByCustomer.get(row.id) ?? []) }] as const] : []
    }),
  )

  return {
    connection: { id: connection.id, accountId: connection.accountId, accountName: connection.accountName, mode: connection.mode, isSandbox: connection.apiBase !== null },
    rule: representativeRule,
    conflicts: conflicts.map((conflict) => {
      const known = conflict.customerIds.flatMap((id) => {
        const c = customers.get(id)
        return c ? [c] : []
      })
      const shown = pickRepresentative(known)
      return {
        id: conflict.id,
        contactId: conflict.contactId,
        email: conflict.email,
        detectedAt: conflict.detectedAt.toISOString(),
        customers: conflict.customerIds.map((id) => {
          const c = customers.get(id)
          return {
            id,
            name: c?.customer.name ?? null,
            email: c?.customer.email ?? null,
            created: c ? new Date(c.customer.created * 1000).toISOString() : '',
            subscriptionStatus: c?.primary?.status ?? null,
            isShown: shown?.customerId === id,
            isMissing: !c,
            dashboardUrl: stripeDashboardUrl(connection, 'customer', id),
          }
        }),
      }
    }),
  }
}
