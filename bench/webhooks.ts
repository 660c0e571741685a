// Webhook endpoint benchmark (SPEC §3: ≥ 500 deliveries/s acknowledged, p99 < 100 ms, none lost).
//
//   npm run build
//   npm run bench:webhooks -- --rate 500 --seconds 30 [--port 3457] [--server postgresql://postgres@127.0.0.1:5432/postgres] [--inngest local|server]
//
// --inngest local (default): the in-process dispatch, so the web server also processes every
// event. --inngest server: the app sends events to an Inngest server (INNGEST_DEV=<url>), here a
// stand-in in this process that accepts them as Inngest's event API does, so processing runs
// elsewhere — the endpoint's own capacity. Then `processed` counts events handed to Inngest
// and lagP95Ms is null.
//
// Starts the production build (`node scripts/run.mjs start`) on a fresh database of the local
// PostgreSQL with in-process Inngest dispatch, registers one connection with a known signing
// secret, then sends signed `customer.created` deliveries (one new customer each) at a steady
// rate over keep-alive HTTP. Afterwards it waits until every acknowledged event is processed
// (contact written) and prints, as the last line, one JSON object:
//   sent, acknowledged (2xx), stored, processed, lost (acknowledged but not stored or not processed — must be 0),
//   ackP50Ms, ackP99Ms, lagP95Ms (delivery sent → event processed and its contact written).
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { parseArgs } from 'node:util'
import { createSecretBox } from '../lib/crypto/secret-box'
import { createDb } from '../lib/db'
import { signStripePayload } from '../lib/webhooks/verify-signature'
import { createServerDatabase } from '../test/support/databases'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '30' },
    port: { type: 'string' },
    server: { type: 'string', default: process.env.BENCH_DATABASE_SERVER ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    'drain-seconds': { type: 'string', default: '300' },
    inngest: { type: 'string', default: 'local' },
  },
})
const rate = Number(values.rate)
const seconds = Number(values.seconds)
if (values.inngest !== 'local' && values.inngest !== 'server') throw new Error('--inngest is local or server')
const isLocal = values.inngest === 'local'

/** A stand-in for Inngest's event API: accepts event batches, remembers the Stripe event ids. */
async function startInngestStandIn(): Promise<{ url: string; received: Set<string>; close: () => void }> {
  const received = new Set<string>()
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let events: { name?: string; data?: { stripeEventId?: string } }[] = []
      try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]')
        events = Array.isArray(parsed) ? parsed : [parsed]
      } catch {}
      for (const e of events) if (e.name === 'stripe/event.received' && e.data?.stripeEventId) received.add(e.data.stripeEventId)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ids: events.map(() => randomBytes(8).toString('hex')), status: 200 }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, close: () => server.close() }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0)
const round = (n: number) => Math.round(n * 10) / 10
const WARMUP_SECONDS = 5

