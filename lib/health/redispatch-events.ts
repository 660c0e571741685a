import type { Prisma } from '../generated/prisma/client'
import type { Db } from '../db'
import { customerKeyOf } from '../sync/apply-event/handlers'

// Hands stored Stripe events to processing again (resume after a pause, Retry on the health
// page), oldest first so each customer's events are applied in order. Each send carries an id
// of its own: Inngest drops a repeated event id for 24 hours.

export type StoredEventDispatch = (events: { connectionId: string; stripeEventId: string; customerKey: string; dispatchId: string }[]) => Promise<unknown>

const BATCH = 500

export async function redispatchStoredEvents(
  deps: { db: Db; dispatch: StoredEventDispatch; now: () => Date },
  args: { connectionId: string; where: Prisma.StripeEventWhereInput; reason: string },
): Promise<number> {
  const stamp = deps.now().getTime()
  let sent = 0
  let cursor: { created: Date; id: string } | null = null
  for (;;) {
    const page: { id: string; type: string; created: Date; payload: Prisma.JsonValue }[] = await deps.db.stripeEvent.findMany({
      where: {
        ...args.where,
        connectionId: args.connectionId,
        ...(cursor && { OR: [{ created: { gt: cursor.created } }, { created: cursor.created, id: { gt: cursor.id } }] }),
      },
      orderBy: [{ created: 'asc' }, { id: 'asc' }],
      take: BATCH,
      select: { id: true, type: true, created: true, payload: true },
    })
    if (!page.length) return sent
    await deps.dispatch(
      page.map((e) => ({
        connectionId: args.connectionId,
        stripeEventId: e.id,
        customerKey: customerKeyOf(e.type, (e.payload as { data?: { object?: unknown } } | null)?.data?.object),
        dispatchId: `${args.connectionId}:${e.id}:${args.reason}:${stamp}`,
      })),
    )
    sent += page.length
    const last = page.at(-1)!
    cursor = { created: last.created, id: last.id }
  }
}
