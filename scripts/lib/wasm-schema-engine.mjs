// Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), wired to PostgreSQL
// through @prisma/adapter-pg. Used by scripts/schema-engine-shim.mjs where the native
// schema-engine binary is absent (it is downloaded from binaries.prisma.sh, which offline
// machines cannot reach).
//
// The wasm engine does not open connections itself: it asks a "migration-aware driver adapter
// factory" for a connection to the main database and, for `migrate dev` / `migrate diff
// --from-migrations`, for a shadow database. Everything that is not the engine itself is here:
//   - `"char"` columns: adapter-pg cannot type PostgreSQL's internal `"char"` (OID 18), which the
//     schema describer reads from pg_catalog (relkind, contype, ...). See withCharColumns().
//   - shadow databases: adapter-pg's own connectToShadowDb() reconnects to the main database when
//     the factory was built from a connection string, so we build our own (createShadowProvider()).
//   - a shadow database is reset before every use: the wasm engine replays the migration history
//     into it as-is and fails on leftovers from an earlier run.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import pg from 'pg'
import { pgFieldsFromUrl, quoteIdent, redactUrl } from './pg-url.mjs'

const require = createRequire(import.meta.url)

/**
 * Where the engine reports Rust panics (it calls `global.PRISMA_WASM_PANIC_REGISTRY.set_message`).
 * @typedef {{ message: string, set_message: (message: string) => void }} PanicRegistry
 */
const globals = /** @type {typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }} */ (globalThis)

/** PostgreSQL's single-byte internal type `"char"`, not to be confused with char(n) (bpchar, 1042). */
const PG_INTERNAL_CHAR_OID = 18
const PG_TEXT_OID = 25

// ---------------------------------------------------------------------------------------------
// Loading the engine
// ---------------------------------------------------------------------------------------------

/** @type {Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined} */
let enginePromise

/**
 * Instantiates the wasm module once per process. The package's default entry imports the .wasm
 * file as an ES module, which Node 20 cannot do, so we instantiate it by hand.
 */
export function loadSchemaEngineWasm() {
  enginePromise ??= (async () => {
    // The engine reports Rust panics through this global; the Prisma CLI installs it in its own
    // process, and this one is ours.
    globals.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: '',
      set_message(/** @type {string} */ message) {
        this.message = `RuntimeError: ${message}`
      },
    }
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg')
    const wasmFile = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm')
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmFile), { './schema_engine_bg.js': bindings })
    bindings.__wbg_set_wasm(instance.exports)
    // @ts-expect-error: present in wasm-bindgen builds that need start-up work
    instance.exports.__wbindgen_start?.()
    return bindings
  })()
  return enginePromise
}

/** The panic message the engine left behind, if the last failure was a panic. */
export function takeWasmPanicMessage() {
  const registry = globals.PRISMA_WASM_PANIC_REGISTRY
  const message = registry?.message ?? ''
  if (registry) registry.message = ''
  return message
}

// ---------------------------------------------------------------------------------------------
// `"char"` columns
// ---------------------------------------------------------------------------------------------

/**
 * Makes an adapter-pg queryable (adapter or transaction) accept `"char"` result columns.
 *
 * adapter-pg maps result columns to Prisma column types in queryRaw() and throws
 * UnsupportedNativeDataType for OID 18. We let the rows through as text (performIO is the one
 * place that sees pg's field list) and then report those columns as ColumnType.Character, which
 * is what the engine's describer reads them as. The patch is per instance, not on the prototype,
 * so nothing else in the process is affected.
 *
 * @template {object} T
 * @param {T} queryable
 * @returns {T}
 */
