// The per-run test database (test/global-setup.ts) as test files see it through test/db.ts.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDatabaseKind, testDatabaseUrl, testDb } from '@/test/db'

describe('test database', () => {
  test('is the one in DATABASE_URL, and a fresh database of its own on a shared server', async () => {
    expect(process.env.DATABASE_URL).toBe(testDatabaseUrl)
    const [{ name }] = await testDb.$queryRaw<{ name: string }[]>`select current_database() as name`
    if (process.env.TEST_DATABASE_URL) {
      expect(testDatabaseKind).toBe('postgresql')
      expect(name).toMatch(/^churnless_test_\d{14}_[0-9a-f]{6}$/)
    } else {
      expect(testDatabaseKind).toBe('pglite')
      const [{ version }] = await testDb.$queryRaw<{ version: string }[]>`select version()`
      expect(version).toContain('PGlite')
    }
  })

  test('has every migration of prisma/migrations applied', async () => {
    const dir = path.join(process.cwd(), 'prisma', 'migrations')
    const expected = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []
    const [{ exists }] = await testDb.$queryRaw<{ exists: boolean }[]>`select to_regclass('_prisma_migrations') is not null as exists`
    const applied = exists
      ? (await testDb.$queryRaw<{ name: string }[]>`select migration_name as name from _prisma_migrations where finished_at is not null order by 1`).map((r) => r.name)
      : []
    expect(applied).toEqual(expected)
  })
})
