// POST /api/v1/batch — up to 500 identify/track items in one call (F16)
import { inngest } from '@/inngest/client'
import { contactUpdated } from '@/inngest/events'
import { contactUpdateBatches } from '@/lib/activity/announce'
import { withApiKey } from '@/lib/activity/api-route'
import { batchSchema, ingestBatch } from '@/lib/activity/ingest'
import { db } from '@/lib/db'

export const POST = withApiKey(() => ({ db: db() }), batchSchema, async ({ db, workspaceId, body, now }) => {
  const results = await ingestBatch(db, { workspaceId, items: body.batch, now })
  const changed = (type: 'identify' | 'track') => results.filter((r) => r.type === type && !r.duplicate).map((r) => r.contactId)
  const events = [
    ...contactUpdateBatches(changed('identify')).map((contactIds) => contactUpdated.create({ workspaceId, contactIds, cause: 'api:identify' })),
    ...contactUpdateBatches(changed('track')).map((contactIds) => contactUpdated.create({ workspaceId, contactIds, cause: 'api:track' })),
  ]
  if (events.length) await inngest.send(events)
  return { ok: true, results }
})
