// GET /api/segments — the workspace's segments · POST /api/segments — create one (recomputed in the background)
import { db } from '@/lib/db'
import { segmentDeps } from '@/lib/segments/deps'
import { createSegment, listSegments, segmentInputSchema } from '@/lib/segments/segments-service'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({}, async ({ context }) => ({ segments: await listSegments(db(), context.workspaceId) }))

export const POST = withWorkspace({ body: segmentInputSchema }, async ({ context, body }) => ({ segment: await createSegment(segmentDeps(), context.workspaceId, body) }))
