// Fresh, throw-away databases for tests: a new database on a PostgreSQL server, or an in-memory
// PGlite served on a free port. Both are reached through a postgresql:// URL, like production.
import crypto from 'node:crypto'
import { startEmbeddedDb } from '../../scripts/embedded-db.mjs'
import { pgFieldsFromUrl, quoteIdent, withDatabase } from '../../scripts/lib/pg-url.mjs'
import { queryOnce } from '../../scripts/lib/wasm-schema-engine.mjs'

export type DatabaseKind = 'postgresql' | 'pglite'

export interface ThrowawayDatabase {
  kind: DatabaseKind
  url: string
  /** Removes the database (PostgreSQL) or stops the server (PGlite). Safe to call twice. */
  drop: () => Promise<void>
}

/**
 * Creates a uniquely named database on the server of `serverUrl` (which must allow CREATE
 * DATABASE), e.g. `churnless_test_20260101120000_ab12cd`.
 */
export async function createServerDatabase(serverUrl: string, prefix = 'churnless_test'): Promise<ThrowawayDatabase> {
  const server = pgFieldsFromUrl(serverUrl)
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const name = `${prefix}_${stamp}_${crypto.randomBytes(3).toString('hex')}`
  try {
    await queryOnce(server, `create database ${quoteIdent(name)}`)
  } catch (error) {
    throw new Error(
      `Could not create the test database ${name} on ${server.host}:${server.port}: ${(error as Error).message}. ` +
        'TEST_DATABASE_URL must point at a running PostgreSQL whose user may CREATE DATABASE.',
    )
  }
  let dropped = false
  return {
    kind: 'postgresql',
    url: withDatabase(serverUrl, name),
    drop: async () => {
      if (dropped) return
      dropped = true
      await queryOnce(server, `drop database if exists ${quoteIdent(name)} with (force)`)
    },
  }
}

/** An in-memory PGlite (PostgreSQL 18) on a free port of 127.0.0.1, served from this process. */
export async function createPgliteDatabase(): Promise<ThrowawayDatabase> {
  const db = await startEmbeddedDb({ dataDir: 'memory://', port: 0 })
  return { kind: 'pglite', url: db.url, drop: () => db.stop() }
}

/** On TEST_DATABASE_URL's server when it is set, else PGlite. */
export function createTestDatabase(env: Record<string, string | undefined> = process.env): Promise<ThrowawayDatabase> {
  return env.TEST_DATABASE_URL ? createServerDatabase(env.TEST_DATABASE_URL) : createPgliteDatabase()
}
