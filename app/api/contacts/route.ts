// GET /api/contacts — one keyset page of the workspace's contacts (search, status filter, sort)
import { listContacts, listContactsQuerySchema } from '@/lib/contacts/list-contacts'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({}, async ({ req, context }) => {
  const query = listContactsQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams))
  return listContacts(db(), context.workspaceId, query)
})
