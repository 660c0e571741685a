#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, backed by @prisma/schema-engine-wasm.
//
// The Prisma CLI runs the binary named by PRISMA_SCHEMA_ENGINE_BINARY (chosen in
// scripts/lib/schema-engine.mjs) in two ways, and this file answers both:
//   schema-engine --version
//   schema-engine --datasource '{"url":...}' cli can-connect-to-database|create-database|drop-database
//       one-shot; errors are JSON log lines on stderr, the CLI skips the first line and reads
//       `fields.error_code` / `fields.message` from an ERROR line of target schema_engine::logger
//   schema-engine --datamodels FILE... --datasource '{...}'
//       long-running JSON-RPC 2.0 over stdio, one JSON object per line; stdout carries responses
//       (and our "print" requests), stderr carries JSON log lines, EOF on stdin means "exit".
import fs from 'node:fs'
import readline from 'node:readline'
import pg from 'pg'
import { pgFieldsFromUrl, quoteIdent } from './lib/pg-url.mjs'
import { isEmbeddedDbUrl } from './lib/schema-engine.mjs'

const argv = process.argv.slice(2)

/**
 * Values of a repeatable `--flag value` option.
 * @param {string} flag
 */
function optionValues(flag) {
  const values = []
  for (let i = 0; i < argv.length; i++) if (argv[i] === flag && i + 1 < argv.length) values.push(argv[i + 1])
  return values
}

