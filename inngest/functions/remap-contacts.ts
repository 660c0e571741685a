import { db } from '@/lib/db'
import { recomputeConnectionContacts } from '@/lib/sync/remap-contacts'
import { inngest } from '../client'
import { contactUpdated, contactsRemapRequested } from '../events'

// The field mapping of a connection changed: recompute its contacts from the mirror, a page of
// customers per run (chained), and announce them so segments re-evaluate.
export const remapContacts = inngest.createFunction(
  { id: 'remap-contacts', retries: 3, triggers: [contactsRemapRequested], concurrency: [{ key: 'event.data.connectionId', limit: 1 }] },
  async ({ event, step }) => {
    const page = await step.run('remap-page', () => recomputeConnectionContacts(db(), { connectionId: event.data.connectionId, afterCustomerId: event.data.afterCustomerId, now: new Date() }))
    if (page.contactIdChunks.length) {
      await step.sendEvent('announce-contacts', page.contactIdChunks.map((contactIds) => contactUpdated.create({ workspaceId: page.workspaceId, contactIds, cause: 'mapping changed' })))
    }
    if (page.nextAfterCustomerId) await step.sendEvent('continue', contactsRemapRequested.create({ connectionId: event.data.connectionId, afterCustomerId: page.nextAfterCustomerId }))
    return { customers: page.customers, done: page.nextAfterCustomerId === null }
  },
)
