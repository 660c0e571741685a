import { planBackfillRun, startBackfillRun } from '@/lib/sync/backfill/start-backfill'
import { claimRunEnd } from '@/lib/sync/backfill/stop-run'
import { inngest } from '../client'
import { backfillContactsRequested, backfillRequested, backfillStreamRequested, connectionConnected } from '../events'
import { backfillDeps } from '@/lib/sync/backfill/app-deps'
import { failBackfillRun } from '@/lib/sync/backfill/record-failure'

// Starts (or resumes) the backfill of a connection: the wizard's "import all", a "Re-sync now",
// gap repair past Stripe's 30 days of events. Plans the run, then fans out one event per stream.
export const startBackfill = inngest.createFunction(
  {
    id: 'start-backfill',
    retries: 3,
    triggers: [connectionConnected, backfillRequested],
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
    // Retries exhausted while starting or planning: the run (if one was started) fails with the
    // cause instead of staying "Importing" with nothing running; the connection becomes failing.
    onFailure: async ({ event, error, step }) => {
      const { connectionId } = event.data.event.data
      return step.run('fail-run', () => failBackfillRun(backfillDeps().db, { connectionId, runId: null, stage: 'planning', cause: { name: error.name, message: error.message }, now: new Date() }))
    },
  },
  async ({ event, step }) => {
    const data = event.data
    if ('importChoice' in data && data.importChoice !== 'all') return { skipped: 'changes_only' }
    const reason = 'reason' in data ? data.reason : 'initial_import'
    const started = await step.run('start-run', () => startBackfillRun(backfillDeps(), { connectionId: data.connectionId, reason }))
    if (started.isAlreadyRunning) return { runId: started.runId, skipped: 'already_running' }
    const planned = await step.run('plan-run', () => planBackfillRun(backfillDeps(), { runId: started.runId }))
    if (planned.isStopped) return { runId: started.runId, stopped: true }
    if (planned.streamIds.length === 0) {
      const isClaimed = await step.run('claim-run-end', () => claimRunEnd(backfillDeps().db, started.runId))
      if (isClaimed) await step.sendEvent('recompute-contacts', backfillContactsRequested.create({ connectionId: data.connectionId, runId: started.runId, afterCustomerId: null }))
      return { runId: started.runId, streams: 0 }
    }
    await step.sendEvent(
      'fetch-streams',
      planned.streamIds.map((streamId) => backfillStreamRequested.create({ connectionId: data.connectionId, runId: started.runId, streamId })),
    )
    return { runId: started.runId, streams: planned.streamIds.length }
  },
)
