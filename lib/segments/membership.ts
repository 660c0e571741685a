import type { Db } from '../db'
import type { AttributeCatalog } from './attributes'
import { loadAttributeCatalog } from './catalog-service'
import { type ContactChanges, compileRule, couldAffect, dependenciesOf, type RuleError, SqlParams, type TimeEdge, timeEdgesOf, valueExpression } from './compile'
import { parseStoredRule, type Rule } from './rule-schema'

// Real-time membership (SPEC F19). Three ways in, one way out:
// - evaluateContacts: some contacts changed → their membership in the workspace's segments,
//   all segments checked in ONE query per batch of segments;
// - recomputeSegmentChunk: a rule changed → one keyset range of the workspace's contacts;
// - sweepTimeEdges: time passed → only contacts whose value crossed a relative-date edge since
//   the segment's last sweep (index range scans), then evaluateContacts on those.
// Every path ends in `applyChanges`: one statement that inserts/deletes memberships, records
// each entry/exit with its time and cause, and moves member_count by what actually changed
// (ON CONFLICT / DELETE … RETURNING make concurrent evaluations of one contact safe).

export type MembershipChange = { changeId: string; segmentId: string; contactId: string; kind: 'entered' | 'exited'; at: string; cause: string }

type StoredSegment = { id: string; workspaceId: string; rule: unknown; updatedAt: Date; edgesSweptAt: Date | null }
export type CompiledSegment = { id: string; rule: Rule }

const SEGMENTS_PER_QUERY = 50

/** The workspace's segments whose stored rule still compiles (broken ones are reported, not evaluated). */
export function usableSegments(segments: readonly StoredSegment[], catalog: AttributeCatalog, now: Date): { usable: CompiledSegment[]; broken: { id: string; message: string }[] } {
  const usable: CompiledSegment[] = []
  const broken: { id: string; message: string }[] = []
  for (const s of segments) {
    const parsed = parseStoredRule(s.rule)
    if (!parsed.ok) {
      broken.push({ id: s.id, message: parsed.message })
      continue
    }
    try {
      compileRule(parsed.rule, { catalog, now }, new SqlParams())
      usable.push({ id: s.id, rule: parsed.rule })
    } catch (error) {
      broken.push({ id: s.id, message: (error as RuleError).message })
    }
  }
  return { usable, broken }
}

/**
 * Re-evaluates `contactIds` against the workspace's segments (or `segmentIds` of them) and
 * applies the differences. Contacts that no longer exist leave every segment.
 *
 * With `changes` (what changed on these contacts), only the segments whose rules read one of
 * those things are evaluated — except for contacts that have never been through any segment
 * (no membership, no history: new contacts), which are evaluated against every segment.
 */
