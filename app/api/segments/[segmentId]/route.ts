// GET /api/segments/:segmentId — one segment with its rule · PUT — save name/rule (recompute in background) · DELETE
import { z } from 'zod'
import { db } from '@/lib/db'
import { segmentDeps } from '@/lib/segments/deps'
import { deleteSegment, getSegment, segmentInputSchema, updateSegment } from '@/lib/segments/segments-service'
import { withWorkspace } from '@/lib/server/route'

const params = z.object({ segmentId: z.string().min(1) })

export const GET = withWorkspace({ params }, async ({ context, params }) => ({ segment: await getSegment(db(), context.workspaceId, params.segmentId) }))

export const PUT = withWorkspace({ params, body: segmentInputSchema }, async ({ context, params, body }) => ({
  segment: await updateSegment(segmentDeps(), context.workspaceId, params.segmentId, body),
}))

export const DELETE = withWorkspace({ params }, async ({ context, params }) => {
  await deleteSegment(db(), context.workspaceId, params.segmentId)
  return { ok: true }
})
