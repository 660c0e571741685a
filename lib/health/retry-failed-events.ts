import { z } from 'zod'
import { getConnectionOrThrow } from '../connections/connection-deps'
import type { Db } from '../db'
import { AppError } from '../errors'
import { redispatchStoredEvents, type StoredEventDispatch } from './redispatch-events'

// "Retry" on the health page's errors: failed events go back to pending and are applied again.
// One group (event type + cause, as the page lists them) or every failed event, at most
// MAX_RETRY per click so one request stays short.

const MAX_RETRY = 10_000

export const retryFailedEventsSchema = z.object({
  eventType: z.string().trim().min(1).max(200).optional(),
  /** The stored error of the group as the health view returns it (`errors[].error`); null = failed without a message. */
  cause: z.string().max(2000).nullable().optional(),
})
export type RetryFailedEvents = z.infer<typeof retryFailedEventsSchema>

export async function retryFailedEvents(deps: { db: Db; dispatch: StoredEventDispatch; now: () => Date }, args: { workspaceId: string; connectionId: string } & RetryFailedEvents) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status === 'paused') throw new AppError('conflict', 'Syncing is paused. Resume it first; held and retried events are then applied in order.')
  if (connection.status === 'needs_reauth') throw new AppError('conflict', 'Stripe rejected the stored key. Save a new key first, then retry.')
  const failed = await deps.db.stripeEvent.findMany({
    where: { connectionId: connection.id, status: 'failed', ...(args.eventType && { type: args.eventType }), ...(args.cause !== undefined && { error: args.cause }) },
    select: { id: true },
    take: MAX_RETRY,
  })
  if (!failed.length) return { retried: 0 }
  const ids = failed.map((e) => e.id)
  // Marked pending first: an event that fails again shows up again, one that succeeds is gone.
  await deps.db.stripeEvent.updateMany({ where: { connectionId: connection.id, id: { in: ids }, status: 'failed' }, data: { status: 'pending', error: null } })
  const retried = await redispatchStoredEvents(deps, { connectionId: connection.id, where: { id: { in: ids }, status: 'pending' }, reason: 'retry' })
  return { retried }
}
