import { randomUUID } from 'node:crypto'
import type { Db } from '../db'

// Fixtures for segment integration tests: a workspace and contacts written directly (contacts
// are normally written by the sync). Every name is unique per call, tests share one database.

export async function createTestWorkspace(db: Db, label = 'Segments') {
  return db.workspace.create({ data: { name: `${label} ${randomUUID().slice(0, 8)}` } })
}

export type ContactFixture = {
  name: string
  linked?: boolean
  /** Status of "the" subscription (F8). */
  status?: string | null
  /** Every subscription's status (defaults to `status` alone: one subscription). */
  statuses?: string[]
  activeCount?: number
  /** "The" subscription's trial end. */
  trialEnd?: Date | null
  /** Earliest trial end of any subscription (defaults to `trialEnd`). */
  earliestTrialEnd?: Date | null
  lastActivityAt?: Date | null
  /** The representative customer's last payment. */
  lastPaymentAt?: Date | null
  /** Any linked customer ever paid (defaults to whether `lastPaymentAt` is set). */
  hasPaid?: boolean
  stripeCreatedAt?: Date | null
  mrr?: number
  totalSpend?: number
  attributes?: Record<string, unknown>
  customAttributes?: Record<string, unknown>
}

export async function insertContacts(db: Db, workspaceId: string, fixtures: readonly ContactFixture[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  for (const f of fixtures) {
    const contact = await db.contact.create({
      data: {
        workspaceId,
        name: f.name,
        email: `${f.name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@example.com`,
        isStripeLinked: f.linked ?? true,
        subscriptionStatus: f.status ?? null,
        activeSubscriptionCount: f.activeCount ?? (f.status === 'active' ? 1 : 0),
        subscriptionCount: f.statuses?.length ?? (f.status ? 1 : 0),
        subscriptionStatuses: f.statuses ?? (f.status ? [f.status] : []),
        trialEnd: f.trialEnd ?? null,
        earliestTrialEnd: f.earliestTrialEnd === undefined ? (f.trialEnd ?? null) : f.earliestTrialEnd,
        hasPaid: f.hasPaid ?? Boolean(f.lastPaymentAt),
        lastActivityAt: f.lastActivityAt ?? null,
        lastPaymentAt: f.lastPaymentAt ?? null,
        stripeCreatedAt: f.stripeCreatedAt ?? null,
        mrr: BigInt(f.mrr ?? 0),
        totalSpend: BigInt(f.totalSpend ?? 0),
        currency: 'usd',
        attributes: (f.attributes ?? {}) as object,
        customAttributes: (f.customAttributes ?? {}) as object,
      },
      select: { id: true },
    })
    ids.set(f.name, contact.id)
  }
  return ids
}

/** Member names of a segment, sorted. */
export async function memberNames(db: Db, segmentId: string): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ name: string }[]>('SELECT c.name FROM segment_memberships m JOIN contacts c ON c.id = m.contact_id WHERE m.segment_id = $1 ORDER BY c.name', segmentId)
  return rows.map((r) => r.name)
}

export const days = (n: number) => n * 86_400_000
