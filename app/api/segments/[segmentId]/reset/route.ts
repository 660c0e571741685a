// POST /api/segments/:segmentId/reset — put a built-in segment back to its default rule
import { z } from 'zod'
import { segmentDeps } from '@/lib/segments/deps'
import { resetBuiltinSegment } from '@/lib/segments/segments-service'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ params: z.object({ segmentId: z.string().min(1) }) }, async ({ context, params }) => ({
  segment: await resetBuiltinSegment(segmentDeps(), context.workspaceId, params.segmentId),
}))
