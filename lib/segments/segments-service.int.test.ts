import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { builtinDefinition, builtinDefinitions } from './builtins'
import type { Rule } from './rule-schema'
import { ensureBuiltinSegments, getSegment, type RecomputeRequest, resetBuiltinSegment, type SegmentDeps, updateSegment } from './segments-service'
import { createTestWorkspace } from './test-support'

// Editing, resetting and the "default rule" badge of built-in segments (SPEC F18: editable,
// N configurable, resettable to default).

function deps(): SegmentDeps & { requests: RecomputeRequest[] } {
  const requests: RecomputeRequest[] = []
  return { db, now: () => new Date(), requestRecompute: async (r) => void requests.push(r), requests }
}

/** The same tree with every object's keys in reverse order (as JSON read back from jsonb may be). */
function reorderKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reorderKeys) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorderKeys(v)])) as T
  return value
}

async function slipping(workspaceId: string) {
  await ensureBuiltinSegments({ db, workspaceId })
  return db.segment.findFirstOrThrow({ where: { workspaceId, builtinKey: 'slipping_customers' } })
}

describe('built-in segments: edit, default badge, reset', () => {
  test('the default rule is recognised whatever the key order and status order; saving it unchanged asks for no recompute', async () => {
    const ws = await createTestWorkspace(db)
    const segment = await slipping(ws.id)
    const def = builtinDefinition('slipping_customers') as NonNullable<ReturnType<typeof builtinDefinition>>
    const reordered = reorderKeys(def.rule)
    const status = reordered.root.conditions[0] as { statuses: string[] }
    status.statuses = [...status.statuses].reverse()
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(def.rule))
    await db.segment.update({ where: { id: segment.id }, data: { rule: reordered as object } })
    expect((await getSegment(db, ws.id, segment.id)).isDefaultRule).toBe(true)

    const d = deps()
    await updateSegment(d, ws.id, segment.id, { name: segment.name, description: segment.description, rule: def.rule })
    expect(d.requests).toEqual([])
  })

  test('changing N is an edit: the badge goes, the description follows N, a recompute is asked for; reset restores rule, name and description', async () => {
    const ws = await createTestWorkspace(db)
    const segment = await slipping(ws.id)
    const twenty = builtinDefinitions({ slippingCustomerDays: 20 }).find((x) => x.key === 'slipping_customers')?.rule as Rule
    const d = deps()
    const saved = await updateSegment(d, ws.id, segment.id, { name: 'Quiet payers', description: segment.description, rule: twenty })
    expect(saved.description).toBe('Active or past due, and last activity more than 20 days ago (or never).')
    expect(d.requests).toEqual([{ workspaceId: ws.id, segmentId: segment.id, cause: 'segment:edited' }])
    const edited = await getSegment(db, ws.id, segment.id)
    expect(edited).toMatchObject({ name: 'Quiet payers', isDefaultRule: false, recomputeProgress: 0 })

    // A description the person wrote is theirs: N changing again leaves it alone.
    const thirty = builtinDefinitions({ slippingCustomerDays: 30 }).find((x) => x.key === 'slipping_customers')?.rule as Rule
    const own = await updateSegment(d, ws.id, segment.id, { name: 'Quiet payers', description: 'Our quiet payers', rule: thirty })
    expect(own.description).toBe('Our quiet payers')

    const reset = await resetBuiltinSegment(d, ws.id, segment.id)
    expect(reset).toMatchObject({ name: 'Slipping customers', description: 'Active or past due, and last activity more than 15 days ago (or never).', recomputeProgress: 0 })
    expect(d.requests.at(-1)).toEqual({ workspaceId: ws.id, segmentId: segment.id, cause: 'segment:reset' })
    expect(await getSegment(db, ws.id, segment.id)).toMatchObject({ isDefaultRule: true, rule: builtinDefinition('slipping_customers')?.rule })
  })

  test('only built-ins can be reset, and only in their own workspace', async () => {
    const ws = await createTestWorkspace(db)
    const own = await db.segment.create({ data: { workspaceId: ws.id, name: 'Mine', rule: builtinDefinition('past_due')?.rule as object } })
    await expect(resetBuiltinSegment(deps(), ws.id, own.id)).rejects.toThrow('Only built-in segments can be reset')
    const segment = await slipping(ws.id)
    const other = await createTestWorkspace(db)
    await expect(resetBuiltinSegment(deps(), other.id, segment.id)).rejects.toThrow('does not exist in this workspace')
    expect((await getSegment(db, ws.id, own.id)).isDefaultRule).toBeNull()
  })
})
