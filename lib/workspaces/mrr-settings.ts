import type { Db } from '../db'

// SPEC F10's workspace setting: whether running `repeating` coupons are subtracted from MRR
// (forever ones always are, once ones never). Contacts store MRR, so a change re-maps every
// connected account's contacts from the mirror — no Stripe call.

export type MrrSettings = { includeRepeatingDiscounts: boolean }

export async function getMrrSettings(db: Db, args: { workspaceId: string }): Promise<MrrSettings> {
  return db.workspace.findUniqueOrThrow({ where: { id: args.workspaceId }, select: { includeRepeatingDiscounts: true } })
}

/**
 * Saves the setting; when it changed, asks for a re-map of each non-draft connection's contacts
 * (`requestRemap` sends `sync/contacts-remap.requested`). Returns the connections re-mapped.
 */
export async function saveMrrSettings(
  deps: { db: Db; requestRemap: (connectionIds: string[]) => Promise<void> },
  args: { workspaceId: string; settings: MrrSettings },
): Promise<MrrSettings & { remappedConnections: number }> {
  const before = await getMrrSettings(deps.db, args)
  if (before.includeRepeatingDiscounts === args.settings.includeRepeatingDiscounts) return { ...before, remappedConnections: 0 }
  await deps.db.workspace.update({ where: { id: args.workspaceId }, data: { includeRepeatingDiscounts: args.settings.includeRepeatingDiscounts } })
  const connections = await deps.db.stripeConnection.findMany({ where: { workspaceId: args.workspaceId, status: { not: 'draft' } }, select: { id: true } })
  if (connections.length) await deps.requestRemap(connections.map((c) => c.id))
  return { ...args.settings, remappedConnections: connections.length }
}
