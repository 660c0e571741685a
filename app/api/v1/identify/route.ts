// POST /api/v1/identify — a contact by email or userId, with custom attributes (activity API, F16)
import { inngest } from '@/inngest/client'
import { contactUpdated } from '@/inngest/events'
import { withApiKey } from '@/lib/activity/api-route'
import { identifiedAttributes, identify, identifySchema } from '@/lib/activity/ingest'
import { db } from '@/lib/db'

export const POST = withApiKey(() => ({ db: db() }), identifySchema, async ({ db, workspaceId, body }) => {
  const result = await identify(db, { workspaceId, input: body })
  // A replayed messageId changed nothing: nothing to announce.
  if (result.duplicate) return { ok: true, contactId: result.contactId, duplicate: true }
  await inngest.send(contactUpdated.create({ workspaceId, contactIds: [result.contactId], cause: 'api:identify', changed: { attributes: identifiedAttributes(body) } }))
  return { ok: true, contactId: result.contactId, duplicate: false }
})
