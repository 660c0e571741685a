// TypeScript entry point: start a sandbox in-process (tests, benchmarks, the embedded default).

import type { AddressInfo } from 'node:net'
import type { Resource } from './auth'
import {
  advanceClock,
  cancelAction,
  changeEmail,
  type CreateCustomerInput,
  convertTrialNow,
  createCustomerAction,
  deleteCustomer,
  failPayment,
  recoverPayment,
  refundAction,
  startTrial,
} from './lifecycle'
import { type AccountKeys, type AccountRuntime, type CreateAccountOptions, Sandbox } from './sandbox'
import { createSandboxServer } from './server'
import type { Faults, Permission } from './store'
import type { DeliveryOptions } from './webhooks'

export { F2_PERMISSIONS, maskKey, permissionName, RESOURCES, type Resource } from './auth'
export { API_VERSION } from './objects'
export { signPayload } from './webhooks'
export type { AccountKeys, CreateAccountOptions, Faults }

export interface StartSandboxOptions extends CreateAccountOptions {
  port?: number
  host?: string
  delivery?: Partial<DeliveryOptions>
  /** Clock of the rate-limit fault in ms (default `performance.now`): tests hold it still. */
  monotonicMs?: () => number
}

/** Lifecycle and fault control for one account; each action returns the ids of its events. */
export class SandboxControl {
  constructor(
    private readonly sandbox: Sandbox,
    readonly runtime: AccountRuntime,
  ) {}

  private run<T>(fn: () => T): T & { events: string[] } {
    const { result, events } = this.sandbox.capture(this.runtime, fn)
    return { ...(result as T & object), events } as T & { events: string[] }
  }

  get accountId(): string {
    return this.runtime.account.id
  }
  now(): number {
    return this.runtime.account.now()
  }
  advanceClock(seconds: number) {
    return this.run(() => advanceClock(this.runtime, seconds))
  }
  createCustomer(input: CreateCustomerInput = {}) {
    return this.run(() => createCustomerAction(this.runtime, input))
  }
  startTrial(customer: string, price?: string, trialDays = 14) {
    const p = price ?? this.runtime.account.prices.all.items.find((x) => x.obj.recurring?.interval === 'month')?.id
    if (!p) throw new Error('no monthly price')
    return this.run(() => ({ subscription: startTrial(this.runtime, customer, p, trialDays).id }))
  }
  convertTrial(subscription: string) {
    return this.run(() => ({ subscription: convertTrialNow(this.runtime, subscription).id }))
  }
  failPayment(subscription: string) {
    return this.run(() => ({ subscription: failPayment(this.runtime, subscription).id }))
  }
  recoverPayment(subscription: string) {
    return this.run(() => ({ subscription: recoverPayment(this.runtime, subscription).id }))
  }
  cancel(subscription: string, atPeriodEnd = false) {
    return this.run(() => ({ subscription: cancelAction(this.runtime, subscription, atPeriodEnd).id }))
  }
  refund(charge: string, amount?: number) {
    return this.run(() => ({ refund: refundAction(this.runtime, charge, amount) }))
  }
  changeEmail(customer: string, email: string | null) {
    return this.run(() => ({ customer: changeEmail(this.runtime, customer, email).id }))
  }
  deleteCustomer(customer: string) {
    return this.run(() => {
      deleteCustomer(this.runtime, customer)
      return { customer }
    })
  }
  setFaults(faults: Partial<Faults>): Faults {
    this.runtime.account.faults = { ...this.runtime.account.faults, ...faults }
    return this.runtime.account.faults
  }
  createKey(permissions: Partial<Record<Resource, Permission>>, type: 'restricted' | 'secret' | 'publishable' = 'restricted'): string {
    return this.sandbox.createKey(this.runtime.account.id, type, permissions).key
  }
  revokeKey(key: string): void {
    this.sandbox.revokeKey(key)
  }
  revokeKeyAfter(key: string, requests: number): void {
    const entry = this.sandbox.keys.get(key)
    if (!entry) throw new Error('no such key')
    entry.key.revokeAfter = entry.key.requests + requests
  }
  /** Resolves once every queued webhook delivery and retry has finished. */
  webhooksIdle(): Promise<void> {
    return this.runtime.dispatcher.idle()
  }
}

export interface RunningSandbox extends AccountKeys {
  url: string
  controlUrl: string
  port: number
  sandbox: Sandbox
  control: SandboxControl
  createAccount(options?: CreateAccountOptions): AccountKeys & { control: SandboxControl }
  close(): Promise<void>
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = new Sandbox({ retryBaseMs: 1000, maxAttempts: 8, timeoutMs: 10_000, ...options.delivery }, options.monotonicMs)
  const keys = sandbox.createAccount(options)
  const server = createSandboxServer(sandbox)
  server.keepAliveTimeout = 65_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const controlFor = (accountId: string) => new SandboxControl(sandbox, sandbox.getAccount(accountId) as AccountRuntime)
  return {
    ...keys,
    url,
    controlUrl: `${url}/_sandbox`,
    port,
    sandbox,
    control: controlFor(keys.accountId),
    createAccount(more: CreateAccountOptions = {}) {
      const created = sandbox.createAccount(more)
      return { ...created, control: controlFor(created.accountId) }
    },
    close() {
      sandbox.close()
      return new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}
