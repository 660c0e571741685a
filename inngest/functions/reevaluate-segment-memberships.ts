import { db } from '@/lib/db'
import { evaluateContacts } from '@/lib/segments/membership'
import { inngest } from '../client'
import { contactUpdated } from '../events'
import { inBatches, segmentChangeEvents } from './segment-change-events'

// F19: contacts changed → their memberships in the segments whose rules read what changed
// (every segment when the event does not say, or for a contact new to segments), then one
// entered/exited event per change.
export const reevaluateSegmentMemberships = inngest.createFunction(
  { id: 'reevaluate-segment-memberships', retries: 5, triggers: [contactUpdated], concurrency: { key: 'event.data.workspaceId', limit: 4 } },
  async ({ event, step }) => {
    const { workspaceId, contactIds, cause, changed } = event.data
    const result = await step.run('evaluate-contacts', async () => {
      const { changes, broken, evaluated } = await evaluateContacts({ db: db(), workspaceId, contactIds, now: new Date(), cause, changes: changed })
      return { changes, broken, evaluated }
    })
    for (const [i, batch] of inBatches(segmentChangeEvents(workspaceId, result.changes)).entries()) await step.sendEvent(`emit-changes-${i}`, batch)
    return { changes: result.changes.length, evaluatedSegments: result.evaluated, brokenSegments: result.broken.map((b) => b.id) }
  },
)
