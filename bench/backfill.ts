// Backfill benchmark (SPEC §3): `npm run bench:backfill -- --customers 10000`.
// Starts the Stripe sandbox as a child process, backfills into PostgreSQL (BENCH_DATABASE_URL,
// or a fresh database on postgresql://postgres@127.0.0.1:5432/postgres, dropped afterwards)
// through the same lib code the Inngest functions call, and prints as its LAST line one JSON
// object. Two passes:
//   1. unthrottled (budget 100,000 r/s): calls vs Σ⌈n/100⌉, objects/s, peak RSS. Timing:
//      `seconds`/`objectsPerSecond` are end to end (start, plan, fetch and write every type,
//      derive every contact, complete the run: what a person waits for); `fetchSeconds`/
//      `fetchObjectsPerSecond` cover the mirror alone (up to the last page written), and
//      `contactsSeconds` the contact derivation after it;
//   2. throttled: budget 25 r/s through a proxy that answers 5% of requests with a 429, on a
//      second account of --throttled-customers (default 3000): budget utilisation, failed objects.
// Options: --customers N (10000), --throttled-customers N (3000), --concurrency C (6), --seed S (1).

import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createSecretBox } from '../lib/crypto/secret-box'
import { createDb, type Db } from '../lib/db'
import { createStripeClient } from '../lib/stripe/client'
import { backfillObjectTypes } from '../lib/stripe/list-pages'
import type { BackfillDeps } from '../lib/sync/backfill/deps'
import { runBackfill } from '../lib/sync/backfill/run-backfill'
import { mirrorTableOf } from '../lib/sync/backfill/write-batch'
import { recomputeContacts } from '../lib/sync/recompute-contacts'
import { signUp } from '../lib/workspaces/sign-up'
import { runPrisma } from '../scripts/lib/prisma-cli.mjs'

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    'throttled-customers': { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '6' },
    seed: { type: 'string', default: '1' },
  },
})
const customers = Number(values.customers)
const throttledCustomers = Number(values['throttled-customers'])
const concurrency = Number(values.concurrency)
const log = (message: string) => process.stderr.write(`[bench:backfill] ${message}\n`)

// --- memory: the bench process's peak RSS, sampled ---------------------------------------------
let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 50)

// --- sandbox ------------------------------------------------------------------------------------
type SandboxInfo = { url: string; accountId: string; restrictedKey: string; controlUrl: string }
async function startSandboxChild() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--customers', String(customers), '--seed', String(values.seed)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)))
  })
  return { child, info: JSON.parse(line) as SandboxInfo }
}

