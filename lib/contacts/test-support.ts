import { randomUUID } from 'node:crypto'
import type { Db } from '../db'
import type { Prisma } from '../generated/prisma/client'

// Rows for the contacts tests, inserted directly (the sync that normally writes them is tested
// on its own). Ids are unique per call so test files can share one database.

export async function createWorkspaceWithConnection(db: Db, options: { mode?: 'live' | 'test'; apiBase?: string | null } = {}) {
  const workspace = await db.workspace.create({ data: { name: `Contacts ${randomUUID().slice(0, 8)}` } })
  const connection = await db.stripeConnection.create({
    data: {
      workspaceId: workspace.id,
      accountId: `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      accountName: 'Test Co',
      mode: options.mode ?? 'test',
      keyKind: 'restricted',
      keySealed: 'sealed',
      keyHint: 'rk_test_…abcd',
      apiBase: options.apiBase === undefined ? null : options.apiBase,
      status: 'active',
    },
  })
  return { workspaceId: workspace.id, connectionId: connection.id }
}

export type ContactSeed = Partial<Prisma.ContactCreateManyInput> & { id: string }

export async function insertContacts(db: Db, workspaceId: string, contacts: ContactSeed[]) {
  await db.contact.createMany({ data: contacts.map((c) => ({ isStripeLinked: true, ...c, workspaceId })) })
}
