// One sandbox account's data: collections kept sorted by (created, seq) so lists are newest
// first with a stable tiebreak, plus per-customer/per-subscription indexes for filtered lists.

import type Stripe from 'stripe'
import type {
  ChargeRec,
  CheckoutSessionRec,
  CustomerRec,
  EventRec,
  InvoiceRec,
  Ordered,
  PaymentMethodRec,
  RefundRec,
  SubscriptionRec,
  WebhookEndpointRec,
} from './records'

export function compareOrder(a: Ordered, b: Ordered): number {
  return a.created - b.created || a.seq - b.seq
}

/** Ascending by (created, seq); lists read it backwards. */
export class SortedList<T extends Ordered> {
  readonly items: T[] = []

  add(item: T): void {
    const last = this.items[this.items.length - 1]
    if (!last || compareOrder(last, item) < 0) {
      this.items.push(item)
      return
    }
    this.items.splice(this.lowerBound(item.created, item.seq), 0, item)
  }

  remove(item: T): void {
    const i = this.lowerBound(item.created, item.seq)
    if (this.items[i] === item) this.items.splice(i, 1)
  }

  /** First index whose (created, seq) is >= the given key. */
  lowerBound(created: number, seq: number): number {
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const m = this.items[mid] as T
      if (m.created < created || (m.created === created && m.seq < seq)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * Rebuild after bulk loading (the generator). Items were pushed in seq order, so the push
   * index is a valid tiebreak: one numeric key per item lets the native typed-array sort do it.
   */
  sort(): void {
    const n = this.items.length
    if (n >= 1 << 22) {
      this.items.sort(compareOrder)
      return
    }
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) keys[i] = (this.items[i] as T).created * 4_194_304 + i
    keys.sort()
    const sorted = new Array<T>(n)
    for (let i = 0; i < n; i++) sorted[i] = this.items[(keys[i] as number) % 4_194_304] as T
    this.items.length = 0
    for (let i = 0; i < n; i++) this.items.push(sorted[i] as T)
  }
}

interface Index<T extends Ordered> {
  key: (item: T) => string | null
  lists: Map<string, SortedList<T>> | null
}

export class Collection<T extends Ordered> {
  readonly all = new SortedList<T>()
  readonly byId = new Map<string, T>()
  /** Secondary indexes are built on first use, then kept up to date: generation stays cheap. */
  private readonly indexes = new Map<string, Index<T>>()
  private readonly indexList: Index<T>[] = []

  constructor(indexKeys: Record<string, (item: T) => string | null> = {}) {
    for (const [name, key] of Object.entries(indexKeys)) {
      const index: Index<T> = { key, lists: null }
      this.indexes.set(name, index)
      this.indexList.push(index)
    }
  }

  add(item: T, sorted = true): void {
    this.byId.set(item.id, item)
    if (sorted) this.all.add(item)
    else this.all.items.push(item)
    for (let i = 0; i < this.indexList.length; i++) {
      const index = this.indexList[i] as Index<T>
      if (index.lists === null) continue
      const k = index.key(item)
      if (k === null) continue
      let list = index.lists.get(k)
      if (!list) {
        list = new SortedList<T>()
        index.lists.set(k, list)
      }
      if (sorted) list.add(item)
      else list.items.push(item)
    }
  }

  /** Removes from lists but keeps the id known, so a cursor naming it still works. */
  hide(item: T): void {
    this.all.remove(item)
    for (const index of this.indexes.values()) {
      const k = index.key(item)
      if (k !== null) index.lists?.get(k)?.remove(item)
    }
  }

  /** Call when a record's indexed key changes (e.g. a customer's email). */
  reindex(item: T, name: string, oldKey: string | null): void {
    const index = this.indexes.get(name)
    if (!index?.lists) return
    if (oldKey !== null) index.lists.get(oldKey)?.remove(item)
    const k = index.key(item)
    if (k === null) return
    let list = index.lists.get(k)
    if (!list) {
      list = new SortedList<T>()
      index.lists.set(k, list)
    }
    list.add(item)
  }

  get(id: string): T | undefined {
    return this.byId.get(id)
  }

