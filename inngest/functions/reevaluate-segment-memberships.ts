import { db } from '@/lib/db'
import { evaluateContacts } from '@/lib/segments/membership'
import { inngest } from '../client'
import { contactUpdated } from '../events'
import { inBatches, segmentChangeEvents } from './segment-change-events'

// F19: contacts changed → their memberships in every segment of the workspace, then one
// entered/exited event per change.
export const reevaluateSegmentMemberships = inngest.createFunction(
  { id: 'reevaluate-segment-memberships', retries: 5, triggers: [contactUpdated], concurrency: { key: 'event.data.workspaceId', limit: 4 } },
  async ({ event, step }) => {
    const { workspaceId, contactIds, cause } = event.data
    const result = await step.run('evaluate-contacts', async () => {
      const { changes, broken } = await evaluateContacts({ db: db(), workspaceId, contactIds, now: new Date(), cause })
      return { changes, broken }
    })
    for (const [i, batch] of inBatches(segmentChangeEvents(workspaceId, result.changes)).entries()) await step.sendEvent(`emit-changes-${i}`, batch)
    return { changes: result.changes.length, brokenSegments: result.broken.map((b) => b.id) }
  },
)
