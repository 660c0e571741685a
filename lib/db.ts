import { PrismaPg } from '@prisma/adapter-pg'
import { type Prisma, PrismaClient } from './generated/prisma/client'

export type Db = PrismaClient
/** A client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient

/** A Prisma client over node-postgres. Services take a `Db` so tests can pass their own. */
export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: options.max ?? 10 }) })
}

const globalForDb = globalThis as unknown as { churnlessDb?: Db }

/** The app's shared client (one per process; survives Next's dev hot reloads). */
export function db(): Db {
  const url = process.env.DATABASE_URL
  if (!url) {
    throw new Error('DATABASE_URL is not set. Start the app with `npm run dev` (embedded database) or set DATABASE_URL.')
  }
  globalForDb.churnlessDb ??= createDb(url)
  return globalForDb.churnlessDb
}
