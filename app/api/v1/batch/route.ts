// POST /api/v1/batch — up to 500 identify/track items in one call (F16)
import { inngest } from '@/inngest/client'
import { contactUpdated } from '@/inngest/events'
import { contactUpdateBatches } from '@/lib/activity/announce'
import { withApiKey } from '@/lib/activity/api-route'
import { batchSchema, identifiedAttributes, ingestBatch } from '@/lib/activity/ingest'
import { db } from '@/lib/db'

export const POST = withApiKey(() => ({ db: db() }), batchSchema, async ({ db, workspaceId, body, now }) => {
  const results = await ingestBatch(db, { workspaceId, items: body.batch, now })
  const changed = (type: 'identify' | 'track') => results.filter((r) => r.type === type && !r.duplicate).map((r) => r.contactId)
  // What changed, for segments to skip rules that read none of it (left out past 200 names: every segment).
  const upTo200 = (names: string[]) => (new Set(names).size <= 200 ? [...new Set(names)] : undefined)
  const identified = upTo200(body.batch.flatMap((i) => (i.type === 'identify' ? identifiedAttributes(i) : [])))
  const tracked = upTo200(body.batch.flatMap((i) => (i.type === 'track' ? [i.event] : [])))
  const events = [
    ...contactUpdateBatches(changed('identify')).map((contactIds) => contactUpdated.create({ workspaceId, contactIds, cause: 'api:identify', ...(identified && { changed: { attributes: identified } }) })),
    ...contactUpdateBatches(changed('track')).map((contactIds) => contactUpdated.create({ workspaceId, contactIds, cause: 'api:track', ...(tracked && { changed: { attributes: ['last_activity_at'], activity: tracked } }) })),
  ]
  if (events.length) await inngest.send(events)
  return { ok: true, results }
})