export function withCharColumns(queryable) {
  const q = /** @type {any} */ (queryable)
  if (typeof q.performIO !== 'function' || typeof q.queryRaw !== 'function') {
    throw new Error('withCharColumns: @prisma/adapter-pg changed its internals (performIO/queryRaw); update scripts/lib/wasm-schema-engine.mjs')
  }
  /** @type {WeakMap<object, number[]>} */
  const charColumnsByQuery = new WeakMap()
  const performIO = q.performIO.bind(q)
  const queryRaw = q.queryRaw.bind(q)
  q.performIO = async (/** @type {any} */ query) => {
    const result = await performIO(query)
    /** @type {number[]} */
    const charColumns = []
    result?.fields?.forEach((/** @type {{ dataTypeID: number }} */ field, /** @type {number} */ index) => {
      if (field.dataTypeID === PG_INTERNAL_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID
        charColumns.push(index)
      }
    })
    if (charColumns.length > 0) charColumnsByQuery.set(query, charColumns)
    return result
  }
  q.queryRaw = async (/** @type {any} */ query) => {
    const result = await queryRaw(query)
    for (const index of charColumnsByQuery.get(query) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character
    return result
  }
  if (typeof q.startTransaction === 'function') {
    const startTransaction = q.startTransaction.bind(q)
    q.startTransaction = async (/** @type {any[]} */ ...args) => withCharColumns(await startTransaction(...args))
  }
  return queryable
}

/**
 * GOTCHA: adapter-pg's executeScript splits a migration on every `;` — including a `;` inside a
 * comment, a string or a function body — and runs the pieces one by one. Send the script
 * whole instead: PostgreSQL's simple-query protocol runs several statements in one call, which
 * is what the native schema engine does too.
 * @template {object} T
 * @param {T} adapter
 * @returns {T}
 */
export function withWholeScripts(adapter) {
  const a = /** @type {any} */ (adapter)
  if (typeof a.executeScript !== 'function' || typeof a.client?.query !== 'function') {
    throw new Error('withWholeScripts: @prisma/adapter-pg changed its internals (executeScript/client); update scripts/lib/wasm-schema-engine.mjs')
  }
  a.executeScript = async (/** @type {string} */ script) => {
    try {
      await a.client.query(script)
    } catch (error) {
      a.onError(error)
    }
  }
  return adapter
}

/**
 * Opens an adapter-pg connection from separate fields, with `"char"` support and whole scripts.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 * @param {() => Promise<void>} [afterDispose] runs after the pool is closed
 * @returns {Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>}
 */
async function connectAdapter(fields, afterDispose) {
  const adapter = withWholeScripts(withCharColumns(await new PrismaPg({ ...fields, max: 4 }).connect()))
  if (afterDispose) {
    const dispose = adapter.dispose.bind(adapter)
    adapter.dispose = async () => {
      try {
        await dispose()
      } finally {
        await afterDispose()
      }
    }
  }
  return adapter
}

// ---------------------------------------------------------------------------------------------
// Plain SQL helpers (outside the engine)
// ---------------------------------------------------------------------------------------------

/**
 * Runs one statement on a short-lived connection.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 * @param {string} sql
 * @param {unknown[]} [params]
 * @returns {Promise<import('pg').QueryResult<Record<string, unknown>>>}
 */
export async function queryOnce(fields, sql, params) {
  const client = new pg.Client(fields)
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

/**
 * True when the server is PGlite (served through pglite-socket). PGlite serves exactly one
 * database whatever name the client asks for, so CREATE DATABASE cannot give us a separate shadow.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 */
export async function isPglite(fields) {
  const { rows } = await queryOnce(fields, 'select version() as version')
  return /PGlite/i.test(String(rows[0].version))
}

/** Thrown when a database offered as a shadow database is not disposable. */
export class UnsafeShadowDatabaseError extends Error {
  name = 'UnsafeShadowDatabaseError'
}

/**
 * Refuses a shadow database that looks like a real one. A shadow database is wiped before use,
 * so pointing it at the main database by mistake would destroy data. The tell-tale sign of a
 * real database is Prisma's migration history table.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields where the shadow database lives
 * @param {string} [expectedDatabase] the database we meant to reach; checked against current_database()
 */
export async function assertDisposableShadowDatabase(fields, expectedDatabase = fields.database) {
  const label = `${fields.host}:${fields.port}/${expectedDatabase}`
  const { rows } = await queryOnce(
    fields,
    `select current_database() as database,
            exists (select 1 from information_schema.tables where table_name = '_prisma_migrations') as has_history`,
  )
  if (rows[0].database !== expectedDatabase) {
    throw new UnsafeShadowDatabaseError(
      `Refusing to use ${label} as the shadow database: the server answered from database "${rows[0].database}" instead. ` +
        'A server that serves a single database (like the embedded PGlite) cannot host a shadow database; ' +
        'set SHADOW_DATABASE_URL to an empty database on another server, or unset it to use a temporary one.',
    )
  }
  if (rows[0].has_history) {
    throw new UnsafeShadowDatabaseError(
      `Refusing to use ${label} as the shadow database: it has a _prisma_migrations table, so it looks like a real database ` +
        'and it would be wiped. Point SHADOW_DATABASE_URL at an empty database used only as a shadow database, or unset it ' +
        'to let Prisma create a temporary one.',
    )
  }
}

/**
 * Drops every user schema and recreates `public`. Only ever called on a database that passed
 * assertDisposableShadowDatabase().
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 */
async function resetDatabase(fields) {
  await queryOnce(
    fields,
    `do $$
     declare s text;
     begin
       for s in select nspname from pg_namespace
                where nspname not like 'pg\\_%' and nspname <> 'information_schema'
       loop
         execute format('drop schema %I cascade', s);
       end loop;
       create schema public;
     end $$`,
  )
}

// ---------------------------------------------------------------------------------------------
// Shadow databases
// ---------------------------------------------------------------------------------------------

/**
 * An in-memory PGlite served on a random local port, created on first use and reused (reset)
 * for the rest of this process. Shadow database for a main database that is itself PGlite.
 */
function createPgliteShadow() {
  /** @type {Promise<{ fields: import('./pg-url.mjs').PgConnectionFields, close: () => Promise<void> }> | undefined} */
  let started
  return {
    async fields() {
      started ??= (async () => {
        const { PGlite } = await import('@electric-sql/pglite')
        const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
        const db = await PGlite.create()
        const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
        await server.start()
        const port = Number(server.getServerConn().split(':').pop())
        return {
          fields: { host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database: 'postgres' },
          close: async () => {
            await server.stop()
            await db.close()
          },
        }
      })()
      return (await started).fields
    },
    async close() {
      if (started) await (await started).close()
    },
  }
}

/**
 * Decides where shadow databases come from:
 *   1. SHADOW_DATABASE_URL / datasource.shadowDatabaseUrl: that database, checked and reset;
 *   2. a PGlite main database: a private in-memory PGlite;
 *   3. otherwise: a temporary database created next to the main one and dropped afterwards
 *      (needs CREATEDB, like the native engine).
 * @param {{ url: string, shadowDatabaseUrl?: string }} options
 */
export function createShadowProvider({ url, shadowDatabaseUrl }) {
  const main = pgFieldsFromUrl(url)
  const pgliteShadow = createPgliteShadow()
  /** @type {Promise<boolean> | undefined} */
  let mainIsPglite

  return {
    /**
     * Opens a clean shadow database; the adapter's dispose() releases (or drops) it.
     * @returns {Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>}
     */
    async connect() {
      if (shadowDatabaseUrl) {
        const shadow = pgFieldsFromUrl(shadowDatabaseUrl)
        if (shadow.host === main.host && shadow.port === main.port && shadow.database === main.database) {
          throw new UnsafeShadowDatabaseError(
            `Refusing to use ${redactUrl(shadowDatabaseUrl)} as the shadow database: it is the main database. ` +
              'Point SHADOW_DATABASE_URL at a separate, empty database.',
          )
        }
        await assertDisposableShadowDatabase(shadow)
        await resetDatabase(shadow)
        return connectAdapter(shadow)
      }

      mainIsPglite ??= isPglite(main)
      if (await mainIsPglite) {
        const shadow = await pgliteShadow.fields()
        await assertDisposableShadowDatabase(shadow)
        await resetDatabase(shadow)
        return connectAdapter(shadow)
      }

      const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`
      const shadow = { ...main, database: name }
      const drop = () => queryOnce(main, `drop database if exists ${quoteIdent(name)} with (force)`).then(() => undefined)
      await queryOnce(main, `create database ${quoteIdent(name)}`)
      try {
        await assertDisposableShadowDatabase(shadow, name)
      } catch (error) {
        await drop().catch(() => {})
        throw error
      }
      return connectAdapter(shadow, drop)
    },
    async close() {
      await pgliteShadow.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

/**
 * A migration-aware adapter factory for the wasm engine: the main database from separate
 * fields, shadow databases from createShadowProvider().
 * @param {{ url: string, shadowDatabaseUrl?: string }} options
 */
export function createAdapterFactory({ url, shadowDatabaseUrl }) {
  const main = pgFieldsFromUrl(url)
  const shadows = createShadowProvider({ url, shadowDatabaseUrl })
  const factory = {
    provider: /** @type {const} */ ('postgres'),
    adapterName: '@prisma/adapter-pg',
    /** @returns {Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>} */
    connect: () => connectAdapter(main),
    connectToShadowDb: () => shadows.connect(),
  }
  return { factory, close: () => shadows.close() }
}

/**
 * Starts a wasm schema engine for one database.
 * @param {{ url: string, shadowDatabaseUrl?: string, datamodels?: [string, string][], log?: (line: string) => void }} options
 *   datamodels: `[path, contents]` of each schema file; empty means "no schema" (e.g. `migrate deploy`).
 */
export async function createWasmSchemaEngine({ url, shadowDatabaseUrl, datamodels, log = () => {} }) {
  const bindings = await loadSchemaEngineWasm()
  const { factory, close } = createAdapterFactory({ url, shadowDatabaseUrl })
  const bound = bindMigrationAwareSqlAdapterFactory(/** @type {any} */ (factory))
  // `datamodels: []` makes the engine panic ("no datamodels"); "none" must be `undefined`.
  const engine = await bindings.SchemaEngine.new({ datamodels: datamodels && datamodels.length > 0 ? datamodels : undefined }, log, bound)

  /**
   * The engine's message for a failure, with our own errors spelled out: an exception thrown in
   * the adapter factory (e.g. the shadow-database guard) reaches the engine only as
   * "External error id#N", an index into the binder's error registry.
   * @param {unknown} error
   */
  function describeError(error) {
    const message = error instanceof Error ? error.message : String(error)
    return message.replace(/External error id#(\d+)/g, (text, id) => {
      const registered = /** @type {any} */ (bound).errorRegistry?.consumeError(Number(id))?.error
      return registered?.message ? registered.message : text
    })
  }

  return { engine, close, describeError }
}

/** Version of the bundled wasm engine, e.g. for `--version`. */
export async function wasmEngineVersion() {
  const bindings = await loadSchemaEngineWasm()
  return bindings.version()
}
