// POST /api/v1/track — record product activity (event name, properties, timestamp) and move last activity (F16)
import { inngest } from '@/inngest/client'
import { contactUpdated } from '@/inngest/events'
import { withApiKey } from '@/lib/activity/api-route'
import { track, trackSchema } from '@/lib/activity/ingest'
import { db } from '@/lib/db'

export const POST = withApiKey(() => ({ db: db() }), trackSchema, async ({ db, workspaceId, body, now }) => {
  const result = await track(db, { workspaceId, input: body, now })
  if (!result.duplicate) await inngest.send(contactUpdated.create({ workspaceId, contactIds: [result.contactId], cause: 'api:track', changed: { attributes: ['last_activity_at'], activity: [body.event] } }))
  return { ok: true, contactId: result.contactId, duplicate: result.duplicate }
})
