// Vitest global setup: one fresh, migrated database per test run, dropped at the end.
//
// TEST_DATABASE_URL set (CI: postgresql://postgres@127.0.0.1:5432/postgres): a new database on
// that server. Unset: an in-memory PGlite served from the Vitest main process.
// Tests reach it through `import { testDb } from '@/test/db'`, or process.env.DATABASE_URL.
import { randomBytes } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import { runPrisma } from '../scripts/lib/prisma-cli.mjs'
import { redactUrl } from '../scripts/lib/pg-url.mjs'
import { createTestDatabase, type DatabaseKind } from './support/databases'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    databaseKind: DatabaseKind
  }
}

export default async function setup(project: TestProject) {
  const db = await createTestDatabase()
  try {
    // Async on purpose: with PGlite the database answers from this very process.
    await runPrisma(['migrate', 'deploy'], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        // PGlite is only verified with the wasm engine (see scripts/lib/schema-engine.mjs).
        ...(db.kind === 'pglite' ? { CHURNLESS_SCHEMA_ENGINE: 'wasm' } : {}),
      },
    })
  } catch (error) {
    await db.drop().catch(() => {})
    throw new Error(`Could not migrate the test database ${redactUrl(db.url)}:\n${(error as Error).message}`)
  }

  // Test workers start after global setup and inherit this, so code reading DATABASE_URL at
  // import time (lib/db.ts) also gets the test database.
  process.env.DATABASE_URL = db.url
  // The rest of what lib/env.ts requires of a running app, so services that read it (email
  // alerts from a health check) behave in tests as they do in the app.
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64')
  project.provide('databaseUrl', db.url)
  project.provide('databaseKind', db.kind)

  return async () => {
    await db.drop()
  }
}
