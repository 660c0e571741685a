import { cron } from 'inngest'
import { connectionDeps } from '@/lib/connections/deps'
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { checkWebhookEndpoint } from '@/lib/health/check-endpoint'
import { evaluateConnectionHealth } from '@/lib/health/evaluate-health'
import { probeConnectionKey } from '@/lib/health/probe-key'
import { mailer } from '@/lib/mail/send-email'
import { notifyWorkspaceAdmins } from '@/lib/notices/notify-admins'
import { inngest } from '../client'
import { gapRepairRequested, healthCheckRequested } from '../events'

// Sync health (F21) of one connection: probe the key, look the webhook endpoint up in Stripe
// (at most every five minutes unless asked by an admin), then recompute the state and alert
// admins when an incident starts or ends. One run per connection at a time.

const ENDPOINT_CHECK_EVERY_MS = 5 * 60 * 1000

export const checkSyncHealth = inngest.createFunction(
  { id: 'check-sync-health', retries: 2, triggers: [healthCheckRequested], concurrency: [{ key: 'event.data.connectionId', limit: 1 }] },
  async ({ event, step }) => {
    const { connectionId, reason } = event.data
    const connection = await step.run('load-connection', () =>
      db().stripeConnection.findUnique({ where: { id: connectionId }, select: { status: true, endpointCheckedAt: true, webhookEndpointId: true } }),
    )
    if (!connection) return { skipped: 'connection deleted' }
    // A paused or unfinished connection is not probed: its state says why already.
    const isProbed = connection.status !== 'paused' && connection.status !== 'draft'
    const key = isProbed ? await step.run('probe-key', () => probeConnectionKey(connectionDeps(), { connectionId })) : null
    const isEndpointDue =
      isProbed &&
      key?.ok === true &&
      connection.webhookEndpointId !== null &&
      (reason !== 'webhook' || !connection.endpointCheckedAt || Date.now() - new Date(connection.endpointCheckedAt).getTime() > ENDPOINT_CHECK_EVERY_MS)
    if (isEndpointDue) await step.run('check-endpoint', () => checkWebhookEndpoint(connectionDeps(), { connectionId }))
    const health = await step.run('evaluate-health', () =>
      evaluateConnectionHealth(
        {
          db: db(),
          now: () => new Date(),
          notify: (notice) => notifyWorkspaceAdmins({ db: db(), mailer: mailer(), appUrl: env().APP_URL }, notice),
          requestGapRepair: (data) => inngest.send(gapRepairRequested.create(data)),
        },
        { connectionId },
      ),
    )
    return { state: health.state, previous: health.previous, notified: health.notified, keyOk: key?.ok ?? null }
  },
)

// Every five minutes: a health check of every connected account, so a revoked key or a deleted
// endpoint is noticed even when no webhook arrives.
export const scheduleHealthChecks = inngest.createFunction({ id: 'schedule-health-checks', retries: 1, triggers: [cron('*/5 * * * *')] }, async ({ step }) => {
  const connectionIds = await step.run('list-connections', async () =>
    (await db().stripeConnection.findMany({ where: { status: { not: 'draft' } }, select: { id: true } })).map((c) => c.id),
  )
  if (connectionIds.length) await step.sendEvent('request-checks', connectionIds.map((connectionId) => healthCheckRequested.create({ connectionId, reason: 'schedule' })))
  return { connections: connectionIds.length }
})
