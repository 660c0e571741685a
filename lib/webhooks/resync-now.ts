import type { Db } from '../db'
import { requestResync } from '../sync/backfill/request-resync'

// "Re-sync now" (settings → Stripe): the admin suspects something is missing. A backfill brings
// the objects back to Stripe's current state, but only gap repair (F14) puts the events we never
// received on contacts' feeds and into automations — so the button asks for both.

export type ResyncEvent =
  | { name: 'sync/backfill.requested'; data: { connectionId: string; reason: 'resync' } }
  | { name: 'stripe/gap-repair.requested'; data: { connectionId: string; reason: 'manual' } }

export async function resyncNow(deps: { db: Db; emit: (event: ResyncEvent) => Promise<unknown> }, args: { workspaceId: string; connectionId: string }) {
  const result = await requestResync({ db: deps.db, emit: deps.emit }, args)
  await deps.emit({ name: 'stripe/gap-repair.requested', data: { connectionId: args.connectionId, reason: 'manual' } })
  return result
}
