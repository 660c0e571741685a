#!/usr/bin/env node
// `npm run dev` / `npm start`: the embedded defaults (database, secrets, migrations), then Next.js.
// Usage: node scripts/run.mjs dev|start        PORT (default 3000) is the app's port.
import { createRequire } from 'node:module'
import { launch } from './lib/launcher.mjs'
import { PROJECT_ROOT } from './lib/prisma-cli.mjs'

const mode = process.argv[2]
if (mode !== 'dev' && mode !== 'start') {
  console.error('Usage: node scripts/run.mjs dev|start')
  process.exit(2)
}

const port = process.env.PORT || '3000'
// Companion services decide by it (the Stripe sandbox runs under `dev` unless asked for).
process.env.CHURNLESS_RUN_MODE = mode
const nextCli = createRequire(import.meta.url).resolve('next/dist/bin/next')
// A larger young generation: bursts of webhooks allocate many short-lived objects, and with the
// default semi-space they were promoted into old-generation collections that paused every
// request (bench:webhooks ack p99 194 ms → 99-115 ms at 500/s).
const nodeFlags = ['--max-semi-space-size=64']
const code = await launch({ cwd: PROJECT_ROOT, command: [process.execPath, ...nodeFlags, nextCli, mode, '--port', port] })
process.exit(code)
