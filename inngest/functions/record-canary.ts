import { recordCanaryResult } from '../canary'
import { inngest } from '../client'
import { canaryFannedOut } from '../events'

// Second half of the canary: receives run-canary's fan-out and records it.
export const recordCanary = inngest.createFunction(
  { id: 'record-canary', retries: 0, triggers: [canaryFannedOut] },
  async ({ event, step }) =>
    step.run('record-canary-result', () => recordCanaryResult({ ...event.data, recordedBy: 'record-canary' })),
)
