import { checkSyncHealth, scheduleHealthChecks } from './check-sync-health'
import { createBuiltinSegments } from './create-builtin-segments'
import { fetchBackfillStream } from './fetch-backfill-stream'
import { recomputeBackfillContactsFn } from './recompute-backfill-contacts'
import { recomputeSegment } from './recompute-segment'
import { processStripeEvent } from './process-stripe-event'
import { recordCanary } from './record-canary'
import { remapContacts } from './remap-contacts'
import { reevaluateSegmentMemberships } from './reevaluate-segment-memberships'
import { repairStripeGaps, scheduleGapRepairs } from './repair-stripe-gaps'
import { runCanary } from './run-canary'
import { startBackfill } from './start-backfill'
import { sweepSegmentEdges } from './sweep-segment-edges'

// Every Inngest function of the app. `serve()` (app/api/inngest/route.ts) and the in-process
// dispatch (inngest/local-dispatch.ts) both take this list: a function missing here never runs.
// Add a function: create functions/<verb>-<noun>.ts, then list it here.
export const functions = [remapContacts, runCanary, recordCanary, startBackfill, fetchBackfillStream, recomputeBackfillContactsFn, createBuiltinSegments, reevaluateSegmentMemberships, recomputeSegment, sweepSegmentEdges, processStripeEvent, repairStripeGaps, scheduleGapRepairs, checkSyncHealth, scheduleHealthChecks]
