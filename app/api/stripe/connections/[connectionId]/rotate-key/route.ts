// POST /api/stripe/connections/:connectionId/rotate-key — swap in a new key of the same account; a stopped import resumes
import { z } from 'zod'
import { inngest } from '@/inngest/client'
import { backfillRequested, healthCheckRequested } from '@/inngest/events'
import { sendStoredEvents } from '@/inngest/send-stored-events'
import { connectionDeps } from '@/lib/connections/deps'
import { db } from '@/lib/db'
import { redispatchStoredEvents } from '@/lib/health/redispatch-events'
import { rotateConnectionKey, rotateKeySchema } from '@/lib/connections/manage-connections'
import { resumeImportAfterKeyRotation } from '@/lib/sync/backfill/resume-after-key-rotation'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: rotateKeySchema }, async ({ context, params, body }) => {
  const result = await rotateConnectionKey(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, key: body.key })
  // Events held while Stripe refused the old key are applied now; the health state (and the
  // recovery notice, if the key had been rejected) follows at once.
  await redispatchStoredEvents({ db: db(), dispatch: sendStoredEvents, now: () => new Date() }, { connectionId: params.connectionId, where: { status: 'pending' }, reason: 'new-key' })
  // An import the old key's 401 stopped continues from its cursors (no re-import).
  const resumed = await resumeImportAfterKeyRotation({ db: db(), emit: (event) => inngest.send(backfillRequested.create(event.data)) }, { connectionId: params.connectionId })
  await inngest.send(healthCheckRequested.create({ connectionId: params.connectionId, reason: 'key_rotated' }))
  return { ...result, isImportResumed: resumed.isResumed }
})