/**
 * One JSON log line on stderr, in the shape the CLI parses.
 * @param {'INFO' | 'ERROR'} level
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 */
function logLine(level, message, extra = {}) {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level, target: 'schema_engine::logger', fields: { message, ...extra } })}\n`)
}

if (argv.includes('--version')) {
  const { wasmEngineVersion } = await import('./lib/wasm-schema-engine.mjs')
  process.stdout.write(`schema-engine-cli wasm-shim (@prisma/schema-engine-wasm ${await wasmEngineVersion()})\n`)
  process.exit(0)
}

const datasourceArg = optionValues('--datasource')[0]
/** @type {{ url?: string, shadowDatabaseUrl?: string }} */
const datasource = datasourceArg ? JSON.parse(datasourceArg) : {}
const url = datasource.url
const shadowDatabaseUrl = datasource.shadowDatabaseUrl || process.env.SHADOW_DATABASE_URL || undefined

/**
 * Adds what to do when the embedded database is simply not running.
 * @param {string} message
 */
function withHint(message) {
  if (/ECONNREFUSED/.test(message) && isEmbeddedDbUrl(url)) {
    return `${message}\nThe embedded database is not running: start it with "npm run dev" (or "npm run db:embedded"), or set DATABASE_URL.`
  }
  return message
}

const cliIndex = argv.indexOf('cli')
if (cliIndex !== -1) await runCliCommand(argv[cliIndex + 1])
else await serveJsonRpc()

// -------------------------------------------------------------------------------------------------
// `cli` one-shot commands
// -------------------------------------------------------------------------------------------------

/**
 * Maps a pg error to the Prisma error code the CLI understands.
 * @param {any} error
 */
function prismaCodeFor(error) {
  if (error.code === '3D000') return 'P1003' // database does not exist
  if (error.code === '28P01' || error.code === '28000') return 'P1000' // authentication failed
  if (error.code === '42501') return 'P1010' // access denied
  return 'P1001' // cannot reach the server
}

/** @param {string | undefined} command */
async function runCliCommand(command) {
  try {
    if (!url) throw new Error('No datasource URL: set DATABASE_URL (see .env.example).')
    const target = pgFieldsFromUrl(url)
    /**
     * @param {import('./lib/pg-url.mjs').PgConnectionFields} fields
     * @param {string} sql
     * @param {unknown[]} [params]
     */
    const run = async (fields, sql, params) => {
      const client = new pg.Client({ ...fields, connectionTimeoutMillis: 10_000 })
      await client.connect()
      try {
        return await client.query(sql, params)
      } finally {
        await client.end()
      }
    }
    // CREATE/DROP DATABASE must run from another database on the same server.
    const maintenance = { ...target, database: target.database === 'postgres' ? 'template1' : 'postgres' }

    if (command === 'can-connect-to-database') {
      await run(target, 'select 1')
    } else if (command === 'create-database') {
      const { rowCount } = await run(maintenance, 'select 1 from pg_database where datname = $1', [target.database])
      if (!rowCount) await run(maintenance, `create database ${quoteIdent(target.database)}`)
      process.stdout.write(`${JSON.stringify(target.database)}\n`)
    } else if (command === 'drop-database') {
      await run(maintenance, `drop database if exists ${quoteIdent(target.database)} with (force)`)
    } else {
      throw new Error(`The wasm schema engine shim does not support "cli ${command}".`)
    }
    process.exit(0)
  } catch (/** @type {any} */ error) {
    process.stderr.write(`${JSON.stringify({ level: 'INFO', target: 'schema_engine_shim', fields: { message: `cli ${command}` } })}\n`)
    logLine('ERROR', withHint(error.message), { error_code: prismaCodeFor(error) })
    process.exit(1)
  }
}

// -------------------------------------------------------------------------------------------------
// JSON-RPC server
// -------------------------------------------------------------------------------------------------

async function serveJsonRpc() {
  const { createWasmSchemaEngine, takeWasmPanicMessage } = await import('./lib/wasm-schema-engine.mjs')
  const datamodels = optionValues('--datamodels').map((file) => /** @type {[string, string]} */ ([file, fs.readFileSync(file, 'utf8')]))

  /** @type {Promise<Awaited<ReturnType<typeof createWasmSchemaEngine>>> | undefined} */
  let started
  const engine = async () => {
    if (!url) throw Object.assign(new Error('No datasource URL: set DATABASE_URL (see .env.example).'), { code: 'P1012' })
    started ??= createWasmSchemaEngine({ url, shadowDatabaseUrl, datamodels, log: (line) => process.stderr.write(`${line}\n`) })
    return (await started).engine
  }
  /** @param {any} error */
  const explain = async (error) => (started ? (await started.catch(() => undefined))?.describeError(error) : undefined) ?? error?.message ?? String(error)

  /** The CLI's method names that the wasm engine spells differently. @type {Record<string, string>} */
  const methodAliases = { getDatabaseVersion: 'version' }

  /** @param {Record<string, unknown>} message */
  const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`)

  /** @param {{ id: number, method: string, params?: any }} request */
  async function handle(request) {
    const method = methodAliases[request.method] ?? request.method
    const params = request.params ?? {}
    const e = /** @type {Record<string, any>} */ (/** @type {unknown} */ (await engine()))
    if (typeof e[method] !== 'function') {
      throw new Error(`"${request.method}" is not available in the wasm schema engine. Install the native engine (run Prisma once with internet access) or set CHURNLESS_SCHEMA_ENGINE=native.`)
    }
    if ((method === 'createMigration' || method === 'evaluateDataLoss') && params.migrationsList) {
      // The wasm engine reads the shadow-database schema for these two from a cache that only
      // diagnoseMigrationHistory/devDiagnostic fill. The CLI does not call either first when
      // `migrate dev` has just applied pending migrations, so warm the cache here.
      await e.diagnoseMigrationHistory({ migrationsList: params.migrationsList, optInToShadowDatabase: true, filters: params.filters ?? { externalTables: [], externalEnums: [] } })
    }
    let result = await e[method](params)
    if (method === 'diff' && typeof result?.stdout === 'string') {
      // The native engine prints diffs through a "print" request (which is what `--output`
      // captures) and returns stdout: null; the wasm engine returns the text instead.
      send({ id: `print-${request.id}`, method: 'print', params: { content: result.stdout } })
      result = { ...result, stdout: null }
    }
    return result ?? {}
  }

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  // The CLI sends one request at a time, but the engine must never see two at once.
  let queue = Promise.resolve()
  rl.on('line', (line) => {
    if (!line.trim()) return
    let request
    try {
      request = JSON.parse(line)
    } catch {
      logLine('ERROR', `Ignoring a line that is not JSON: ${line.slice(0, 120)}`)
      return
    }
    if (typeof request.method !== 'string') return // the CLI acknowledging one of our "print" requests
    queue = queue.then(async () => {
      try {
        send({ id: request.id, result: await handle(request) })
      } catch (/** @type {any} */ error) {
        const panic = takeWasmPanicMessage()
        const message = panic || withHint(await explain(error))
        logLine('ERROR', message)
        send({
          id: request.id,
          error: {
            code: 4466,
            message: 'An error happened. Check the data field for details.',
            data: { is_panic: Boolean(panic), message, error_code: typeof error?.code === 'string' ? error.code : undefined, meta: error?.meta ?? null },
          },
        })
      }
    })
  })
  rl.on('close', () => {
    queue
      .then(async () => {
        if (started) await (await started).close()
      })
      .finally(() => process.exit(0))
  })
}
