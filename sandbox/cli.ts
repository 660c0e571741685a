// `npm run sandbox -- --port 12111 --customers 1000 --seed 1`: runs the sandbox in the
// foreground. Contract: the first line of stdout is one JSON object with url, accountId,
// secretKey, restrictedKey and controlUrl; nothing is printed before it.

import { parseArgs } from 'node:util'
import { startSandbox } from './index'

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`sandbox: --${name} must be a non-negative integer, got ${value}\n`)
    process.exit(2)
  }
  return n
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      name: { type: 'string' },
      now: { type: 'string' },
      'jpy-customers': { type: 'string' },
    },
    strict: true,
  })
  const running = await startSandbox({
    port: intOption(values.port, 'port', 12111),
    host: values.host ?? '127.0.0.1',
    customers: intOption(values.customers, 'customers', 1000),
    seed: intOption(values.seed, 'seed', 1),
    name: values.name,
    now: values.now === undefined ? undefined : intOption(values.now, 'now', 0),
    jpyCustomers: intOption(values['jpy-customers'], 'jpy-customers', 0),
  })
  process.stdout.write(
    `${JSON.stringify({
      url: running.url,
      accountId: running.accountId,
      secretKey: running.secretKey,
      publishableKey: running.publishableKey,
      restrictedKey: running.restrictedKey,
      controlUrl: running.controlUrl,
    })}\n`,
  )
  const stop = () => {
    void running.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
