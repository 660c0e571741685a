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
  status?: string | null
  activeCount?: number
  trialEnd?: Date | null
  lastActivityAt?: Date | null
  lastPaymentAt?: Date | null
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
        subscriptionCount: f.status ? 1 : 0,
        trialEnd: f.trialEnd ?? null,
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
