#!/usr/bin/env node
// `npm test`: everything, in the order a failure is cheapest to find — typecheck, lint, unit and
// integration tests (Vitest, real PostgreSQL), a production build, then the browser journeys
// (Playwright in Chromium against that build). Every stage runs even when an earlier one fails,
// and the last line is the count CI reads: `N passed, N failed`.
//
// Databases: TEST_DATABASE_URL (a PostgreSQL server whose user may CREATE DATABASE) gives each
// stage a fresh database there; without it, embedded PGlite databases in temporary folders.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pgFieldsFromUrl, quoteIdent, withDatabase } from './lib/pg-url.mjs'
import { queryOnce } from './lib/wasm-schema-engine.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const results = path.join(root, 'test-results')
mkdirSync(results, { recursive: true })
const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1' }
/** @param {string} name */
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/** @type {{ stage: string, passed: number, failed: number, seconds: number }[]} */
const tally = []

/** @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} [env] @returns {Promise<number>} */
function run(command, args, env = baseEnv) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

/** @param {string} name @param {() => Promise<{ passed: number, failed: number }>} fn */
async function stage(name, fn) {
  console.log(`\n━━ ${name} ━━`)
  const started = Date.now()
  const counts = await fn().catch((/** @type {Error} */ error) => {
    console.error(`${name} could not run: ${error.message}`)
    return { passed: 0, failed: 1 }
  })
  tally.push({ stage: name, ...counts, seconds: Math.round((Date.now() - started) / 1000) })
}

/** A check with no test count of its own (typecheck, lint, build) counts as one test. */
/** @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
const asOne = async (command, args, env) => ((await run(command, args, env)) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 })

/** @param {string} file */
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null)

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** A fresh database for the browser journeys, and how to drop it. */
async function e2eDatabase() {
  if (process.env.TEST_DATABASE_URL) {
    const name = `churnless_e2e_${Date.now()}_${randomBytes(3).toString('hex')}`
    const server = pgFieldsFromUrl(process.env.TEST_DATABASE_URL)
    await queryOnce(server, `create database ${quoteIdent(name)}`)
    return { env: { DATABASE_URL: withDatabase(process.env.TEST_DATABASE_URL, name) }, drop: () => queryOnce(server, `drop database if exists ${quoteIdent(name)} with (force)`) }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'churnless-e2e-'))
  return { env: { DATABASE_URL: '', EMBEDDED_DB_DIR: dir, EMBEDDED_DB_PORT: String(await freePort()) }, drop: async () => rmSync(dir, { recursive: true, force: true }) }
}

function chromiumProblem() {
  if (process.env.CHROMIUM_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some((p) => existsSync(p))) return null
  const cache = path.join(process.env.PLAYWRIGHT_BROWSERS_PATH ?? path.join(process.env.HOME ?? '', '.cache', 'ms-playwright'))
  if (existsSync(cache)) return null
  return 'No Chromium found. Install one: `apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set CHROMIUM_PATH.'
}

// The app and tests, then the plain-JavaScript scripts through their JSDoc.
await stage('typecheck', async () => ((await run(bin('tsc'), ['--noEmit', '-p', '.'])) === 0 && (await run(bin('tsc'), ['-p', 'scripts'])) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }))
await stage('lint', () => asOne(bin('biome'), ['check', '.']))

/** @param {string} name @param {string[]} files @param {NodeJS.ProcessEnv} env */
async function vitest(name, files, env) {
  const out = path.join(results, `vitest-${name}.json`)
  rmSync(out, { force: true })
  const code = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...files], env)
  const report = readJson(out)
  if (!report) return { passed: 0, failed: 1 }
  // A failing suite (an import error, a broken hook) fails tests that never ran: count it too.
  const brokenFiles = report.testResults.filter((/** @type {{ status: string, assertionResults: unknown[] }} */ f) => f.status === 'failed' && f.assertionResults.length === 0).length
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles + (code !== 0 && report.numFailedTests + brokenFiles === 0 ? 1 : 0) }
}

await stage('unit and integration tests', () => vitest('all', [], baseEnv))

// The embedded default runs on PGlite (PostgreSQL 18 in WebAssembly, served over pglite-socket),
// which differs from a PostgreSQL server in SQL and in its wire handling: the integration tests
// run on it too when the main run used a server.
if (process.env.TEST_DATABASE_URL) {
  /** @type {NodeJS.ProcessEnv} */
  const pgliteEnv = { ...baseEnv }
  delete pgliteEnv.TEST_DATABASE_URL
  await stage('integration tests on the embedded database (PGlite)', () => vitest('pglite', ['.int.test.ts'], pgliteEnv))
}

await stage('production build', () => asOne(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build']))

await stage('browser journeys (Playwright)', async () => {
  const problem = chromiumProblem()
  if (problem) throw new Error(problem)
  const db = await e2eDatabase()
  const out = path.join(results, 'e2e.json')
  rmSync(out, { force: true })
  try {
    const env = {
      ...baseEnv,
      ...db.env,
      AUTH_SECRET: randomBytes(32).toString('base64'),
      APP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    }
    const code = await run(bin('playwright'), ['test', '--reporter=list,json'], env)
    const stats = readJson(out)?.stats
    if (!stats) return { passed: 0, failed: 1 }
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected + (code !== 0 && stats.unexpected === 0 ? 1 : 0) }
  } finally {
    await db.drop()
  }
})

const passed = tally.reduce((n, t) => n + t.passed, 0)
const failed = tally.reduce((n, t) => n + t.failed, 0)
writeFileSync(path.join(results, 'summary.json'), `${JSON.stringify({ passed, failed, stages: tally }, null, 2)}\n`)
console.log('\n━━ summary ━━')
for (const t of tally) console.log(`${t.failed ? '✗' : '✓'} ${t.stage}: ${t.passed} passed, ${t.failed} failed (${t.seconds}s)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
