// What `npm run dev` and `npm start` do before and around Next.js (entry: scripts/run.mjs).
//
//   1. load .env (variables already set win)
//   2. DATABASE_URL unset -> start the embedded PostgreSQL in this process, generate local secrets
//   3. start companion services (none yet)
//   4. apply migrations (prisma migrate deploy)
//   5. run the app process with inherited stdio, forward SIGINT/SIGTERM, and when it exits stop
//      everything started here and exit with its code
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { startEmbeddedDb } from '../embedded-db.mjs'
import { embeddedDbPort } from './embedded-defaults.mjs'
import { loadDotEnv } from './env-file.mjs'
import { stripeSandboxService } from './stripe-sandbox-service.mjs'
import { ensureSecretFile } from './local-secrets.mjs'
import { pgFieldsFromUrl } from './pg-url.mjs'
import { runPrisma } from './prisma-cli.mjs'

/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */

/**
 * A process the app needs next to it in local mode.
 * @typedef {{
 *   name: string,
 *   enabled: (env: Env) => boolean,
 *   start: (env: Env) => Promise<{ env?: Record<string, string>, stop: () => Promise<void> }>,
 * }} CompanionService
 */

/**
 * Companion services, started after the database and before migrations and the app; each is
 * stopped when the app exits. The Stripe sandbox gives the app STRIPE_SANDBOX_URL.
 * @type {CompanionService[]}
 */
export const companionServices = [stripeSandboxService]

/**
 * @param {{
 *   cwd: string,
 *   command: string[],
 *   env?: Env,
 *   services?: CompanionService[],
 *   log?: (line: string) => void,
 * }} options
 *   command: the app process (argv[0] is the executable); env: defaults to process.env.
 * @returns {Promise<number>} the exit code to exit with
 */
export async function launch({ cwd, command, env = process.env, services = companionServices, log = (line) => console.log(line) }) {
  if (env === process.env) loadDotEnv(cwd)
  /** @type {Env} */
  const childEnv = { ...env, NEXT_TELEMETRY_DISABLED: env.NEXT_TELEMETRY_DISABLED ?? '1', CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? '1' }
  /** @type {Array<() => Promise<void>>} stopped in reverse order */
  const cleanups = []
  const cleanUp = async () => {
    for (const stop of cleanups.reverse()) await stop().catch((error) => log(`warning: ${error.message}`))
    cleanups.length = 0
  }

  // A signal before the app runs (the embedded database boots for a few seconds) stops here.
  let interrupted = /** @type {NodeJS.Signals | undefined} */ (undefined)
  const onEarlySignal = (/** @type {NodeJS.Signals} */ signal) => {
    interrupted = signal
  }
  process.once('SIGINT', onEarlySignal)
  process.once('SIGTERM', onEarlySignal)
  const stillWanted = () => {
    if (interrupted) throw Object.assign(new Error(`Interrupted (${interrupted}).`), { exitCode: 130 })
  }

  try {
    if (childEnv.DATABASE_URL) {
      log(`Database: PostgreSQL at ${describeDatabase(childEnv.DATABASE_URL)} (DATABASE_URL)`)
    } else {
      // EMBEDDED_DB_DIR lets the test suite use a throw-away folder instead of your data.
      const dataDir = childEnv.EMBEDDED_DB_DIR ? path.resolve(cwd, childEnv.EMBEDDED_DB_DIR) : path.join(cwd, '.data', 'pglite')
      const db = await startEmbeddedDb({ dataDir, port: embeddedDbPort(childEnv) })
      cleanups.push(() => db.stop())
      childEnv.DATABASE_URL = db.url
      childEnv.CHURNLESS_EMBEDDED_DB = '1'
      log(`Database: embedded PostgreSQL (PGlite) in ${path.relative(cwd, dataDir)} at 127.0.0.1:${db.port} (set DATABASE_URL to use your own)`)
      childEnv.APP_ENCRYPTION_KEY ||= ensureSecretFile(path.join(cwd, '.data', 'encryption-key'))
      childEnv.AUTH_SECRET ||= ensureSecretFile(path.join(cwd, '.data', 'auth-secret'))
    }
    stillWanted()

    for (const service of services) {
      if (!service.enabled(childEnv)) continue
      const started = await service.start(childEnv)
      cleanups.push(started.stop)
      Object.assign(childEnv, started.env)
      log(`Started ${service.name}.`)
      stillWanted()
    }

    await applyMigrations({ cwd, env: childEnv, log })
    stillWanted()
    // No Inngest server or keys: dispatch in-process, also for `npm start` (a production build
    // on the embedded defaults). inngest/mode.ts still refuses it when Inngest keys are set.
    if (!childEnv.INNGEST_EVENT_KEY && !childEnv.INNGEST_SIGNING_KEY && !childEnv.INNGEST_DEV && !childEnv.INNGEST_BASE_URL) {
      childEnv.INNGEST_LOCAL_DISPATCH ??= '1'
    }
  } catch (error) {
    process.off('SIGINT', onEarlySignal)
    process.off('SIGTERM', onEarlySignal)
    await cleanUp()
    log(/** @type {Error} */ (error).message)
    return /** @type {any} */ (error).exitCode ?? 1
  }
  process.off('SIGINT', onEarlySignal)
  process.off('SIGTERM', onEarlySignal)

  const code = await runApp({ command, cwd, env: childEnv })
  await cleanUp()
  return code
}