export async function evaluateContacts(args: {
  db: Db
  workspaceId: string
  contactIds: readonly string[]
  now: Date
  cause: string
  segmentIds?: readonly string[]
  changes?: ContactChanges
  catalog?: AttributeCatalog
}): Promise<{ changes: MembershipChange[]; broken: { id: string; message: string }[]; evaluated: string[] }> {
  const { db, workspaceId, now, cause } = args
  const contactIds = [...new Set(args.contactIds)]
  if (contactIds.length === 0) return { changes: [], broken: [], evaluated: [] }
  const stored = await db.segment.findMany({
    where: { workspaceId, ...(args.segmentIds && { id: { in: [...args.segmentIds] } }) },
    select: { id: true, workspaceId: true, rule: true, updatedAt: true, edgesSweptAt: true },
    orderBy: { id: 'asc' },
  })
  if (stored.length === 0) return { changes: [], broken: [], evaluated: [] }
  const catalog = args.catalog ?? (await loadAttributeCatalog({ db, workspaceId }))
  const { usable, broken } = usableSegments(stored, catalog, now)

  const wanted = new Set<string>()
  const have = new Set<string>()
  let evaluated = usable
  const changes = args.changes
  if (!changes) {
    await evaluatePairs(db, workspaceId, contactIds, usable, catalog, now, wanted, have)
  } else {
    const affected = usable.filter((s) => couldAffect(dependenciesOf(s.rule, catalog), changes))
    const others = usable.filter((s) => !affected.includes(s))
    if (affected.length) await evaluatePairs(db, workspaceId, contactIds, affected, catalog, now, wanted, have)
    evaluated = affected
    if (others.length) {
      const fresh = await db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT ids.id FROM unnest($1::text[]) AS ids(id)
          WHERE NOT EXISTS (SELECT 1 FROM segment_membership_changes ch WHERE ch.contact_id = ids.id)
            AND NOT EXISTS (SELECT 1 FROM segment_memberships m WHERE m.contact_id = ids.id)`,
        contactIds,
      )
      if (fresh.length) {
        await evaluatePairs(db, workspaceId, fresh.map((r) => r.id), others, catalog, now, wanted, have)
        evaluated = usable
      }
    }
  }
  const enter = [...wanted].filter((k) => !have.has(k)).map(splitKey)
  const exit = [...have].filter((k) => !wanted.has(k)).map(splitKey)
  const applied = await applyChanges({ db, enter, exit, now, cause })
  return { changes: applied, broken, evaluated: evaluated.map((s) => s.id) }
}

/**
 * Evaluates `contactIds` against `segments`: one round trip per batch of segments, the first
 * also reading the current memberships in those segments. Contacts that no longer exist come
 * back with no row of their own (LEFT JOIN): they match nothing, so they leave every segment.
 */
async function evaluatePairs(db: Db, workspaceId: string, contactIds: readonly string[], segments: readonly CompiledSegment[], catalog: AttributeCatalog, now: Date, wanted: Set<string>, have: Set<string>) {
  const considered = segments.map((s) => s.id)
  for (let i = 0; i < segments.length; i += SEGMENTS_PER_QUERY) {
    const batch = segments.slice(i, i + SEGMENTS_PER_QUERY)
    const p = new SqlParams([workspaceId, contactIds, considered])
    const columns = batch.map((s, j) => `(c.id IS NOT NULL AND (${compileRule(s.rule, { catalog, now }, p)})) AS m${j}`)
    const current = i === 0 ? 'ARRAY(SELECT m.segment_id FROM segment_memberships m WHERE m.contact_id = ids.id AND m.segment_id = ANY($3::text[])) AS current' : 'NULL AS current'
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ids.id AS contact_id, ${[current, ...columns].join(', ')}
         FROM unnest($2::text[]) AS ids(id) LEFT JOIN contacts c ON c.id = ids.id AND c.workspace_id = $1`,
      ...p.values,
    )
    for (const row of rows) {
      const contactId = row.contact_id as string
      for (const segmentId of (row.current as string[] | null) ?? []) have.add(`${segmentId}|${contactId}`)
      for (const [j, s] of batch.entries()) if (row[`m${j}`] === true) wanted.add(`${s.id}|${contactId}`)
    }
  }
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('|')
  return [key.slice(0, at), key.slice(at + 1)]
}

/** Applies entries and exits in one statement; returns only what actually changed. */
export async function applyChanges({ db, enter, exit, now, cause }: { db: Db; enter: [string, string][]; exit: [string, string][]; now: Date; cause: string }): Promise<MembershipChange[]> {
  if (enter.length === 0 && exit.length === 0) return []
  const at = now.toISOString()
  const rows = await db.$queryRawUnsafe<{ id: string; segment_id: string; contact_id: string; kind: 'entered' | 'exited' }[]>(
    `WITH ins AS (
       INSERT INTO segment_memberships (segment_id, contact_id, entered_at, cause)
       SELECT t.s, t.c, $5::timestamp, $6 FROM unnest($1::text[], $2::text[]) AS t(s, c)
       ON CONFLICT DO NOTHING RETURNING segment_id, contact_id
     ), del AS (
       DELETE FROM segment_memberships m USING unnest($3::text[], $4::text[]) AS t(s, c)
       WHERE m.segment_id = t.s AND m.contact_id = t.c RETURNING m.segment_id, m.contact_id
     ), changes AS (
       INSERT INTO segment_membership_changes (id, segment_id, contact_id, kind, at, cause)
       SELECT gen_random_uuid()::text, segment_id, contact_id, 'entered', $5::timestamp, $6 FROM ins
       UNION ALL
       SELECT gen_random_uuid()::text, segment_id, contact_id, 'exited', $5::timestamp, $6 FROM del
       RETURNING id, segment_id, contact_id, kind
     ), counted AS (
       UPDATE segments s SET member_count = GREATEST(s.member_count + d.delta, 0)
       FROM (SELECT segment_id, sum(delta)::int AS delta FROM (SELECT segment_id, 1 AS delta FROM ins UNION ALL SELECT segment_id, -1 FROM del) x GROUP BY segment_id) d
       WHERE s.id = d.segment_id RETURNING s.id
     )
     SELECT id, segment_id, contact_id, kind FROM changes`,
    enter.map((e) => e[0]),
    enter.map((e) => e[1]),
    exit.map((e) => e[0]),
    exit.map((e) => e[1]),
    at,
    cause,
  )
  return rows.map((r) => ({ changeId: r.id, segmentId: r.segment_id, contactId: r.contact_id, kind: r.kind, at, cause }))
}

