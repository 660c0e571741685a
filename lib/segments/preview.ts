import type { Db } from '../db'
import { AppError } from '../errors'
import type { AttributeCatalog } from './attributes'
import { loadAttributeCatalog } from './catalog-service'
import { checkRule, compileRule, SqlParams } from './compile'
import type { RuleIssue } from './rule-schema'

// What the builder asks while a rule is edited: how many contacts match, a few of them, and,
// for a saved segment, how many would enter and leave if the edit were saved. All from the one
// compiler, scoped to the workspace.

export type ContactRow = { id: string; email: string | null; name: string | null; subscriptionStatus: string | null; mrr: number; currency: string | null; lastActivityAt: string | null }
export type PreviewResult = { ok: true; count: number; sample: ContactRow[]; diff: { enter: number; leave: number } | null; tookMs: number } | { ok: false; issues: RuleIssue[] }

const contactColumns = `c.id, c.email, c.name, c.subscription_status, c.mrr, c.currency, c.last_activity_at`
type RawContact = { id: string; email: string | null; name: string | null; subscription_status: string | null; mrr: bigint | number; currency: string | null; last_activity_at: Date | null; entered_at?: Date }
const toContact = (r: RawContact): ContactRow => ({
  id: r.id,
  email: r.email,
  name: r.name,
  subscriptionStatus: r.subscription_status,
  mrr: Number(r.mrr),
  currency: r.currency,
  lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
})

export async function previewRule(args: { db: Db; workspaceId: string; rule: unknown; now: Date; segmentId?: string; sampleSize?: number; catalog?: AttributeCatalog }): Promise<PreviewResult> {
  const started = performance.now()
  const { db, workspaceId, now } = args
  const catalog = args.catalog ?? (await loadAttributeCatalog({ db, workspaceId }))
  const checked = checkRule(args.rule, catalog)
  if (!checked.ok) return { ok: false, issues: checked.issues }
  if (args.segmentId) await assertSegmentInWorkspace(db, workspaceId, args.segmentId)

  const countP = new SqlParams([workspaceId])
  const countSql = `SELECT count(*) AS n FROM contacts c WHERE c.workspace_id = $1 AND ${compileRule(checked.rule, { catalog, now }, countP)}`
  const sampleP = new SqlParams([workspaceId, args.sampleSize ?? 10])
  // A sample, not the first page: no ORDER BY, so the planner stops at the first matches.
  const sampleSql = `SELECT ${contactColumns} FROM contacts c WHERE c.workspace_id = $1 AND ${compileRule(checked.rule, { catalog, now }, sampleP)} LIMIT $2`
  const [countRows, sampleRows, diff] = await Promise.all([
    db.$queryRawUnsafe<{ n: bigint }[]>(countSql, ...countP.values),
    db.$queryRawUnsafe<RawContact[]>(sampleSql, ...sampleP.values),
    args.segmentId ? diffRule({ db, workspaceId, segmentId: args.segmentId, rule: checked.rule, now, catalog }) : Promise.resolve(null),
  ])
  return { ok: true, count: Number(countRows[0]?.n ?? 0), sample: sampleRows.map(toContact), diff, tookMs: Math.round(performance.now() - started) }
}

/** How many contacts would enter and leave `segmentId` if its rule became `rule`. */
export async function diffRule(args: { db: Db; workspaceId: string; segmentId: string; rule: unknown; now: Date; catalog: AttributeCatalog }): Promise<{ enter: number; leave: number }> {
  const { db, workspaceId, segmentId, catalog, now } = args
  const p = new SqlParams([workspaceId, segmentId])
  const predicate = compileRule(args.rule, { catalog, now }, p)
  // NOT COALESCE(…, false): a condition that is unknown (NULL) for a contact does not match it.
  const [row] = await db.$queryRawUnsafe<{ enter: bigint; leave: bigint }[]>(
    `SELECT
       (SELECT count(*) FROM contacts c WHERE c.workspace_id = $1 AND ${predicate}
          AND NOT EXISTS (SELECT 1 FROM segment_memberships m WHERE m.segment_id = $2 AND m.contact_id = c.id)) AS enter,
       (SELECT count(*) FROM segment_memberships m LEFT JOIN contacts c ON c.id = m.contact_id AND c.workspace_id = $1
          WHERE m.segment_id = $2 AND (c.id IS NULL OR NOT COALESCE(${predicate}, false))) AS leave`,
    ...p.values,
  )
  return { enter: Number(row?.enter ?? 0), leave: Number(row?.leave ?? 0) }
}

export async function assertSegmentInWorkspace(db: Db, workspaceId: string, segmentId: string) {
  const found = await db.segment.count({ where: { id: segmentId, workspaceId } })
  if (!found) throw new AppError('not_found', 'This segment does not exist in this workspace (it may have been deleted).')
}

export type MemberRow = ContactRow & { enteredAt: string }

/** One page of a segment's members, keyset-paginated by contact id (stable at any size). */
export async function listMembers(args: { db: Db; workspaceId: string; segmentId: string; after?: string | null; limit?: number }): Promise<{ members: MemberRow[]; next: string | null }> {
  const { db, workspaceId, segmentId } = args
  const limit = Math.min(Math.max(args.limit ?? 50, 1), 5_000)
  await assertSegmentInWorkspace(db, workspaceId, segmentId)
  const rows = await db.$queryRawUnsafe<(RawContact & { entered_at: Date })[]>(
    `SELECT ${contactColumns}, m.entered_at FROM segment_memberships m JOIN contacts c ON c.id = m.contact_id AND c.workspace_id = $1
      WHERE m.segment_id = $2 AND m.contact_id > $3 ORDER BY m.contact_id LIMIT $4`,
    workspaceId,
    segmentId,
    args.after ?? '',
    limit + 1,
  )
  const page = rows.slice(0, limit)
  return { members: page.map((r) => ({ ...toContact(r), enteredAt: new Date(r.entered_at).toISOString() })), next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null }
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  // Quote always; neutralise spreadsheet formulas (=, +, -, @ at the start).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return `"${safe.replace(/"/g, '""')}"`
}

/** The members as CSV, produced page by page (keyset) so 1M rows never sit in memory. */
export function membersCsvStream(args: { db: Db; workspaceId: string; segmentId: string; pageSize?: number }): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let after: string | null = ''
  let started = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true
          await assertSegmentInWorkspace(args.db, args.workspaceId, args.segmentId)
          controller.enqueue(encoder.encode('contact_id,email,name,subscription_status,mrr_minor,currency,last_activity_at,entered_at\n'))
          return
        }
        if (after === null) {
          controller.close()
          return
        }
        const page = await listMembers({ ...args, after, limit: args.pageSize ?? 5_000 })
        const lines = page.members.map((m) => [m.id, m.email, m.name, m.subscriptionStatus, m.mrr, m.currency, m.lastActivityAt, m.enteredAt].map(csvCell).join(',')).join('\n')
        if (lines) controller.enqueue(encoder.encode(`${lines}\n`))
        after = page.next
      } catch (error) {
        controller.error(error)
      }
    },
  })
}