/** host:port/database of a URL, never the credentials. */
function describeDatabase(/** @type {string} */ url) {
  const { host, port, database } = pgFieldsFromUrl(url)
  return `${host}:${port}/${database}`
}

/**
 * `prisma migrate deploy`, summarised in one line; the full output only when it fails.
 * @param {{ cwd: string, env: Env, log: (line: string) => void }} options
 */
async function applyMigrations({ cwd, env, log }) {
  if (!fs.existsSync(path.join(cwd, 'prisma', 'migrations'))) {
    log('Migrations: none yet (prisma/migrations does not exist).')
    return
  }
  try {
    const { output } = await runPrisma(['migrate', 'deploy'], { cwd, env })
    const applied = [...output.matchAll(/└─ (\S+)\/\s*$/gm)].map((match) => match[1])
    log(applied.length ? `Migrations: applied ${applied.join(', ')}.` : 'Migrations: up to date.')
  } catch (error) {
    throw new Error(`${/** @type {Error} */ (error).message}\n\nThe database could not be migrated, so the app was not started.`)
  }
}

/**
 * Runs the app with inherited stdio until it exits; SIGINT/SIGTERM are passed on to it.
 * With APP_LOG_FILE set, its stdout and stderr are also copied into that file (emptied first):
 * the end-to-end tests read the server's log from there (e.g. to prove no secret is logged).
 * @param {{ command: string[], cwd: string, env: Env }} options
 * @returns {Promise<number>}
 */
export function runApp({ command, cwd, env }) {
  return new Promise((resolve) => {
    const logFile = env.APP_LOG_FILE ? fs.createWriteStream(path.resolve(cwd, env.APP_LOG_FILE), { flags: 'w' }) : null
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: logFile ? ['inherit', 'pipe', 'pipe'] : 'inherit' })
    if (logFile) {
      child.stdout?.on('data', (chunk) => {
        process.stdout.write(chunk)
        logFile.write(chunk)
      })
      child.stderr?.on('data', (chunk) => {
        process.stderr.write(chunk)
        logFile.write(chunk)
      })
    }
    const forward = (/** @type {NodeJS.Signals} */ signal) => {
      if (child.exitCode === null) child.kill(signal)
    }
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    const done = (/** @type {number} */ code) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(code)
    }
    child.on('error', (error) => {
      console.error(`Could not start ${command.join(' ')}: ${error.message}`)
      done(1)
    })
    // With pipes, 'close' comes after the last output was read, so the log file is complete.
    child.on(logFile ? 'close' : 'exit', (code, signal) => {
      // A child ended by SIGINT/SIGTERM was stopped on purpose: that is a clean exit.
      const exitCode = code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)
      if (logFile) logFile.end(() => done(exitCode))
      else done(exitCode)
    })
  })
}