export const RECOMPUTE_CHUNK = 20_000

/**
 * Recomputes one keyset range of a segment's members: contacts with id in (after, next] where
 * `next` is the CHUNK-th id after `after`. Returns the cursor for the next range (null when
 * done) and what changed. Progress is written to `segments.recompute_progress`.
 */
export async function recomputeSegmentChunk(args: {
  db: Db
  segmentId: string
  now: Date
  cause: string
  after: string | null
  chunkSize?: number
  catalog?: AttributeCatalog
  /** From the previous range's result: contacts in the workspace and contacts done so far. */
  total?: number
  done?: number
}): Promise<{ next: string | null; changes: MembershipChange[]; done: number; total: number }> {
  const { db, segmentId, now, cause } = args
  const chunk = args.chunkSize ?? RECOMPUTE_CHUNK
  const segment = await db.segment.findUniqueOrThrow({ where: { id: segmentId }, select: { id: true, workspaceId: true, rule: true } })
  const parsed = parseStoredRule(segment.rule)
  if (!parsed.ok) throw new Error(`Segment ${segmentId}: ${parsed.message}`)
  const catalog = args.catalog ?? (await loadAttributeCatalog({ db, workspaceId: segment.workspaceId }))
  const after = args.after ?? ''
  const [bound] = await db.$queryRawUnsafe<{ id: string }[]>(
    'SELECT id FROM contacts WHERE workspace_id = $1 AND id > $2 ORDER BY id OFFSET $3 LIMIT 1',
    segment.workspaceId,
    after,
    chunk - 1,
  )
  const upTo = bound?.id ?? null
  const p = new SqlParams([segment.workspaceId, segmentId, after, upTo, now.toISOString(), cause])
  const predicate = compileRule(parsed.rule, { catalog, now }, p)
  const range = (col: string) => `${col} > $3 AND ($4::text IS NULL OR ${col} <= $4::text)`
  const rows = await db.$queryRawUnsafe<{ id: string; contact_id: string; kind: 'entered' | 'exited' }[]>(
    `WITH want AS (
       SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND ${range('c.id')} AND (${predicate})
     ), ins AS (
       INSERT INTO segment_memberships (segment_id, contact_id, entered_at, cause)
       SELECT $2, w.id, $5::timestamp, $6 FROM want w
       ON CONFLICT DO NOTHING RETURNING contact_id
     ), del AS (
       DELETE FROM segment_memberships m
        WHERE m.segment_id = $2 AND ${range('m.contact_id')} AND NOT EXISTS (SELECT 1 FROM want w WHERE w.id = m.contact_id)
       RETURNING m.contact_id
     ), changes AS (
       INSERT INTO segment_membership_changes (id, segment_id, contact_id, kind, at, cause)
       SELECT gen_random_uuid()::text, $2, contact_id, 'entered', $5::timestamp, $6 FROM ins
       UNION ALL
       SELECT gen_random_uuid()::text, $2, contact_id, 'exited', $5::timestamp, $6 FROM del
       RETURNING id, contact_id, kind
     ), counted AS (
       UPDATE segments SET member_count = GREATEST(member_count + (SELECT count(*) FROM ins)::int - (SELECT count(*) FROM del)::int, 0) WHERE id = $2 RETURNING id
     )
     SELECT id, contact_id, kind FROM changes`,
    ...p.values,
  )
  // Progress: contacts counted once per recompute (the caller passes it on), then chunks done.
  const total =
    args.total ?? Number((await db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM contacts WHERE workspace_id = $1', segment.workspaceId))[0]?.n ?? 0)
  const done = upTo === null ? total : Math.min((args.done ?? 0) + chunk, total)
  const finished = upTo === null
  if (finished) {
    // Done: make the stored count exact (self-heals any drift) and start sweeping from now.
    await db.$executeRawUnsafe(
      `UPDATE segments SET member_count = (SELECT count(*) FROM segment_memberships WHERE segment_id = $1), recompute_progress = NULL, edges_swept_at = $2::timestamp WHERE id = $1`,
      segmentId,
      now.toISOString(),
    )
  } else {
    await db.$executeRawUnsafe('UPDATE segments SET recompute_progress = $2 WHERE id = $1', segmentId, total ? done / total : 1)
  }
  const at = now.toISOString()
  return { next: upTo, changes: rows.map((r) => ({ changeId: r.id, segmentId, contactId: r.contact_id, kind: r.kind, at, cause })), done, total }
}

/** Recomputes a whole segment in-process (tests, bench, small workspaces). */
export async function recomputeSegment(args: { db: Db; segmentId: string; now: Date; cause: string; chunkSize?: number }): Promise<{ changes: MembershipChange[] }> {
  const changes: MembershipChange[] = []
  let after: string | null = null
  let progress: { total?: number; done?: number } = {}
  for (;;) {
    const result: Awaited<ReturnType<typeof recomputeSegmentChunk>> = await recomputeSegmentChunk({ ...args, after, ...progress })
    changes.push(...result.changes)
    if (result.next === null) return { changes }
    after = result.next
    progress = { total: result.total, done: result.done }
  }
}

const DAY_MS = 86_400_000
const SWEEP_BATCH = 1_000

/**
 * Applies time-based edges (SPEC F19) for every segment with relative-date or event-window
 * conditions, from each segment's `edges_swept_at` to `now`. Only contacts whose value lies in a
 * window that crossed an edge are read (index range scans on the typed columns), then evaluated
 * with the same compiled rule. Never a full recompute.
 */
export async function sweepTimeEdges({ db, now, workspaceId }: { db: Db; now: Date; workspaceId?: string }): Promise<{ segments: number; candidates: number; changes: (MembershipChange & { workspaceId: string })[] }> {
  const segments = await db.segment.findMany({
    where: { ...(workspaceId && { workspaceId }), recomputeProgress: null },
    select: { id: true, workspaceId: true, rule: true, updatedAt: true, edgesSweptAt: true },
    orderBy: { id: 'asc' },
  })
  const changes: (MembershipChange & { workspaceId: string })[] = []
  let swept = 0
  let candidates = 0
  for (const segment of segments) {
    const parsed = parseStoredRule(segment.rule)
    if (!parsed.ok) continue
    const catalog = await loadAttributeCatalog({ db, workspaceId: segment.workspaceId })
    const edges = timeEdgesOf(parsed.rule, catalog)
    const since = segment.edgesSweptAt ?? segment.updatedAt
    if (edges.length === 0 || since >= now) continue
    swept += 1
    const ids = new Set<string>()
    for (const edge of edges) for (const id of await edgeCandidates(db, segment.workspaceId, edge, since, now)) ids.add(id)
    candidates += ids.size
    const list = [...ids]
    for (let i = 0; i < list.length; i += SWEEP_BATCH) {
      const result = await evaluateContacts({ db, workspaceId: segment.workspaceId, contactIds: list.slice(i, i + SWEEP_BATCH), now, cause: 'time', segmentIds: [segment.id], catalog })
      changes.push(...result.changes.map((c) => ({ ...c, workspaceId: segment.workspaceId })))
    }
    await db.$executeRawUnsafe('UPDATE segments SET edges_swept_at = $2::timestamp WHERE id = $1', segment.id, now.toISOString())
  }
  return { segments: swept, candidates, changes }
}

/** Contacts whose value moved across one edge between `since` and `now`. */
async function edgeCandidates(db: Db, workspaceId: string, edge: TimeEdge, since: Date, now: Date): Promise<string[]> {
  const s = since.getTime()
  const n = now.getTime()
  const d = edge.days * DAY_MS
  // Each window is [from, to): a value in it satisfied the condition at one end and not the other.
  const windows: [number, number][] =
    edge.kind === 'event'
      ? [
          [s - d, n - d],
          [s, n + 1],
        ]
      : edge.operator === 'more_than_days_ago'
        ? [[s - d, n - d]]
        : edge.operator === 'within_last_days'
          ? [
              [s - d, n - d],
              [s, n + 1],
            ]
          : [
              [s, n + 1],
              [s + d, n + d + 1],
            ]
  const out: string[] = []
  for (const [from, to] of windows) {
    if (to <= from) continue
    const p = new SqlParams([workspaceId, new Date(from).toISOString(), new Date(to).toISOString()])
    if (edge.kind === 'event') {
      const table = edge.source === 'billing' ? 'billing_events' : 'activity_events'
      const column = edge.source === 'billing' ? 'type' : 'name'
      const name = p.add(edge.name)
      const rows = await db.$queryRawUnsafe<{ id: string }[]>(
        `SELECT DISTINCT contact_id AS id FROM ${table} WHERE workspace_id = $1 AND ${column} = ${name} AND occurred_at >= $2::timestamp AND occurred_at < $3::timestamp`,
        ...p.values,
      )
      out.push(...rows.map((r) => r.id))
    } else {
      const { expr } = valueExpression(edge.attribute, p)
      const rows = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT c.id FROM contacts c WHERE c.workspace_id = $1 AND ${expr} >= $2::timestamp AND ${expr} < $3::timestamp`, ...p.values)
      out.push(...rows.map((r) => r.id))
    }
  }
  return out
}
