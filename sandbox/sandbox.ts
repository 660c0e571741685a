// The sandbox itself: accounts with their keys, data, clocks, faults and webhook queues.

import { randomBytes } from 'node:crypto'
import type { KeyEntry, Resource } from './auth'
import { F2_PERMISSIONS } from './auth'
import type { BillingContext } from './billing'
import { generateAccount } from './generate'
import { buildCustomer, buildEvent, buildById, buildDeleted } from './objects'
import { Random } from './random'
import type { CustomerRec, EventRec } from './records'
import { Account, type ApiKey, type Permission } from './store'
import { DEFAULT_DELIVERY, type DeliveryOptions, WebhookDispatcher } from './webhooks'

export interface CreateAccountOptions {
  customers?: number
  seed?: number
  name?: string
  /** End of generated history, unix seconds. Default: now, floored to the UTC day. */
  now?: number
  /** Extra customers billed in yen (zero-decimal), added without changing the others. Default 0. */
  jpyCustomers?: number
}

export interface AccountKeys {
  accountId: string
  secretKey: string
  publishableKey: string
  restrictedKey: string
}

export interface AccountRuntime {
  account: Account
  dispatcher: WebhookDispatcher
  ctx: BillingContext
  /** Subscriptions whose card declines until recovered. */
  failing: Set<string>
  /** Subscriptions already sent `customer.subscription.trial_will_end`. */
  trialWillEndSent: Set<string>
  seed: number
  /** Ids of events emitted while an action runs, so the control API can report them. */
  capture: string[] | null
  /**
   * Serialized objects by id, for list pages read again and again (tests, benchmarks, repeated
   * imports). Any change to the account clears it: every change emits an event or is a write.
   */
  jsonCache: Map<string, string>
}

function secretToken(bytes: number): string {
  return randomBytes(bytes).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, Math.ceil(bytes * 1.3))
}

export class Sandbox {
  readonly accounts = new Map<string, AccountRuntime>()
  readonly keys = new Map<string, KeyEntry>()
  private accountCounter = 0

  constructor(
    readonly delivery: DeliveryOptions = DEFAULT_DELIVERY,
    /** The clock the rate limiter refills by (ms); a test can hold it still to count exactly. */
    readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  createAccount(options: CreateAccountOptions = {}): AccountKeys {
    const seed = options.seed ?? 1
    const customers = options.customers ?? 100
    const now = options.now ?? Math.floor(Date.now() / 86_400_000) * 86_400
    this.accountCounter += 1
    const idRng = new Random((seed * 7919 + this.accountCounter) >>> 0)
    let accountId = `acct_1${idRng.token(15)}`
    while (this.accounts.has(accountId)) accountId = `acct_1${idRng.token(15)}`
    const name = options.name ?? `Sandbox ${this.accountCounter}`
    // History ends at `now`. Without an explicit `now` the clock is wall time (history ends at
    // midnight UTC, so the same seed gives the same data all day); with one, it starts there.
    const startedAt = Math.floor(Date.now() / 1000)
    const wall = options.now === undefined ? undefined : () => now + (Math.floor(Date.now() / 1000) - startedAt)
    const account = new Account(accountId, name, wall)
    generateAccount(account, { customers, seed, now, jpyCustomers: options.jpyCustomers ?? 0 })
    const rng = new Random((seed ^ 0x7a11) >>> 0)
    const dispatcher = new WebhookDispatcher(account, rng, this.delivery)
    const runtime: AccountRuntime = {
      account,
      dispatcher,
      failing: new Set(),
      // Generated history already sent `trial_will_end` for trials ending within 3 days of `now`.
      trialWillEndSent: new Set(
        account.subscriptions.all.items.filter((s) => s.status === 'trialing' && s.trialEnd !== null && s.trialEnd - 3 * 86_400 <= now).map((s) => s.id),
      ),
      seed,
      capture: null,
      jsonCache: new Map(),
      ctx: {
        account,
        rng,
        sorted: true,
        emit: (type, objectType, id, at, previous) => {
          this.emitEvent(runtime, type, objectType, id, at, previous)
        },
      },
    }
    this.accounts.set(accountId, runtime)
    const secretKey = this.createKey(accountId, 'secret').key
    const publishableKey = this.createKey(accountId, 'publishable').key
    const restrictedKey = this.createKey(accountId, 'restricted', { ...F2_PERMISSIONS }, 'Churnless (F2)').key
    return { accountId, secretKey, publishableKey, restrictedKey }
  }

  getAccount(accountId: string): AccountRuntime | undefined {
    return this.accounts.get(accountId)
  }

  createKey(
    accountId: string,
    type: ApiKey['type'],
    permissions: Partial<Record<Resource, Permission>> = {},
    name: string | null = null,
  ): ApiKey {
    const runtime = this.accounts.get(accountId)
    if (!runtime) throw new Error(`no account ${accountId}`)
    const prefix = type === 'secret' ? 'sk_test_51' : type === 'publishable' ? 'pk_test_51' : 'rk_test_51'
    const key: ApiKey = {
      key: `${prefix}${secretToken(72)}`,
      type,
      permissions: { ...permissions },
      revoked: false,
      revokeAfter: null,
      requests: 0,
      name,
    }
    runtime.account.keys.set(key.key, key)
    this.keys.set(key.key, { account: runtime.account, key })
    return key
  }

  revokeKey(key: string): boolean {
    const entry = this.keys.get(key)
    if (!entry) return false
    entry.key.revoked = true
    return true
  }

  private emitEvent(
    runtime: AccountRuntime,
    type: string,
    objectType: EventRec['objectType'],
    id: string,
    at: number,
    previous?: Record<string, unknown>,
  ): void {
    const { account, dispatcher, ctx } = runtime
    runtime.jsonCache.clear()
    let snapshot: unknown
    if (objectType === 'customer') {
      const c = account.customers.get(id) as CustomerRec | undefined
      snapshot = c ? buildCustomer(c) : buildDeleted(id, 'customer')
    } else {
      snapshot = buildById(account, id) ?? buildDeleted(id, objectType)
    }
    const event: EventRec = {
      id: ctx.rng.id('evt'),
      created: at,
      seq: account.nextSeq(),
      type,
      objectType,
      objectId: id,
      snapshot,
      state: null,
      previousAttributes: previous ?? null,
      pendingWebhooks: 0,
      deliverySuccess: null,
      requestId: null,
    }
    let pending = 0
    for (const endpoint of account.webhookEndpoints.all.items) {
      if (endpoint.status === 'enabled' && (endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type))) pending += 1
    }
    event.pendingWebhooks = pending
    event.deliverySuccess = pending === 0
    account.events.add(event)
    runtime.capture?.push(event.id)
    if (pending > 0) dispatcher.enqueue(event, JSON.stringify(buildEvent(account, event)))
  }

  /** Runs an action and returns what it returned plus the ids of the events it emitted. */
  capture<T>(runtime: AccountRuntime, action: () => T): { result: T; events: string[] } {
    const events: string[] = []
    runtime.capture = events
    try {
      return { result: action(), events }
    } finally {
      runtime.capture = null
    }
  }

  /** Waits until every account's webhook queue is idle (tests). */
  async webhooksIdle(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((r) => r.dispatcher.idle()))
  }

  close(): void {
    for (const runtime of this.accounts.values()) runtime.dispatcher.close()
  }
}
