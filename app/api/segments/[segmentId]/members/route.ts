// GET /api/segments/:segmentId/members?after=&limit= — one keyset page of members
import { z } from 'zod'
import { db } from '@/lib/db'
import { listMembers } from '@/lib/segments/preview'
import { withWorkspace } from '@/lib/server/route'

const querySchema = z.object({ after: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) })

export const GET = withWorkspace({ params: z.object({ segmentId: z.string().min(1) }) }, async ({ req, context, params }) => {
  const query = querySchema.parse(Object.fromEntries(new URL(req.url).searchParams))
  return listMembers({ db: db(), workspaceId: context.workspaceId, segmentId: params.segmentId, after: query.after ?? null, limit: query.limit })
})