async function main() {
  const port = values.port ? Number(values.port) : await freePort()
  const database = await createServerDatabase(values.server!, 'churnless_bench_webhooks')
  const encryptionKey = randomBytes(32).toString('base64')
  const standIn = isLocal ? null : await startInngestStandIn()
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: database.url,
    APP_URL: `http://127.0.0.1:${port}`,
    APP_ENCRYPTION_KEY: encryptionKey,
    AUTH_SECRET: randomBytes(32).toString('base64'),
    INNGEST_LOCAL_DISPATCH: '1',
    STRIPE_SANDBOX: '0',
    NEXT_TELEMETRY_DISABLED: '1',
  }
  for (const k of ['INNGEST_EVENT_KEY', 'INNGEST_SIGNING_KEY', 'INNGEST_DEV', 'INNGEST_BASE_URL']) delete (env as Record<string, string | undefined>)[k]
  if (standIn) {
    delete (env as Record<string, string | undefined>).INNGEST_LOCAL_DISPATCH
    ;(env as Record<string, string>).INNGEST_DEV = standIn.url
  }
  const app = spawn(process.execPath, ['scripts/run.mjs', 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let appLog = ''
  app.stdout.on('data', (d) => (appLog = (appLog + d).slice(-20_000)))
  if (process.env.BENCH_APP_LOG) {
    const file = createWriteStream(process.env.BENCH_APP_LOG)
    app.stdout.pipe(file)
    app.stderr.pipe(file)
  }
  app.stderr.on('data', (d) => (appLog = (appLog + d).slice(-20_000)))
  const db = createDb(database.url, { max: 4 })
  const stop = async () => {
    try {
      process.kill(-app.pid!, 'SIGTERM')
    } catch {}
    await db.$disconnect().catch(() => undefined)
    standIn?.close()
    await new Promise((r) => setTimeout(r, 1000))
    await database.drop().catch(() => undefined)
  }
  try {
    const base = `http://127.0.0.1:${port}`
    const started = Date.now()
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the app exited (${app.exitCode}):\n${appLog}`)
      const ok = await fetch(`${base}/sign-in`).then((r) => r.status < 500, () => false)
      if (ok) break
      if (Date.now() - started > 120_000) throw new Error(`the app did not start within 120 s:\n${appLog}`)
      await new Promise((r) => setTimeout(r, 500))
    }

    // One workspace and one test-mode connection whose webhook secret we know.
    const secret = `whsec_${randomBytes(24).toString('hex')}`
    const box = createSecretBox(encryptionKey)
    const workspace = await db.workspace.create({ data: { name: 'Bench' } })
    const connection = await db.stripeConnection.create({
      data: { workspaceId: workspace.id, mode: 'test', keyKind: 'secret', keySealed: box.seal('sk_test_bench_not_used'), keyHint: 'sk_test_…bench', status: 'active', webhookSecretSealed: box.seal(secret), connectedAt: new Date() },
    })
    const url = `${base}/api/webhooks/stripe/${connection.id}`

    // Warm-up: compile the route and the processing path once.
    const runId = randomBytes(3).toString('hex')
    // Deliveries are built and signed before they are timed (Stripe's signature allows 5 minutes),
    // and sent over node:http keep-alive sockets, so the load generator, which shares the
    // machine's cores with the app and PostgreSQL, spends as little CPU per delivery as it can.
    const prepare = (i: number) => {
      const now = Math.floor(Date.now() / 1000)
      const body = JSON.stringify({
        id: `evt_bench_${runId}_${i}`,
        object: 'event',
        api_version: '2026-10-28.endive',
        created: now,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'customer.created',
        data: { object: { id: `cus_bench_${runId}_${i}`, object: 'customer', email: `bench-${runId}-${i}@example.com`, name: `Bench ${i}`, created: now, livemode: false, metadata: {}, currency: 'usd', balance: 0, delinquent: false } },
      })
      return { body: Buffer.from(body), signature: signStripePayload(body, [secret], now) }
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 256 })
    const target = new URL(url)
    const send = (prepared: { body: Buffer; signature: string }) =>
      new Promise<{ ok: boolean; ms: number }>((resolve) => {
        const t0 = performance.now()
        const req = httpRequest(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': prepared.body.length, 'stripe-signature': prepared.signature } },
          (res) => {
            res.resume()
            res.on('end', () => resolve({ ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300, ms: performance.now() - t0 }))
          },
        )
        req.on('error', () => resolve({ ok: false, ms: performance.now() - t0 }))
        req.end(prepared.body)
      })
    /** Sends `deliveries` at `rate` per second (every 10 ms, as many as the schedule says are due). */
    const sendAtRate = async (deliveries: { body: Buffer; signature: string }[], onSent: (i: number) => void, onAnswer: (i: number, r: { ok: boolean; ms: number }) => void) => {
      const pending: Promise<void>[] = []
      const started = Date.now()
      let next = 0
      while (next < deliveries.length) {
        const due = Math.min(deliveries.length, Math.floor(((Date.now() - started) / 1000) * rate))
        for (; next < due; next++) {
          const i = next
          onSent(i)
          pending.push(send(deliveries[i]!).then((r) => onAnswer(i, r)))
        }
        await new Promise((r) => setTimeout(r, 10))
      }
      await Promise.all(pending)
    }
    const progress = (m: string) => process.stderr.write(`[bench] ${m}\n`)
    // Warm-up at the target rate (JIT, connection pools, the app's caches), not measured.
    const warmup = Array.from({ length: Math.round(rate * WARMUP_SECONDS) }, (_, i) => prepare(1_000_000 + i))
    let warmOk = 0
    await sendAtRate(
      warmup,
      () => {},
      (_, r) => {
        if (r.ok) warmOk += 1
      },
    )
    progress(`warm-up: ${warmOk} of ${warmup.length} acknowledged in ${WARMUP_SECONDS} s`)
    if (isLocal) await waitFor(async () => (await db.stripeEvent.count({ where: { connectionId: connection.id, status: 'pending' } })) === 0, Number(values['drain-seconds']) * 1000)
    await db.stripeEvent.deleteMany({ where: { connectionId: connection.id } })
    standIn?.received.clear()

    const total = Math.round(rate * seconds)
    const prepared = Array.from({ length: total }, (_, i) => prepare(i))
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    /** Acknowledgement times per 5-second window of the send schedule, to see where a tail comes from. */
    const windows: number[][] = []
    let acknowledged = 0
    const t0 = Date.now()
    await sendAtRate(
      prepared,
      (i) => sentAt.set(`evt_bench_${runId}_${i}`, Date.now()),
      (i, r) => {
        latencies.push(r.ms)
        const bucket = windows[Math.floor(i / (rate * 5))] ?? []
        bucket.push(r.ms)
        windows[Math.floor(i / (rate * 5))] = bucket
        if (r.ok) acknowledged += 1
        else sentAt.delete(`evt_bench_${runId}_${i}`)
      },
    )
    const sendSeconds = (Date.now() - t0) / 1000
    progress(`sent ${total} in ${sendSeconds.toFixed(1)} s, ${acknowledged} acknowledged; draining`)

    // Drain: every acknowledged event must end processed (or, with an Inngest server, handed to it).
    const isDone = async () => (standIn ? standIn.received.size : await db.stripeEvent.count({ where: { connectionId: connection.id, status: 'processed' } })) >= acknowledged
    await waitFor(isDone, Number(values['drain-seconds']) * 1000)
    const rows = await db.stripeEvent.findMany({ where: { connectionId: connection.id }, select: { id: true, status: true, processedAt: true } })
    const stored = rows.length
    const processedRows = standIn ? rows.filter((r) => standIn.received.has(r.id)) : rows.filter((r) => r.status === 'processed' && r.processedAt)
    const lags = standIn ? [] : processedRows.map((r) => r.processedAt!.getTime() - (sentAt.get(r.id) ?? r.processedAt!.getTime())).sort((a, b) => a - b)
    const contacts = await db.contact.count({ where: { workspaceId: workspace.id } })
    latencies.sort((a, b) => a - b)
    const done = new Set(processedRows.map((r) => r.id))
    const lost = [...sentAt.keys()].filter((id) => !done.has(id)).length
    const summary = {
      inngest: values.inngest,
      warmupSeconds: WARMUP_SECONDS,
      rate,
      seconds,
      sendSeconds: round(sendSeconds),
      sent: total,
      acknowledged,
      stored,
      processed: processedRows.length,
      contacts,
      lost,
      ackP50Ms: round(percentile(latencies, 50)),
      ackP99Ms: round(percentile(latencies, 99)),
      ackMaxMs: round(latencies.at(-1) ?? 0),
      lagP95Ms: standIn ? null : round(percentile(lags, 95)),
      ackP99By5sMs: windows.map((w) => round(percentile(w.sort((a, b) => a - b), 99))),
    }
    console.log(JSON.stringify(summary))
  } finally {
    await stop()
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 500))
  }
  return false
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
