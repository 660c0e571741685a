// POST /api/notices/read — mark the signed-in person's notices read: the given ids, or all of them
import { db } from '@/lib/db'
import { markNoticesRead, markNoticesReadSchema } from '@/lib/notices/mark-notices-read'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ body: markNoticesReadSchema }, async ({ context, body }) =>
  markNoticesRead(db(), { workspaceId: context.workspaceId, userId: context.userId, ids: body.ids, now: new Date() }),
)
