import { cron } from 'inngest'
import { db } from '@/lib/db'
import { sweepTimeEdges } from '@/lib/segments/membership'
import { inngest } from '../client'
import { inBatches, segmentChangeEvents } from './segment-change-events'

// F19 time-based edges (a trial ending, "more than 15 days ago" passing) every 10 minutes. Each
// segment continues from its own edges_swept_at, so a missed tick loses nothing. Cron needs an
// Inngest server; with the in-process dispatch call sweepTimeEdges directly.
export const sweepSegmentEdges = inngest.createFunction(
  { id: 'sweep-segment-edges', retries: 2, triggers: [cron('*/10 * * * *')], concurrency: { limit: 1 } },
  async ({ step }) => {
    const result = await step.run('sweep-time-edges', () => sweepTimeEdges({ db: db(), now: new Date() }))
    const events = result.changes.flatMap((c) => segmentChangeEvents(c.workspaceId, [c]))
    for (const [i, batch] of inBatches(events).entries()) await step.sendEvent(`emit-changes-${i}`, batch)
    return { segments: result.segments, candidates: result.candidates, changes: result.changes.length }
  },
)
