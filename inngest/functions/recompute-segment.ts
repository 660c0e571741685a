import { db } from '@/lib/db'
import { recomputeSegmentChunk } from '@/lib/segments/membership'
import { inngest } from '../client'
import { segmentRecomputeRequested } from '../events'
import { segmentChangeEvents } from './segment-change-events'
import { intSetting } from '@/lib/env'

// A rule was saved → recompute its members range by range (keyset on contact id), progress in
// segments.recompute_progress. A run does a few ranges then hands the cursor to the next run,
// so no run grows hundreds of steps. A newer edit of the rule stops an older recompute.
// Changes of a range are sent from inside its step (with their change id as event id): a range
// holds up to 20,000 changes, too many for a step's output.
const RANGES_PER_RUN = 10
/** Tests set smaller ranges and runs to exercise chaining (read per run, not at import). */
const rangesPerRun = () => intSetting('CHURNLESS_RECOMPUTE_RANGES_PER_RUN', RANGES_PER_RUN)
const chunkSize = () => (process.env.CHURNLESS_RECOMPUTE_CHUNK ? intSetting('CHURNLESS_RECOMPUTE_CHUNK', 0) : undefined)

export const recomputeSegment = inngest.createFunction(
  { id: 'recompute-segment', retries: 3, triggers: [segmentRecomputeRequested], concurrency: { key: 'event.data.segmentId', limit: 1 } },
  async ({ event, step }) => {
    const { workspaceId, segmentId, cause } = event.data
    const now = new Date(event.data.now)
    let after = event.data.after
    let progress: { total?: number; done?: number } = {}
    const ranges = rangesPerRun()
    for (let i = 0; i < ranges; i++) {
      const result = await step.run(`range-${i}`, async () => {
        const segment = await db().segment.findFirst({ where: { id: segmentId, workspaceId }, select: { updatedAt: true } })
        if (!segment || segment.updatedAt > now) return { stale: true as const }
        const chunk = await recomputeSegmentChunk({ db: db(), segmentId, now, cause, after, chunkSize: chunkSize(), ...progress })
        const events = segmentChangeEvents(workspaceId, chunk.changes)
        for (let j = 0; j < events.length; j += 500) await inngest.send(events.slice(j, j + 500))
        return { stale: false as const, next: chunk.next, changes: chunk.changes.length, done: chunk.done, total: chunk.total }
      })
      if (result.stale) return { stopped: 'a newer edit of the rule restarted the recompute' }
      if (result.next === null) return { finished: true }
      after = result.next
      progress = { total: result.total, done: result.done }
    }
    await step.sendEvent('next-ranges', segmentRecomputeRequested.create({ workspaceId, segmentId, cause, after, now: event.data.now }))
    return { finished: false, after }
  },
)
