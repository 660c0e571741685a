import { fetchStreamPages } from '@/lib/sync/backfill/fetch-stream-pages'
import { inngest } from '../client'
import { backfillContactsRequested, backfillStreamRequested, healthCheckRequested } from '../events'
import { backfillDeps, pagesPerRun } from '@/lib/sync/backfill/app-deps'
import { failBackfillStream } from '@/lib/sync/backfill/record-failure'

// Fetches a bounded number of pages of one stream (each checkpointed in sync_streams), then
// chains the next run with the same stream id, so no run grows hundreds of steps. The stream
// that ends the run starts the contact recompute. Concurrency per connection bounds the
// parallel ranges; the request budget (in the database) bounds the rate across all of them.
export const fetchBackfillStream = inngest.createFunction(
  {
    id: 'fetch-backfill-stream',
    retries: 5,
    triggers: [backfillStreamRequested],
    concurrency: [{ key: 'event.data.connectionId', limit: 4 }],
    // Retries exhausted on an error that is not Stripe's (those fail the stream themselves):
    // fail the stream with the cause; the other streams go on, and if this was the last one
    // the run ends here (contacts, then the run completes as failed, naming this stream).
    onFailure: async ({ event, error, step }) => {
      const original = event.data.event.data
      const failed = await step.run('fail-stream', () => failBackfillStream(backfillDeps().db, { streamId: original.streamId, cause: { name: error.name, message: error.message }, now: new Date() }))
      if (failed.isRunEndClaimed) {
        await step.sendEvent('recompute-contacts', backfillContactsRequested.create({ connectionId: original.connectionId, runId: original.runId, afterCustomerId: null }))
      }
      return failed
    },
  },
  async ({ event, step }) => {
    const outcome = await step.run('fetch-pages', () => fetchStreamPages(backfillDeps(), { streamId: event.data.streamId, maxPages: pagesPerRun() }))
    if (outcome.status === 'more') await step.sendEvent('continue-stream', backfillStreamRequested.create(event.data))
    // Stopped (e.g. Stripe rejected the key): the health state and its alert follow at once.
    if (outcome.status === 'stopped') await step.sendEvent('check-health', healthCheckRequested.create({ connectionId: event.data.connectionId, reason: 'key_rejected' }))
    if (outcome.isRunEndClaimed) {
      await step.sendEvent('recompute-contacts', backfillContactsRequested.create({ connectionId: event.data.connectionId, runId: event.data.runId, afterCustomerId: null }))
    }
    return outcome
  },
)
