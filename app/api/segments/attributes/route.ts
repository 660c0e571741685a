// GET /api/segments/attributes — what the rule builder may pick: attributes with their types, event names
import { db } from '@/lib/db'
import { loadAttributeCatalog } from '@/lib/segments/catalog-service'
import { listEventNames } from '@/lib/segments/workspace-events'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({}, async ({ context }) => {
  const [catalog, events] = await Promise.all([loadAttributeCatalog({ db: db(), workspaceId: context.workspaceId }), listEventNames(db(), context.workspaceId)])
  const attributes = [...catalog.values()].filter((a) => !a.hidden).map((a) => ({ name: a.name, label: a.label, type: a.type, source: a.source }))
  return { attributes, events }
})
