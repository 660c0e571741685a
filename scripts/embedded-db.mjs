#!/usr/bin/env node
// The embedded PostgreSQL: PGlite (PostgreSQL compiled to WebAssembly) with its data in a folder,
// served over TCP on 127.0.0.1 by pglite-socket so that `pg`, @prisma/adapter-pg and the Prisma
// CLI connect to it like to any PostgreSQL server.
//
//   import { startEmbeddedDb } from './scripts/embedded-db.mjs'
//   const db = await startEmbeddedDb({ dataDir: '.data/pglite', port: 54329 })
//   ... db.url ...
//   await db.stop()
//
// Run alone: `node scripts/embedded-db.mjs` (or `npm run db:embedded`) serves .data/pglite until
// Ctrl-C, e.g. for `npx prisma studio` while the app is not running.
//
// Limits, by design of PGlite: one database per server (every database name reaches the same
// one), one query at a time (pglite-socket queues connections' queries), and one process per
// data folder (enforced below with a lock file).
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { EMBEDDED_DB_HOST, embeddedDbPort, embeddedDbUrl } from './lib/embedded-defaults.mjs'
import { CycleQueue, handleReadsInOrder } from './lib/pglite-cycle-queue.mjs'

export const DEFAULT_DATA_DIR = '.data/pglite'
const IN_MEMORY = 'memory://'

/**
 * @typedef {{ url: string, port: number, dataDir: string, stop: () => Promise<void> }} EmbeddedDb
 */

/**
 * Starts PGlite on `dataDir` and serves it on 127.0.0.1:`port`.
 * @param {{ dataDir?: string, port?: number }} [options]
 *   dataDir: folder for the data (created if missing), or "memory://" for a throw-away database;
 *   port: TCP port, 0 for any free one. Defaults: .data/pglite and EMBEDDED_DB_PORT or 54329.
 * @returns {Promise<EmbeddedDb>}
 */
export async function startEmbeddedDb({ dataDir = DEFAULT_DATA_DIR, port = embeddedDbPort() } = {}) {
  const inMemory = dataDir === IN_MEMORY
  const resolvedDir = inMemory ? IN_MEMORY : path.resolve(dataDir)

  // Fail before the 3-4 s PGlite boot when the port is obviously taken.
  if (port !== 0) await assertPortFree(port)

  const releaseLock = inMemory ? () => {} : acquireDataDirLock(resolvedDir)
  /** @type {import('@electric-sql/pglite').PGlite | undefined} */
  let db
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { PGLiteSocketHandler, PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
    handleReadsInOrder(PGLiteSocketHandler)
    if (!inMemory) fs.mkdirSync(resolvedDir, { recursive: true })
    db = await PGlite.create(resolvedDir)
    // One query cycle at a time whatever the number of connections; the limit only bounds idle
    // pooled connections (Prisma, Next.js dev reloads, the CLI).
    const server = new PGLiteSocketServer({ db, host: EMBEDDED_DB_HOST, port, maxConnections: 64 })
    // Whole protocol cycles per connection, not interleaved messages (see pglite-cycle-queue.mjs).
    Object.assign(server, { queryQueue: new CycleQueue(db) })
    try {
      await server.start()
    } catch (error) {
      throw /** @type {any} */ (error)?.code === 'EADDRINUSE' ? portInUseError(port) : error
    }
    const boundPort = Number(server.getServerConn().split(':').pop())
    const pglite = db

    /** @type {Promise<void> | undefined} */
    let stopping
    return {
      url: embeddedDbUrl(boundPort),
      port: boundPort,
      dataDir: resolvedDir,
      stop: () => {
        stopping ??= (async () => {
          try {
            await server.stop()
          } finally {
            try {
              await pglite.close()
            } finally {
              releaseLock()
            }
          }
        })()
        return stopping
      },
    }
  } catch (error) {
    await db?.close().catch(() => {})
    releaseLock()
    throw error
  }
}

/** @param {number} port */
function portInUseError(port) {
  return new Error(
    `Cannot start the embedded database: port ${port} on ${EMBEDDED_DB_HOST} is already in use by another program ` +
      '(another "npm run dev"?). Stop it, set EMBEDDED_DB_PORT to a free port, or set DATABASE_URL to use your own PostgreSQL.',
  )
}

/** @param {number} port */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', (error) => reject(/** @type {any} */ (error).code === 'EADDRINUSE' ? portInUseError(port) : error))
    probe.listen(port, EMBEDDED_DB_HOST, () => probe.close(() => resolve(undefined)))
  })
}

/**
 * Two PGlite processes on one data folder corrupt it, so the folder gets a lock file
 * (`<dataDir>.lock`, beside it: PGlite wants the folder to itself) holding the owner's pid.
 * A lock whose process is gone is taken over.
 * @param {string} dataDir
 * @returns {() => void} releases the lock
 */
function acquireDataDirLock(dataDir) {
  const lockFile = `${dataDir}.lock`
  fs.mkdirSync(path.dirname(lockFile), { recursive: true })
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockFile, { force: true })
    } catch (error) {
      if (/** @type {any} */ (error).code !== 'EEXIST') throw error
      const owner = Number(fs.readFileSync(lockFile, 'utf8').trim())
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The embedded database in ${dataDir} is already in use by process ${owner}. Stop that process first ` +
            `(or delete ${lockFile} if you are sure it is not running).`,
        )
      }
      fs.rmSync(lockFile, { force: true }) // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dataDir} (lock file ${lockFile}).`)
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return /** @type {any} */ (error).code === 'EPERM'
  }
}

// `node scripts/embedded-db.mjs`: serve until interrupted.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  try {
    const db = await startEmbeddedDb()
    console.log(`Embedded PostgreSQL (PGlite) serving ${path.relative(process.cwd(), db.dataDir) || db.dataDir} at ${db.url}`)
    console.log('Press Ctrl-C to stop.')
    const stop = () => db.stop().then(() => process.exit(0))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  } catch (error) {
    console.error(/** @type {Error} */ (error).message)
    process.exit(1)
  }
}
