import { stripeForConnection } from '@/lib/connections/connection-deps'
import { secretBox } from '@/lib/crypto'
import { db } from '@/lib/db'
import { repairGaps } from '@/lib/webhooks/repair-gaps'
import { inngest } from '../client'
import { sendStoredEvents } from '../send-stored-events'
import { backfillRequested, gapRepairRequested, stripeEventReceived } from '../events'

// Gap repair (F14), one connection per run, never two at once on a connection. Requested by the
// schedule below, by "re-sync now", and when a connection recovers from a failing state.
export const repairStripeGaps = inngest.createFunction(
  { id: 'repair-stripe-gaps', retries: 3, triggers: [gapRepairRequested], concurrency: [{ key: 'event.data.connectionId', limit: 1 }] },
  async ({ event, step }) =>
    step.run('repair-gaps', async () => {
      const connection = await db().stripeConnection.findUniqueOrThrow({ where: { id: event.data.connectionId }, select: { keySealed: true, apiBase: true } })
      return repairGaps(
        {
          db: db(),
          stripe: stripeForConnection({ db: db(), box: secretBox() }, connection),
          now: () => new Date(),
          dispatch: (data) => inngest.send(stripeEventReceived.create(data, { id: `${data.connectionId}:${data.stripeEventId}` })),
          resend: sendStoredEvents,
          requestBackfill: (data) => inngest.send(backfillRequested.create(data)),
        },
        { connectionId: event.data.connectionId },
      )
    }),
)

// Every 15 minutes: one repair request per connection that has a webhook endpoint.
export const scheduleGapRepairs = inngest.createFunction({ id: 'schedule-gap-repairs', retries: 1, triggers: [{ cron: '*/15 * * * *' }] }, async ({ step }) => {
  const connectionIds = await step.run('list-connections', async () =>
    (await db().stripeConnection.findMany({ where: { webhookSecretSealed: { not: null }, status: { in: ['active', 'syncing', 'failing', 'waiting_to_sync'] } }, select: { id: true } })).map((c) => c.id),
  )
  if (connectionIds.length) await step.sendEvent('request-repairs', connectionIds.map((connectionId) => gapRepairRequested.create({ connectionId, reason: 'schedule' })))
  return { connections: connectionIds.length }
})
