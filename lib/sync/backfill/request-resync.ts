import { getConnectionOrThrow } from '../../connections/connection-deps'
import type { Db } from '../../db'
import { AppError } from '../../errors'

/**
 * "Re-sync now": asks for a backfill of a connection of this workspace. The run itself starts
 * in inngest/functions/start-backfill.ts: one run per connection at a time (a request while one
 * is running is a no-op there), and an unfinished or abandoned run is resumed from its cursors.
 */
export async function requestResync(
  deps: { db: Db; emit: (event: { name: 'sync/backfill.requested'; data: { connectionId: string; reason: 'resync' } }) => Promise<unknown> },
  args: { workspaceId: string; connectionId: string },
) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this Stripe account before syncing it.')
  if (connection.status === 'paused') throw new AppError('conflict', 'Syncing is paused. Resume it first; an unfinished import then continues on its own.')
  if (connection.status === 'needs_reauth') throw new AppError('conflict', 'Stripe rejected the stored key. Rotate the key first; the import then continues from where it stopped.')
  await deps.emit({ name: 'sync/backfill.requested', data: { connectionId: connection.id, reason: 'resync' } })
  return { isRequested: true }
}
