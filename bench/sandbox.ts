// Stripe sandbox benchmark: generation of 100,000 customers (target < 30 s) and list-page
// throughput over HTTP (target > 1,000 req/s). Run: node --import tsx bench/sandbox.ts
// Options: --customers N (default 100000), --seconds S (default 5), --concurrency C (default 16).
// Prints one JSON line.

import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Sandbox } from '../sandbox/sandbox'

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
  },
})
const customers = Number(values.customers)
const seconds = Number(values.seconds)
const concurrency = Number(values.concurrency)

function measureGeneration() {
  const sandbox = new Sandbox()
  const started = performance.now()
  const keys = sandbox.createAccount({ customers, seed: 1 })
  const ms = Math.round(performance.now() - started)
  const account = sandbox.getAccount(keys.accountId)?.account
  const counts = {
    customers: account?.customers.size,
    subscriptions: account?.subscriptions.size,
    invoices: account?.invoices.size,
    charges: account?.charges.size,
    events: account?.events.size,
  }
  const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6)
  sandbox.close()
  return { customers, ms, counts, heapMb }
}

/** The server runs in its own process (the CLI) so the load generator does not share its core. */
async function startServer(): Promise<{ url: string; secretKey: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0', '--customers', String(customers), '--seed', '1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)))
  })
  const info = JSON.parse(first) as { url: string; secretKey: string }
  return { ...info, stop: () => child.kill('SIGTERM') }
}

function get(agent: Agent, url: URL, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function measureThroughput(url: string, key: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const latencies: number[] = []
  let errors = 0
  const deadline = performance.now() + seconds * 1000
  // Each worker walks the customer list like a backfill does: 100 per page, cursor by cursor.
  async function worker() {
    let after: string | null = null
    while (performance.now() < deadline) {
      const target = new URL('/v1/customers', url)
      target.searchParams.set('limit', '100')
      if (after) target.searchParams.set('starting_after', after)
      const t0 = performance.now()
      const res = await get(agent, target, key)
      latencies.push(performance.now() - t0)
      if (res.status !== 200) {
        errors += 1
        after = null
        continue
      }
      // Read only the cursor: a full JSON.parse here would make the client the bottleneck.
      const tail = res.body.slice(res.body.lastIndexOf('"has_more":'))
      const last = res.body.lastIndexOf('{"id":"cus_')
      after = tail.startsWith('"has_more":true') && last >= 0 ? res.body.slice(last + 7, res.body.indexOf('"', last + 7)) : null
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 10) / 10
  return {
    endpoint: 'GET /v1/customers?limit=100 (cursor walk)',
    concurrency,
    seconds: Math.round(elapsed * 10) / 10,
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  }
}

const generation = measureGeneration()
const server = await startServer()
try {
  const throughput = await measureThroughput(server.url, server.secretKey)
  process.stdout.write(
    `${JSON.stringify({
      bench: 'sandbox',
      generation,
      throughput,
      targets: { generationMs: 30_000, rps: 1000 },
      pass: generation.ms < 30_000 && throughput.rps > 1000 && throughput.errors === 0,
    })}\n`,
  )
} finally {
  server.stop()
}
