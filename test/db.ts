// The test run's database (created and migrated by test/global-setup.ts), for test files:
//
//   import { testDb } from '@/test/db'
//   const count = await testDb.workspace.count()
//
// Every test file of a run shares this one database and files run in parallel: create the rows
// a test needs with unique values instead of expecting empty tables.
import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, inject } from 'vitest'
import { PrismaClient } from '@/lib/generated/prisma/client'

/** postgresql:// URL of the test database (also in process.env.DATABASE_URL). */
export const testDatabaseUrl: string = inject('databaseUrl')
/** 'postgresql' (TEST_DATABASE_URL's server) or 'pglite' (embedded, in memory). */
export const testDatabaseKind = inject('databaseKind')

/** A Prisma client on the test database; disconnected after the importing test file. */
export const testDb = new PrismaClient({ adapter: new PrismaPg({ connectionString: testDatabaseUrl }) })

afterAll(async () => {
  await testDb.$disconnect()
})
