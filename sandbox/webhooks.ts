// Signed webhook delivery: Stripe-Signature `t=…,v1=…` (HMAC-SHA256 over `${t}.${body}`),
// retries with backoff on non-2xx, and fault switches that drop, duplicate or reorder deliveries.

import { createHmac } from 'node:crypto'
import type { Random } from './random'
import type { EventRec, WebhookEndpointRec } from './records'
import type { Account } from './store'

export function signPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')
  return `t=${timestamp},v1=${signature}`
}

export function endpointWants(endpoint: WebhookEndpointRec, type: string): boolean {
  return endpoint.status === 'enabled' && (endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type))
}

export interface DeliveryRecord {
  eventId: string
  endpointId: string
  attempt: number
  status: number | null
  error: string | null
  at: number
  /** Order in which the dispatcher sent it (1, 2, …): `log` itself is in order of completion. */
  sent: number
  /** Why the sandbox did something unusual with this delivery (fault switches). */
  fault: 'dropped' | 'duplicated' | null
}

export interface DeliveryOptions {
  /** Delay before retry n (1-based) is `retryBaseMs * 2^(n-1)`. Stripe waits hours; tests don't. */
  retryBaseMs: number
  /** Attempts in all, the first included (Stripe: up to 3 days of retries in live mode). */
  maxAttempts: number
  timeoutMs: number
}

export const DEFAULT_DELIVERY: DeliveryOptions = { retryBaseMs: 1000, maxAttempts: 8, timeoutMs: 10_000 }

interface Task {
  event: EventRec
  endpoint: WebhookEndpointRec
  payload: string
  attempt: number
}

/** Per-account delivery queue. */
export class WebhookDispatcher {
  readonly log: DeliveryRecord[] = []
  private readonly held: Task[] = []
  private flushTimer: NodeJS.Timeout | null = null
  private readonly timers = new Set<NodeJS.Timeout>()
  private inFlight = 0
  private sentCount = 0
  private idleWaiters: (() => void)[] = []
  private closed = false

  constructor(
    private readonly account: Account,
    private readonly rng: Random,
    private readonly options: DeliveryOptions = DEFAULT_DELIVERY,
  ) {}

  /** Queues an event for every endpoint subscribed to it; returns how many will get it. */
  enqueue(event: EventRec, payload: string): number {
    let count = 0
    for (const endpoint of this.account.webhookEndpoints.all.items) {
      if (!endpointWants(endpoint, event.type)) continue
      count += 1
      this.schedule({ event, endpoint, payload, attempt: 1 })
    }
    return count
  }

  private schedule(task: Task): void {
    const faults = this.account.faults
    if (task.attempt === 1 && faults.dropRate > 0 && this.rng.chance(faults.dropRate)) {
      this.log.push({ eventId: task.event.id, endpointId: task.endpoint.id, attempt: 0, status: null, error: null, at: Date.now(), sent: 0, fault: 'dropped' })
      return
    }
    const duplicate = task.attempt === 1 && faults.duplicateRate > 0 && this.rng.chance(faults.duplicateRate)
    if (faults.reorderWindow > 1) {
      this.held.push(task)
      if (duplicate) this.held.push({ ...task })
      if (this.held.length >= faults.reorderWindow) this.flushHeld()
      else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flushHeld(), 50)
      return
    }
    this.send(task, false)
    if (duplicate) this.send(task, true)
  }

  private flushHeld(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    const batch = this.held.splice(0)
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1))
      const tmp = batch[i] as Task
      batch[i] = batch[j] as Task
      batch[j] = tmp
    }
    for (const task of batch) this.send(task, false)
  }

  private send(task: Task, duplicated: boolean): void {
    if (this.closed) return
    this.inFlight += 1
    const t = Math.floor(Date.now() / 1000)
    const signature = signPayload(task.payload, task.endpoint.secret, t)
    const record: DeliveryRecord = {
      eventId: task.event.id,
      endpointId: task.endpoint.id,
      attempt: task.attempt,
      status: null,
      error: null,
      at: Date.now(),
      sent: ++this.sentCount,
      fault: duplicated ? 'duplicated' : null,
    }
    fetch(task.endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': signature,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: task.payload,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    })
      .then(async (res) => {
        record.status = res.status
        await res.arrayBuffer().catch(() => undefined)
        return res.status >= 200 && res.status < 300
      })
      .catch((err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err)
        return false
      })
      .then((ok) => {
        this.log.push(record)
        if (duplicated) return
        if (ok) {
          task.event.pendingWebhooks = Math.max(0, task.event.pendingWebhooks - 1)
          // Stripe's `delivery_success`: true once every endpoint has acknowledged the event.
          if (task.event.pendingWebhooks === 0) task.event.deliverySuccess = true
        } else {
          task.event.deliverySuccess = false
          if (task.attempt < this.options.maxAttempts && !this.closed) {
            const delay = this.options.retryBaseMs * 2 ** (task.attempt - 1)
            this.inFlight += 1
            const timer = setTimeout(() => {
              this.timers.delete(timer)
              this.inFlight -= 1
              this.send({ ...task, attempt: task.attempt + 1 }, false)
              this.checkIdle()
            }, delay)
            this.timers.add(timer)
          }
        }
      })
      .finally(() => {
        this.inFlight -= 1
        this.checkIdle()
      })
  }

  private checkIdle(): void {
    if (this.inFlight === 0 && this.held.length === 0) {
      const waiters = this.idleWaiters.splice(0)
      for (const w of waiters) w()
    }
  }

  /** Resolves when nothing is in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.held.length > 0) this.flushHeld()
    if (this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  close(): void {
    this.closed = true
    if (this.flushTimer) clearTimeout(this.flushTimer)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.inFlight = 0
    this.checkIdle()
  }
}
