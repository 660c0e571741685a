import type { ConnectionDeps } from '../../connections/connection-deps'
import type { Db } from '../../db'

/** `lib/sync/recompute-contacts.ts`: derives and upserts the contacts of these customers. */
export type RecomputeContacts = (db: Db, args: { connectionId: string; customerIds: string[]; now: Date }) => Promise<{ contactIds: string[] }>

/** What the backfill needs; tests and the benchmark pass real ones (PostgreSQL, the sandbox). */
export type BackfillDeps = ConnectionDeps & {
  recomputeContacts: RecomputeContacts
  /** Overrides the connection's stored budget (requests per second), e.g. for a benchmark. */
  ratePerSecond?: number
}

export const nowOf = (deps: { now?: () => Date }) => (deps.now ? deps.now() : new Date())