async function createAccount(controlUrl: string, count: number) {
  const res = await fetch(`${controlUrl}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers: count, seed: 2 }) })
  if (!res.ok) throw new Error(`sandbox: could not create the throttled account (${res.status})`)
  return (await res.json()) as { accountId: string; restrictedKey: string }
}

/** Forwards to the sandbox; answers `share` of requests with a 429 as Stripe does, counts all. */
async function startFaultProxy(target: string, share: number) {
  const to = new URL(target)
  const counts = { requests: 0, injected429: 0, first: 0, last: 0 }
  const server = createServer((req, res) => {
    counts.requests += 1
    counts.first ||= performance.now()
    counts.last = performance.now()
    if (Math.random() < share) {
      counts.injected429 += 1
      res.writeHead(429, { 'content-type': 'application/json', 'stripe-should-retry': 'false' })
      res.end(JSON.stringify({ error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Request rate limit exceeded.' } }))
      return
    }
    const upstream = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise<void>((r) => server.close(() => r())) }
}

// --- database -----------------------------------------------------------------------------------
async function openDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, drop: async () => {} }
  const admin = 'postgresql://postgres@127.0.0.1:5432/postgres'
  const name = `churnless_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`
  await runPrisma(['migrate', 'deploy'], { env: { ...process.env, DATABASE_URL: url } })
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

async function connect(db: Db, box: ReturnType<typeof createSecretBox>, accountId: string, key: string, apiBase: string) {
  const { workspaceId } = await signUp(db, { name: 'Bench', email: `bench-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const c = await db.stripeConnection.create({ data: { workspaceId, accountId, mode: 'test', keyKind: 'restricted', keySealed: box.seal(key), keyHint: 'rk_test_…', apiBase, status: 'waiting_to_sync', importChoice: 'all' } })
  return c.id
}

async function figures(db: Db, connectionId: string, runId: string) {
  const streams = await db.syncStream.findMany({ where: { runId } })
  const apiCalls: Record<string, number> = {}
  const objects: Record<string, number> = {}
  let minimalCalls = 0
  for (const type of backfillObjectTypes) {
    apiCalls[type] = streams.filter((s) => s.objectType === type).reduce((n, s) => n + s.requests, 0)
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${mirrorTableOf(type)} WHERE connection_id = $1`, connectionId)
    objects[type] = row?.n ?? 0
    minimalCalls += Math.max(1, Math.ceil((objects[type] ?? 0) / 100))
  }
  apiCalls.total = Object.values(apiCalls).reduce((a, b) => a + b, 0)
  return {
    apiCalls,
    objects,
    minimalCalls,
    ranges: streams.length,
    failed: streams.reduce((n, s) => n + s.failed, 0),
    throttled: streams.reduce((n, s) => n + s.throttled, 0),
    streamStates: [...new Set(streams.map((s) => s.state))],
  }
}

/**
 * Per object type, what the sandbox holds minus what we mirrored (never below 0), for every type
 * the backfill imports. Customers, subscriptions, invoices and charges come from the sandbox's
 * control API; prices, products and checkout sessions, which it does not count, are listed
 * through the sandbox's Stripe API with the SDK (straight to the sandbox, not through the proxy).
 */
async function missingObjects(sandbox: { controlUrl: string; url: string }, account: { accountId: string; restrictedKey: string }, mirrored: Record<string, number>) {
  const res = await fetch(`${sandbox.controlUrl}/accounts/${account.accountId}`)
  const { counts } = (await res.json()) as { counts: Record<string, number> }
  const stripe = createStripeClient(account.restrictedKey, { apiBase: sandbox.url })
  const count = async (list: { autoPagingEach: (fn: () => void) => Promise<void> }) => {
    let n = 0
    await list.autoPagingEach(() => {
      n += 1
    })
    return n
  }
  const expected: Record<string, number> = {
    customers: counts.customers ?? 0,
    subscriptions: counts.subscriptions ?? 0,
    invoices: counts.invoices ?? 0,
    charges: counts.charges ?? 0,
    prices: await count(stripe.prices.list({ limit: 100 })),
    products: await count(stripe.products.list({ limit: 100 })),
    checkout_sessions: await count(stripe.checkout.sessions.list({ limit: 100 })),
  }
  const byType = Object.fromEntries(backfillObjectTypes.map((t) => [t, Math.max(0, (expected[t] ?? 0) - (mirrored[t] ?? 0))]))
  return { total: Object.values(byType).reduce((a, b) => a + b, 0), byType }
}

async function main() {
  const started = performance.now()
  const database = await openDatabase()
  const db = createDb(database.url, { max: 12 })
  const box = createSecretBox(randomBytes(32).toString('base64'))
  const { child, info } = await startSandboxChild()
  log(`sandbox up with ${customers} customers in ${Math.round(performance.now() - started)} ms`)
  try {
    // Pass 1: unthrottled.
    const connectionId = await connect(db, box, info.accountId, info.restrictedKey, info.url)
    const deps: BackfillDeps = { db, box, recomputeContacts, ratePerSecond: 100_000 }
    const rssBefore = process.memoryUsage().rss
    const first = await runBackfill(deps, { connectionId, reason: 'initial_import', concurrency })
    const f1 = await figures(db, connectionId, first.runId)
    const objectCount = Object.values(f1.objects).reduce((a, b) => a + b, 0)
    const endToEndSeconds = first.fetchSeconds + first.contactsSeconds
    log(`unthrottled: ${first.state}, ${objectCount} objects fetched in ${first.fetchSeconds.toFixed(1)} s, contacts ${first.contactsSeconds.toFixed(1)} s, end to end ${endToEndSeconds.toFixed(1)} s`)

    // Pass 2: 25 r/s with 5% injected 429s, on its own account.
    const throttledAccount = await createAccount(info.controlUrl, throttledCustomers)
    const proxy = await startFaultProxy(info.url, 0.05)
    const throttledConnection = await connect(db, box, throttledAccount.accountId, throttledAccount.restrictedKey, proxy.url)
    const second = await runBackfill({ ...deps, ratePerSecond: 25 }, { connectionId: throttledConnection, reason: 'initial_import', concurrency })
    const f2 = await figures(db, throttledConnection, second.runId)
    const busySeconds = (proxy.counts.last - proxy.counts.first) / 1000
    await proxy.close()
    log(`throttled: ${second.state}, ${proxy.counts.requests} requests (${proxy.counts.injected429} injected 429s) in ${busySeconds.toFixed(1)} s`)

    const missing = await missingObjects(info, throttledAccount, f2.objects)
    clearInterval(sampler)
    const result = {
      customers,
      objects: objectCount,
      objectsByType: f1.objects,
      apiCalls: f1.apiCalls,
      minimalCalls: f1.minimalCalls,
      rangeOverheadCalls: f1.apiCalls.total - f1.minimalCalls,
      ranges: f1.ranges,
      state: first.state,
      // End to end: from starting the run to every contact derived and the run completed.
      seconds: Number(endToEndSeconds.toFixed(2)),
      objectsPerSecond: Math.round(objectCount / endToEndSeconds),
      // The mirror alone: up to the last page written, before contacts are derived.
      fetchSeconds: Number(first.fetchSeconds.toFixed(2)),
      fetchObjectsPerSecond: Math.round(objectCount / first.fetchSeconds),
      contactsSeconds: Number(first.contactsSeconds.toFixed(2)),
      peakRssMb: Math.round(peakRss / 1e6),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      throttled: {
        customers: throttledCustomers,
        ratePerSecond: 25,
        injected429Share: 0.05,
        requests: proxy.counts.requests,
        injected429: proxy.counts.injected429,
        counted429: f2.throttled,
        seconds: Number(busySeconds.toFixed(2)),
        state: second.state,
      },
      budgetUtilisation: Number((proxy.counts.requests / (25 * busySeconds)).toFixed(3)),
      // Objects we could not store, plus any the sandbox holds that did not arrive (every type).
      failedObjects: f2.failed + missing.total,
      missingByType: missing.byType,
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    child.kill('SIGTERM')
    await db.$disconnect()
    await database.drop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
