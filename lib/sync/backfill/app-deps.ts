import { connectionDeps } from '../../connections/deps'
import { intSetting } from '../../env'
import type { BackfillDeps } from './deps'
import { recomputeContacts } from '../recompute-contacts'

/** The app's real dependencies for the backfill (inngest/functions/*backfill*). */
export const backfillDeps = (): BackfillDeps => ({ ...connectionDeps(), recomputeContacts })

/**
 * Pages one run of fetch-backfill-stream fetches before chaining the next run: each run stays
 * a few steps and well under a serverless time limit (25 pages ≈ 2–10 s at full budget).
 * CHURNLESS_BACKFILL_PAGES_PER_RUN overrides it (tests use a small value to exercise chaining).
 */
export const pagesPerRun = () => intSetting('CHURNLESS_BACKFILL_PAGES_PER_RUN', 25)
