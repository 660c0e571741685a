// GET /api/notices — the signed-in person's latest notices in this workspace and their unread count
import { db } from '@/lib/db'
import { listNotices } from '@/lib/notices/list-notices'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({}, async ({ context }) => listNotices(db(), { workspaceId: context.workspaceId, userId: context.userId }))
