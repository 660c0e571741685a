import type { Db } from '../db'

// Event names a workspace has seen, for the builder's autocomplete (billing feed and tracked
// activity). Bounded: the picker needs names, not a census.
export async function listEventNames(db: Db, workspaceId: string): Promise<{ billing: string[]; activity: string[] }> {
  const [billing, activity] = await Promise.all([
    db.$queryRawUnsafe<{ name: string }[]>('SELECT DISTINCT type AS name FROM billing_events WHERE workspace_id = $1 ORDER BY 1 LIMIT 200', workspaceId),
    db.$queryRawUnsafe<{ name: string }[]>('SELECT DISTINCT name FROM activity_events WHERE workspace_id = $1 ORDER BY 1 LIMIT 200', workspaceId),
  ])
  return { billing: billing.map((r) => r.name), activity: activity.map((r) => r.name) }
}
