// GET /api/segments/:segmentId/members.csv — every member as CSV, streamed page by page (works at 1M rows)
import { z } from 'zod'
import { db } from '@/lib/db'
import { assertSegmentInWorkspace, membersCsvStream } from '@/lib/segments/preview'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ params: z.object({ segmentId: z.string().min(1) }) }, async ({ context, params }) => {
  // Checked before streaming starts, so a wrong id is a 404 and not a broken download.
  await assertSegmentInWorkspace(db(), context.workspaceId, params.segmentId)
  return new Response(membersCsvStream({ db: db(), workspaceId: context.workspaceId, segmentId: params.segmentId }), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="segment-${params.segmentId}.csv"`, 'cache-control': 'no-store' },
  })
})
