import { db } from '@/lib/db'
import { ensureBuiltinSegments } from '@/lib/segments/segments-service'
import { inngest } from '../client'
import { connectionConnected, segmentRecomputeRequested } from '../events'

// F18: a Stripe connection was made → the workspace gets its built-in segments (idempotent: a
// reconnect creates none), each computed in the background.
export const createBuiltinSegments = inngest.createFunction(
  { id: 'create-builtin-segments', retries: 3, triggers: [connectionConnected] },
  async ({ event, step }) => {
    const { created } = await step.run('ensure-builtin-segments', () => ensureBuiltinSegments({ db: db(), workspaceId: event.data.workspaceId }))
    if (created.length) {
      const now = new Date().toISOString()
      await step.sendEvent(
        'recompute-builtin-segments',
        created.map((segmentId) => segmentRecomputeRequested.create({ workspaceId: event.data.workspaceId, segmentId, cause: 'segment:created', after: null, now })),
      )
    }
    return { created: created.length }
  },
)
