import type Stripe from 'stripe'

// Where discounts sit on the objects MRR reads, and filling in their coupons. Stripe allows at
// most four levels of `expand[]`, counting a list's `data.`: a subscription list can bring its
// own discounts with their coupons (`data.discounts.source.coupon`) but its items' discounts
// only as objects whose coupon is an id (`data.items.data.discounts`). Those coupons — item
// discounts are rare — are retrieved once per distinct id; a coupon's amount, percentage and
// duration never change after creation, so one copy serves every discount that uses it.

export type Json = Record<string, unknown>
export type DiscountSlot = { get: () => unknown; set: (value: unknown) => void }

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The coupon of a discount: `source.coupon` (current API versions) or `coupon` (before 2025). */
export function couponRefOf(discount: Json): unknown {
  return isObject(discount.source) && 'coupon' in discount.source ? discount.source.coupon : discount.coupon
}

/** The discount with its coupon replaced, in whichever shape it came. */
export function withCoupon(discount: Json, coupon: Json): Json {
  return isObject(discount.source) && 'coupon' in discount.source ? { ...discount, source: { ...discount.source, coupon } } : { ...discount, coupon }
}

/** Every discount entry of a subscription (its own, its items', the legacy single one) or a customer. */
export function discountSlots(object: unknown): DiscountSlot[] {
  if (!isObject(object)) return []
  const slots: DiscountSlot[] = []
  const listSlots = (owner: Json) => {
    const list = owner.discounts
    if (!Array.isArray(list)) return
    for (let i = 0; i < list.length; i++) {
      slots.push({
        get: () => list[i],
        set: (v) => {
          list[i] = v
        },
      })
    }
  }
  listSlots(object)
  const items = isObject(object.items) && Array.isArray(object.items.data) ? (object.items.data as unknown[]) : []
  for (const item of items) if (isObject(item)) listSlots(item)
  if ('discount' in object) {
    slots.push({
      get: () => object.discount,
      set: (v) => {
        object.discount = v
      },
    })
  }
  return slots
}

/**
 * Retrieves the coupons that expanded discounts still name by id, once per id, and puts them in
 * place. Only for keys with Coupons read. Returns the API calls it made (0 in the common case).
 */
export async function expandDiscountCoupons(stripe: Stripe, objects: readonly unknown[]): Promise<number> {
  const waiting = new Map<string, DiscountSlot[]>()
  for (const object of objects) {
    for (const slot of discountSlots(object)) {
      const d = slot.get()
      const ref = isObject(d) ? couponRefOf(d) : null
      if (typeof ref === 'string') waiting.set(ref, [...(waiting.get(ref) ?? []), slot])
    }
  }
  for (const [id, slots] of waiting) {
    const coupon = (await stripe.coupons.retrieve(id)) as unknown as Json
    for (const slot of slots) slot.set(withCoupon(slot.get() as Json, coupon))
  }
  return waiting.size
}
