import { summarizeCanary } from '../canary'
import { inngest } from '../client'
import { canaryFannedOut, canaryRequested } from '../events'

// Canary: proves send → run → step → fan-out → second run works in whatever mode is active.
export const runCanary = inngest.createFunction(
  { id: 'run-canary', retries: 0, triggers: [canaryRequested] },
  async ({ event, step }) => {
    const summary = await step.run('summarize-canary', () => summarizeCanary(event.data))
    await step.sendEvent(
      'fan-out-canary',
      canaryFannedOut.create({ ...summary, requestedEventId: event.id ?? summary.canaryId }),
    )
    return summary
  },
)
