import type { Db, Tx } from '../db'
import { parseStoredMapping } from '../sync/mapping'
import type { AttributeType } from '../sync/fields'
import { type AttributeCatalog, buildAttributeCatalog, inferJsonType } from './attributes'

// Loads a workspace's attribute catalog: its connections' mappings plus custom keys found on
// its contacts. Custom keys are discovered through a partial index over contacts that have any,
// and cached per process for a minute (the picker and every evaluation read it).

const CACHE_MS = 60_000
const cache = new Map<string, { at: number; catalog: AttributeCatalog }>()

export async function loadAttributeCatalog({ db, workspaceId, fresh = false }: { db: Db | Tx; workspaceId: string; fresh?: boolean }): Promise<AttributeCatalog> {
  const hit = cache.get(workspaceId)
  if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.catalog
  const connections = await db.stripeConnection.findMany({ where: { workspaceId, status: { not: 'draft' } }, select: { mapping: true }, orderBy: { createdAt: 'asc' } })
  const mappings = connections.flatMap((c) => {
    if (c.mapping === null) return []
    const parsed = parseStoredMapping(c.mapping)
    return parsed.ok ? [parsed.mapping] : []
  })
  const catalog = buildAttributeCatalog({ mappings, customKeys: await readCustomAttributeTypes(db, workspaceId) })
  cache.set(workspaceId, { at: Date.now(), catalog })
  return catalog
}

/**
 * The custom attributes (set by people or the activity API) found on a sample of the workspace's
 * contacts, through the partial index over contacts that have any; one type per key, the first
 * in key order when values disagree.
 */
export async function readCustomAttributeTypes(db: Db | Tx, workspaceId: string): Promise<{ key: string; type: AttributeType }[]> {
  const rows = await db.$queryRawUnsafe<{ key: string; type: string; sample: string | null }[]>(
    `SELECT k.key, jsonb_typeof(k.value) AS type, min(k.value #>> '{}') AS sample
       FROM (SELECT custom_attributes FROM contacts WHERE workspace_id = $1 AND custom_attributes <> '{}'::jsonb LIMIT 5000) s,
            jsonb_each(s.custom_attributes) k
      WHERE jsonb_typeof(k.value) IN ('string', 'number', 'boolean')
      GROUP BY 1, 2 ORDER BY 1`,
    workspaceId,
  )
  const keys: { key: string; type: AttributeType }[] = []
  for (const row of rows) if (!keys.some((k) => k.key === row.key)) keys.push({ key: row.key, type: inferJsonType(row.type, row.sample) })
  return keys
}

/** Forget a workspace's cached catalog (after a mapping change, or in tests). */
export function forgetAttributeCatalog(workspaceId?: string) {
  if (workspaceId) cache.delete(workspaceId)
  else cache.clear()
}
