import { inngest } from '@/inngest/client'
import { segmentRecomputeRequested } from '@/inngest/events'
import { db } from '../db'
import type { SegmentDeps } from './segments-service'

/** The app's real dependencies for segment services: a background recompute is an Inngest event. */
export function segmentDeps(): SegmentDeps {
  return {
    db: db(),
    now: () => new Date(),
    requestRecompute: (r) => inngest.send(segmentRecomputeRequested.create({ ...r, after: null, now: new Date().toISOString() })),
  }
}
