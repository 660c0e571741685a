import type Stripe from 'stripe'
import { z } from 'zod'
import { expandDiscountCoupons } from './discount-coupons'
import { canReadCoupons } from './permissions'
import { completeSubscriptionItems } from './subscription-items'

// Account-wide list endpoints, one page at a time: `limit=100` (Stripe's maximum), a
// `created[gte|lt]` range and a `starting_after` cursor. The backfill never calls per customer.
//
// Expansion choices (each saves calls or fills a field the derivations need):
// - subscriptions: `status=all` (the default hides canceled and incomplete_expired); items and
//   their prices come embedded (`items.data[].price`), so no per-subscription call — except for
//   the rare subscription with more than 10 items, whose rest is listed (subscription-items.ts).
// - prices: `expand[]=data.tiers`, since Stripe returns tiers only when expanded and MRR needs
//   them for tiered prices. One list for the whole catalog, instead of one call per price.
// - discounts: with the optional Coupons read permission (lib/stripe/permissions.ts), a
//   subscription's discounts and a customer's discount come with their coupon expanded
//   (`data.discounts.source.coupon`: Stripe's four levels, `data.` included), so MRR can
//   subtract them with no extra call. Item discounts can only come one level shallower, their
//   coupon an id, retrieved once per distinct coupon (discount-coupons.ts; rare). A coupon's
//   amount, percentage and duration never change after creation, so the embedded copy cannot
//   go stale. Without the permission Stripe refuses the expansion (403): discounts stay ids and
//   MRR explains it did not count them.

export const backfillObjectTypes = ['products', 'prices', 'customers', 'subscriptions', 'invoices', 'charges', 'checkout_sessions'] as const
export type BackfillObjectType = (typeof backfillObjectTypes)[number]
export const backfillObjectTypeSchema = z.enum(backfillObjectTypes)

export const PAGE_SIZE = 100

export type PageQuery = { gte?: number | null; lt?: number | null; startingAfter?: string | null; limit?: number }
export type ListedObject = { id: string; created: number } & Record<string, unknown>
/** `calls`: HTTP requests this page took (more than 1 only for the rare follow-ups: >10 subscription items, item-discount coupons). */
export type Page = { data: ListedObject[]; hasMore: boolean; calls: number }

const pageSchema = z.object({
  data: z.array(z.looseObject({ id: z.string().min(1), created: z.number().int() })),
  has_more: z.boolean(),
})

type ListParams = { limit: number; created?: { gte?: number; lt?: number }; starting_after?: string }

function listParams(q: PageQuery): ListParams {
  const created = { ...(q.gte != null && { gte: q.gte }), ...(q.lt != null && { lt: q.lt }) }
  return {
    limit: q.limit ?? PAGE_SIZE,
    ...(Object.keys(created).length > 0 && { created }),
    ...(q.startingAfter && { starting_after: q.startingAfter }),
  }
}

/** What the connection's key may expand (from its stored permission check). */
export type ListOptions = { canReadCoupons?: boolean }
export const listOptionsOf = (connection: { permissions: unknown }): ListOptions => ({ canReadCoupons: canReadCoupons(connection) })

/** `expand[]` for list pages: each path prefixed with `data.`. */
export function discountExpansions(type: 'subscriptions' | 'customers', options: ListOptions): string[] {
  if (!options.canReadCoupons) return []
  return type === 'subscriptions' ? ['data.discounts.source.coupon', 'data.items.data.discounts'] : ['data.discount.source.coupon']
}

type Listed = { list: unknown; calls: number }
const one = (list: Promise<unknown>): Promise<Listed> => list.then((l) => ({ list: l, calls: 1 }))

const withExpand = (expand: string[]) => (expand.length > 0 ? { expand } : {})

const listers: Record<BackfillObjectType, (stripe: Stripe, p: ListParams, o: ListOptions) => Promise<Listed>> = {
  customers: (s, p, o) => one(s.customers.list({ ...p, ...withExpand(discountExpansions('customers', o)) })),
  subscriptions: async (s, p, o) => {
    const list = await s.subscriptions.list({ ...p, status: 'all', ...withExpand(discountExpansions('subscriptions', o)) })
    let calls = 1
    for (const subscription of list.data) calls += await completeSubscriptionItems(s, subscription)
    // Item discounts arrive with their coupon as an id (the depth limit): usually none at all.
    if (o.canReadCoupons) calls += await expandDiscountCoupons(s, list.data)
    return { list, calls }
  },
  invoices: (s, p) => one(s.invoices.list(p)),
  charges: (s, p) => one(s.charges.list(p)),
  // Stripe sends a price's tiers only when asked, and accepts the expansion on every price.
  prices: (s, p) => one(s.prices.list({ ...p, expand: ['data.tiers'] })),
  products: (s, p) => one(s.products.list(p)),
  checkout_sessions: (s, p) => one(s.checkout.sessions.list(p)),
}

/** One page of one object type, validated: every object has a string id and integer `created`. */
export async function fetchListPage(stripe: Stripe, type: BackfillObjectType, query: PageQuery, options: ListOptions = {}): Promise<Page> {
  const { list, calls } = await listers[type](stripe, listParams(query), options)
  const page = pageSchema.parse(list)
  return { data: page.data as ListedObject[], hasMore: page.has_more, calls }
}
