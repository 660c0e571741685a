// GET|POST /api/stripe/connections/:connectionId/health — sync health (F21) and its actions: check now, pause, resume, repair the endpoint, retry failed events
import { z } from 'zod'
import { inngest } from '@/inngest/client'
import { backfillRequested, healthCheckRequested } from '@/inngest/events'
import { sendStoredEvents } from '@/inngest/send-stored-events'
import { getConnectionOrThrow } from '@/lib/connections/connection-deps'
import { connectionDeps } from '@/lib/connections/deps'
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { repairWebhookEndpoint } from '@/lib/health/check-endpoint'
import { getSyncHealth } from '@/lib/health/get-sync-health'
import { pauseSyncing, resumeSyncing } from '@/lib/health/pause-syncing'
import { retryFailedEvents, retryFailedEventsSchema } from '@/lib/health/retry-failed-events'
import { withWorkspace } from '@/lib/server/route'

const params = z.object({ connectionId: z.string() })

const actionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('check') }),
    z.object({ action: z.literal('pause') }),
    z.object({ action: z.literal('resume') }),
    z.object({ action: z.literal('repair_endpoint') }),
    retryFailedEventsSchema.extend({ action: z.literal('retry') }),
  ],
  { error: 'Choose an action: check, pause, resume, repair_endpoint or retry.' },
)

const requestCheck = (connectionId: string, reason: 'admin' | 'resumed' | 'endpoint_repaired') => inngest.send(healthCheckRequested.create({ connectionId, reason }))

export const GET = withWorkspace({ permission: 'manage_stripe', params }, async ({ context, params }) => {
  await getConnectionOrThrow(db(), context.workspaceId, params.connectionId)
  return getSyncHealth(db(), { connectionId: params.connectionId, now: new Date() })
})

export const POST = withWorkspace({ permission: 'manage_stripe', params, body: actionSchema }, async ({ context, params, body }) => {
  const args = { workspaceId: context.workspaceId, connectionId: params.connectionId }
  const now = () => new Date()
  switch (body.action) {
    case 'check':
      await getConnectionOrThrow(db(), args.workspaceId, args.connectionId)
      await requestCheck(args.connectionId, 'admin')
      return { requested: true }
    case 'pause': {
      const result = await pauseSyncing({ db: db() }, args)
      await requestCheck(args.connectionId, 'admin')
      return result
    }
    case 'resume': {
      const result = await resumeSyncing({ db: db(), dispatch: sendStoredEvents, now, requestBackfill: (connectionId) => inngest.send(backfillRequested.create({ connectionId, reason: 'resume' })) }, args)
      await requestCheck(args.connectionId, 'resumed')
      return result
    }
    case 'repair_endpoint': {
      const result = await repairWebhookEndpoint({ ...connectionDeps(), appUrl: env().APP_URL }, args)
      await requestCheck(args.connectionId, 'endpoint_repaired')
      return result
    }
    case 'retry':
      return retryFailedEvents({ db: db(), dispatch: sendStoredEvents, now }, { ...args, eventType: body.eventType, cause: body.cause })
  }
})
