// GET /api/contacts/:contactId/feed — the contact's billing events, newest first (?types=a,b&before=cursor&limit=25)
import { z } from 'zod'
import { db } from '@/lib/db'
import { feedQuerySchema, listFeed } from '@/lib/feed/list-feed'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ params: z.object({ contactId: z.string().trim().min(1).max(64) }) }, async ({ req, context, params }) => {
  const query = feedQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams))
  return listFeed(db(), { workspaceId: context.workspaceId, contactId: params.contactId, query })
})
