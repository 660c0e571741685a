import type Stripe from 'stripe'
import type { MirrorObject, MirrorType } from '../mirror-write'

// One handler per event family (dub's pattern): which events it takes, which mirror table the
// object goes to, whose contact it touches, and how to fetch the truth from Stripe when an event
// cannot be trusted (a same-second tie, an apparent regression, a thin event).

export type EventHandler = {
  types: readonly string[]
  /** The mirror table of `data.object`; null when the object is not mirrored. */
  mirror: MirrorType | null
  /** The event type is the deletion signal (stripe-shapes trap 4), never the object's shape. */
  isDeletion?: (type: string) => boolean
  /** Stripe customers whose contacts this object changes. */
  customerIdsOf: (object: MirrorObject) => string[]
  /** The object as Stripe holds it now; null when Stripe no longer has it (deleted). */
  retrieve?: (stripe: Stripe, id: string) => Promise<MirrorObject | null>
}

export const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null

export const customerOf = (object: MirrorObject): string[] => {
  const id = idOf(object.customer)
  return id ? [id] : []
}

/** Stripe answers 404 `resource_missing` for objects that are gone. */
export async function retrieveOrNull<T>(fetch: () => Promise<T>): Promise<MirrorObject | null> {
  try {
    const object = (await fetch()) as unknown as MirrorObject & { deleted?: boolean }
    return object
  } catch (error) {
    if ((error as { statusCode?: number; code?: string }).statusCode === 404 || (error as { code?: string }).code === 'resource_missing') return null
    throw error
  }
}