  /** The list to page through: the whole collection or one index bucket. */
  listFor(indexName: string | null, key: string | null): SortedList<T> {
    if (indexName === null || key === null) return this.all
    const index = this.indexes.get(indexName)
    if (!index) throw new Error(`no index ${indexName}`)
    if (index.lists === null) {
      const lists = new Map<string, SortedList<T>>()
      // `all` is sorted once generation ends, so buckets filled in its order are sorted too.
      for (const item of this.all.items) {
        const k = index.key(item)
        if (k === null) continue
        let list = lists.get(k)
        if (!list) {
          list = new SortedList<T>()
          lists.set(k, list)
        }
        list.items.push(item)
      }
      index.lists = lists
    }
    return index.lists.get(key) ?? new SortedList<T>()
  }

  sortAll(): void {
    this.all.sort()
    for (const index of this.indexes.values()) if (index.lists) for (const list of index.lists.values()) list.sort()
  }

  get size(): number {
    return this.all.items.length
  }
}

/** Catalog objects are few: they are stored whole. */
export interface Stored<T> extends Ordered {
  obj: T
}

export type Permission = 'none' | 'read' | 'write'

export interface ApiKey {
  key: string
  type: 'secret' | 'publishable' | 'restricted'
  /** Restricted keys only: resource → level (resources as in `rak_<resource>_<level>`). */
  permissions: Record<string, Permission>
  revoked: boolean
  /** Revoke automatically after this many more authenticated requests (fault switch). */
  revokeAfter: number | null
  requests: number
  name: string | null
}

export interface Faults {
  /** Requests per second allowed per account; null = unlimited. */
  rateLimit: number | null
  /** Share of 429s that are `lock_timeout` instead of rate limits (0–1). */
  lockTimeoutRate: number
  /** Share of requests answered with a random 500/502/503 (0–1). */
  errorRate: number
  /** Extra latency per request in ms. */
  latencyMs: number
  /** Webhook delivery faults (0–1 each). */
  dropRate: number
  duplicateRate: number
  /** Hold deliveries and send them in shuffled batches of this size (0/1 = off). */
  reorderWindow: number
}

export const NO_FAULTS: Faults = {
  rateLimit: null,
  lockTimeoutRate: 0,
  errorRate: 0,
  latencyMs: 0,
  dropRate: 0,
  duplicateRate: 0,
  reorderWindow: 0,
}

export class Account {
  readonly customers = new Collection<CustomerRec>({ email: (c) => c.email })
  readonly subscriptions = new Collection<SubscriptionRec>({ customer: (s) => s.customer })
  readonly invoices = new Collection<InvoiceRec>({ customer: (i) => i.customer, subscription: (i) => i.subscription })
  readonly charges = new Collection<ChargeRec>({ customer: (c) => c.customer })
  readonly refunds = new Collection<RefundRec>({ charge: (r) => r.charge })
  readonly paymentMethods = new Collection<PaymentMethodRec>({ customer: (p) => p.customer })
  readonly checkoutSessions = new Collection<CheckoutSessionRec>({ customer: (s) => s.customer })
  readonly prices = new Collection<Stored<Stripe.Price>>()
  readonly products = new Collection<Stored<Stripe.Product>>()
  readonly coupons = new Collection<Stored<Stripe.Coupon>>()
  readonly events = new Collection<EventRec>()
  readonly webhookEndpoints = new Collection<WebhookEndpointRec>()
  readonly keys = new Map<string, ApiKey>()
  /** Discount id → subscription id, so `expand[]=discounts` can find a discount. */
  readonly discountOwners = new Map<string, string>()
  faults: Faults = { ...NO_FAULTS }
  /** Seconds added to wall time by "advance clock". */
  clockOffset = 0
  private seqCounter = 0

  constructor(
    readonly id: string,
    readonly name: string,
    /** Wall-clock reader, injectable for tests. */
    private readonly wallNow: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  nextSeq(): number {
    this.seqCounter += 1
    return this.seqCounter
  }

  /** The account's clock in whole seconds: wall time plus any advance. */
  now(): number {
    return this.wallNow() + this.clockOffset
  }
}
