import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'
import { type BuiltinOptions, builtinDefinition, builtinDefinitions, builtinDescriptionFor, sameRule } from './builtins'
import { loadAttributeCatalog } from './catalog-service'
import { checkRule } from './compile'
import { parseStoredRule, type Rule, type RuleIssue } from './rule-schema'

// Segments as a workspace sees them: list, read, create, edit, reset a built-in, delete. Every
// function takes the workspace id and never reads another workspace's rows. Saving a rule asks
// for a background recompute through `requestRecompute` (an Inngest event in the app).

export type RecomputeRequest = { workspaceId: string; segmentId: string; cause: string }
export type SegmentDeps = { db: Db; now: () => Date; requestRecompute: (r: RecomputeRequest) => Promise<unknown> }

export const segmentInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the segment a name.').max(120, 'At most 120 characters.'),
  description: z.string().trim().max(500, 'At most 500 characters.').nullish(),
  rule: z.unknown(),
})
export type SegmentInput = z.infer<typeof segmentInputSchema>

export type SegmentSummary = {
  id: string
  name: string
  description: string | null
  builtinKey: string | null
  memberCount: number
  recomputeProgress: number | null
  updatedAt: string
}

const summarySelect = { id: true, name: true, description: true, builtinKey: true, memberCount: true, recomputeProgress: true, updatedAt: true } as const
const toSummary = (s: { id: string; name: string; description: string | null; builtinKey: string | null; memberCount: number; recomputeProgress: number | null; updatedAt: Date }): SegmentSummary => ({
  ...s,
  updatedAt: s.updatedAt.toISOString(),
})

export async function listSegments(db: Db, workspaceId: string): Promise<SegmentSummary[]> {
  const rows = await db.segment.findMany({ where: { workspaceId }, select: summarySelect, orderBy: [{ builtinKey: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }] })
  const order = new Map(builtinDefinitions().map((d, i) => [d.key as string, i]))
  return rows.map(toSummary).sort((a, b) => (order.get(a.builtinKey ?? '') ?? 99) - (order.get(b.builtinKey ?? '') ?? 99))
}

export type SegmentDetail = SegmentSummary & { rule: Rule | null; ruleProblem: { message: string; issues: RuleIssue[] } | null; isDefaultRule: boolean | null }

export async function getSegment(db: Db, workspaceId: string, segmentId: string): Promise<SegmentDetail> {
  const row = await db.segment.findFirst({ where: { id: segmentId, workspaceId }, select: { ...summarySelect, rule: true } })
  if (!row) throw new AppError('not_found', 'This segment does not exist in this workspace (it may have been deleted).')
  const parsed = parseStoredRule(row.rule)
  let ruleProblem: SegmentDetail['ruleProblem'] = parsed.ok ? null : { message: parsed.message, issues: parsed.issues }
  if (parsed.ok) {
    const checked = checkRule(parsed.rule, await loadAttributeCatalog({ db, workspaceId }))
    if (!checked.ok) ruleProblem = { message: `This rule no longer matches the workspace's attributes: ${checked.issues[0]?.message}`, issues: checked.issues }
  }
  const builtin = row.builtinKey ? builtinDefinition(row.builtinKey) : undefined
  return {
    ...toSummary(row),
    rule: parsed.ok ? parsed.rule : null,
    ruleProblem,
    isDefaultRule: builtin ? parsed.ok && sameRule(builtin.rule, parsed.rule) : null,
  }
}

async function validRuleOrThrow(db: Db, workspaceId: string, rule: unknown): Promise<Rule> {
  const checked = checkRule(rule, await loadAttributeCatalog({ db, workspaceId, fresh: true }))
  if (!checked.ok) {
    const fieldErrors = Object.fromEntries(checked.issues.map((i) => [`rule${i.path ? `.${i.path}` : ''}`, i.message]))
    throw new AppError('invalid_input', `The rule cannot be saved: ${checked.issues[0]?.message}`, fieldErrors)
  }
  return checked.rule
}

