import { completeBackfillRun, importRunHistory, recomputeBackfillContacts } from '@/lib/sync/backfill/finish-backfill'
import { inngest } from '../client'
import { backfillContactsRequested, contactUpdated } from '../events'
import { backfillDeps } from '@/lib/sync/backfill/app-deps'
import { failBackfillRun } from '@/lib/sync/backfill/record-failure'

// After the last stream of a run: derive the contacts of every customer of the connection in
// chunks (a customer id cursor, chained runs), announce them (contact/updated, ≤ 500 ids, cause
// "backfill") so segments re-evaluate, and record how the run ended.
export const recomputeBackfillContactsFn = inngest.createFunction(
  {
    id: 'recompute-backfill-contacts',
    retries: 3,
    triggers: [backfillContactsRequested],
    concurrency: [{ key: 'event.data.connectionId', limit: 1 }],
    // Retries exhausted while deriving contacts: the run fails with the cause (the mirror is
    // complete; a re-sync derives the contacts again) instead of staying "Updating contacts".
    onFailure: async ({ event, error, step }) => {
      const { connectionId, runId } = event.data.event.data
      return step.run('fail-run', () => failBackfillRun(backfillDeps().db, { connectionId, runId, stage: 'contacts', cause: { name: error.name, message: error.message }, now: new Date() }))
    },
  },
  async ({ event, step }) => {
    const batch = await step.run('recompute-contacts', () => recomputeBackfillContacts(backfillDeps(), { runId: event.data.runId, afterCustomerId: event.data.afterCustomerId }))
    if (batch.contactIdChunks.length > 0) {
      await step.sendEvent(
        'announce-contacts',
        batch.contactIdChunks.map((contactIds) => contactUpdated.create({ workspaceId: batch.workspaceId, contactIds, cause: 'backfill' })),
      )
    }
    if (batch.nextAfterCustomerId !== null) {
      await step.sendEvent('continue-contacts', backfillContactsRequested.create({ ...event.data, afterCustomerId: batch.nextAfterCustomerId }))
      return { customers: batch.customers, done: false }
    }
    await step.run('import-history', () => importRunHistory(backfillDeps(), { runId: event.data.runId }))
    const completed = await step.run('complete-run', () => completeBackfillRun(backfillDeps(), { runId: event.data.runId }))
    return { customers: batch.customers, done: true, state: completed.state }
  },
)
