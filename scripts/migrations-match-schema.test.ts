// prisma/migrations and prisma/schema.prisma describe the same database. Indexes Prisma cannot
// express live in SQL migrations only; any plain one missing from the schema would be dropped by
// the next `prisma migrate dev`, so the schema declares it (with the migration's name) too.
import { expect, test } from 'vitest'
import { createPgliteDatabase } from '../test/support/databases'
import { runPrisma } from './lib/prisma-cli.mjs'

test('the migrations build exactly the schema (no drift)', { timeout: 180_000 }, async () => {
  const db = await createPgliteDatabase()
  try {
    const diff = await runPrisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'], {
      env: { ...process.env, DATABASE_URL: db.url, CHURNLESS_SCHEMA_ENGINE: 'wasm' },
    })
    expect(diff.stdout).toContain('No difference detected.')
  } finally {
    await db.drop()
  }
})
