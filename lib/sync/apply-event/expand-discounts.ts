import type Stripe from 'stripe'
import { couponRefOf, discountSlots, expandDiscountCoupons, isObject, type Json, withCoupon } from '../../stripe/discount-coupons'
import type { MirrorObject } from '../mirror-write'

// Webhooks carry a subscription's discounts as ids and a discount's coupon as an id
// (stripe-shapes trap 6), where the backfill — with the optional Coupons read permission — stored
// them expanded (lib/stripe/list-pages.ts). Written as they arrive, every event would turn a
// counted discount back into an unresolved id and raise the stored MRR. So before a subscription
// or customer from an event replaces the mirror's copy:
// 1. ids the mirror already holds expanded are put back (a discount's coupon never changes its
//    amount, percentage or duration, so any expanded copy of it is as good as a fresh one);
// 2. what is still an id is fetched once, the object retrieved with the same expansions — only
//    when the key may read coupons (otherwise Stripe refuses, and MRR explains the gap);
// 3. anything left stays an id: MRR then reports that discount as not counted, never guesses.
// The event's own object stays the base: only discount entries are replaced, so the fetch never
// moves the rest of the object to a different moment than the event's.

export type DiscountOwner = 'subscription' | 'customer'

type Discount = Json & { id?: unknown; source?: { coupon?: unknown } | null; coupon?: unknown }

/** The backfill's list expansions without the `data.` prefix (lib/stripe/list-pages.ts). */
export const retrieveExpansions: Record<DiscountOwner, string[]> = {
  subscription: ['discounts.source.coupon', 'items.data.discounts'],
  customer: ['discount.source.coupon'],
}

/** Expanded discounts and coupons found in some objects, by id. */
export function knownDiscounts(objects: readonly unknown[]): { discounts: Map<string, Discount>; coupons: Map<string, Json> } {
  const discounts = new Map<string, Discount>()
  const coupons = new Map<string, Json>()
  for (const o of objects) {
    if (!isObject(o)) continue
    for (const slot of discountSlots(o)) {
      const d = slot.get()
      if (!isObject(d)) continue
      const coupon = couponRefOf(d)
      if (isObject(coupon) && typeof coupon.id === 'string') coupons.set(coupon.id, coupon)
      // Prefer a copy whose coupon is expanded.
      if (typeof d.id === 'string' && (!discounts.has(d.id) || isObject(coupon))) discounts.set(d.id, d)
    }
  }
  return { discounts, coupons }
}

/**
 * Replaces discount ids and coupon ids in `object` with expanded copies from `known`; returns
 * the copy and how many entries are still ids. Pure: `object` is not modified.
 */
export function fillDiscounts(object: MirrorObject, known: ReturnType<typeof knownDiscounts>): { object: MirrorObject; unresolved: number } {
  // A JSON copy, not structuredClone: a re-fetched SDK object holds Decimal instances whose
  // `toJSON` a structured clone would drop (their BigInt then fails to serialize).
  const out = JSON.parse(JSON.stringify(object)) as MirrorObject
  let unresolved = 0
  for (const slot of discountSlots(out)) {
    let d = slot.get()
    if (d === null || d === undefined) continue
    if (typeof d === 'string') d = known.discounts.get(d) ?? d
    if (typeof d === 'string') {
      unresolved++
      continue
    }
    if (!isObject(d)) continue
    const ref = couponRefOf(d)
    if (typeof ref === 'string') {
      const coupon = known.coupons.get(ref)
      if (coupon) d = withCoupon(d, coupon)
      else unresolved++
    }
    slot.set(d)
  }
  return { object: out, unresolved }
}

/** `canReadCoupons`: the connection's key has the optional Coupons read (lib/stripe/permissions.ts). */
export type ExpandDeps = { stripe: () => Stripe; canReadCoupons: boolean }

/** The object to mirror, with its discounts expanded as far as the mirror and (if allowed) Stripe can. */
export async function expandEventDiscounts(deps: ExpandDeps, args: { type: DiscountOwner; object: MirrorObject; previous: unknown }): Promise<MirrorObject> {
  const fromMirror = fillDiscounts(args.object, knownDiscounts([args.previous]))
  if (fromMirror.unresolved === 0 || !deps.canReadCoupons) return fromMirror.object
  let fetched: unknown
  try {
    const expand = retrieveExpansions[args.type]
    const stripe = deps.stripe()
    fetched = args.type === 'subscription' ? await stripe.subscriptions.retrieve(args.object.id, { expand }) : await stripe.customers.retrieve(args.object.id, { expand })
    await expandDiscountCoupons(stripe, [fetched])
  } catch (error) {
    // The permission was withdrawn since the key was checked (403), or the object is gone (404):
    // the event still applies, its discounts stay ids and MRR says they were not counted.
    const status = (error as { statusCode?: number }).statusCode
    if (status === 403 || status === 404) return fromMirror.object
    throw error
  }
  return fillDiscounts(fromMirror.object, knownDiscounts([fetched, args.previous])).object
}