export async function createSegment(deps: SegmentDeps, workspaceId: string, input: SegmentInput): Promise<SegmentSummary> {
  const rule = await validRuleOrThrow(deps.db, workspaceId, input.rule)
  const created = await deps.db.segment.create({
    data: { workspaceId, name: input.name, description: input.description ?? null, rule, recomputeProgress: 0 },
    select: summarySelect,
  })
  await deps.requestRecompute({ workspaceId, segmentId: created.id, cause: 'segment:created' })
  return toSummary(created)
}

export async function updateSegment(deps: SegmentDeps, workspaceId: string, segmentId: string, input: SegmentInput): Promise<SegmentSummary> {
  const rule = await validRuleOrThrow(deps.db, workspaceId, input.rule)
  const existing = await deps.db.segment.findFirst({ where: { id: segmentId, workspaceId }, select: { rule: true, description: true, builtinKey: true } })
  if (!existing) throw new AppError('not_found', 'This segment does not exist in this workspace (it may have been deleted).')
  // Stored JSON comes back with its keys in another order than the builder sends: compare trees.
  const ruleChanged = !sameRule(existing.rule, rule)
  // A built-in's description follows its N ("more than 20 days") unless the person wrote their own.
  let description = input.description ?? null
  if (existing.builtinKey && ruleChanged) {
    const before = builtinDescriptionFor(existing.builtinKey, existing.rule)
    const after = builtinDescriptionFor(existing.builtinKey, rule)
    const isDerived = description !== null && (description === before || description === builtinDefinition(existing.builtinKey)?.description)
    if (after && isDerived) description = after
  }
  const updated = await deps.db.segment.update({
    where: { id: segmentId },
    data: { name: input.name, description, rule, ...(ruleChanged && { recomputeProgress: 0 }) },
    select: summarySelect,
  })
  if (ruleChanged) await deps.requestRecompute({ workspaceId, segmentId, cause: 'segment:edited' })
  return toSummary(updated)
}

export async function resetBuiltinSegment(deps: SegmentDeps, workspaceId: string, segmentId: string): Promise<SegmentSummary> {
  const existing = await deps.db.segment.findFirst({ where: { id: segmentId, workspaceId }, select: { builtinKey: true } })
  if (!existing) throw new AppError('not_found', 'This segment does not exist in this workspace (it may have been deleted).')
  const def = existing.builtinKey ? builtinDefinition(existing.builtinKey) : undefined
  if (!def) throw new AppError('invalid_input', 'Only built-in segments can be reset to their default rule.')
  const updated = await deps.db.segment.update({
    where: { id: segmentId },
    data: { name: def.name, description: def.description, rule: def.rule, recomputeProgress: 0 },
    select: summarySelect,
  })
  await deps.requestRecompute({ workspaceId, segmentId, cause: 'segment:reset' })
  return toSummary(updated)
}

export async function deleteSegment(db: Db, workspaceId: string, segmentId: string): Promise<void> {
  const { count } = await db.segment.deleteMany({ where: { id: segmentId, workspaceId } })
  if (!count) throw new AppError('not_found', 'This segment does not exist in this workspace (it may have been deleted).')
}

/**
 * Creates the F18 built-ins the workspace does not have yet (unique on workspace + builtin_key,
 * so a reconnect or a concurrent run never duplicates them; an edited or renamed built-in is
 * left as it is). Returns the ids of those created now.
 */
export async function ensureBuiltinSegments({ db, workspaceId, options }: { db: Db; workspaceId: string; options?: Partial<BuiltinOptions> }): Promise<{ created: string[] }> {
  const defs = builtinDefinitions(options)
  const before = await db.segment.findMany({ where: { workspaceId, builtinKey: { not: null } }, select: { builtinKey: true } })
  const have = new Set(before.map((s) => s.builtinKey))
  const missing = defs.filter((d) => !have.has(d.key))
  if (missing.length === 0) return { created: [] }
  await db.segment.createMany({
    data: missing.map((d) => ({ workspaceId, name: d.name, description: d.description, rule: d.rule, builtinKey: d.key, recomputeProgress: 0 })),
    skipDuplicates: true,
  })
  const created = await db.segment.findMany({ where: { workspaceId, builtinKey: { in: missing.map((d) => d.key) }, recomputeProgress: 0, memberCount: 0 }, select: { id: true } })
  return { created: created.map((s) => s.id) }
}
