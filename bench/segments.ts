// Segment benchmark (SPEC §3: any built-in count over 1,000,000 contacts < 250 ms; one
// contact's memberships re-evaluated < 10 ms). Run: npm run bench:segments -- --contacts 1000000
// Database: BENCH_DATABASE_URL, or a fresh database created (and kept, for EXPLAIN afterwards;
// --drop removes it) on postgresql://postgres@127.0.0.1:5432/postgres.
// Prints progress and EXPLAIN plans to stderr, and as its last stdout line one JSON object.
//
// Recorded 2026-12-06 at 1M contacts (PostgreSQL 15, 2 shared cores), built-ins reading every
// subscription (migration segment_subscription_facts): every count is an Index Only Scan on a
// partial index whose predicate is exactly the compiled rule's —
//   syncing 64 ms (parallel, stripe_linked_idx, 950k) · customers 74 / slipping customers 76 ms
//   (parallel, paying_idx, 450k; last_activity_at filtered inside the index) · active subscribers
//   48 ms · current trials 9 / slipping trials 10 ms (trialing_idx) · churned 7 ms (churned_idx,
//   153k) · expired trials 5 ms (expired_trials_idx, range on earliest_trial_end) · past due 2.5 ms
//   · new customers 6.5 ms. Contact re-evaluation across 11 segments 4.6 ms; custom 3-condition
//   preview 192 ms; diff 386 ms + recompute 1.0 s for 16k changes; a day's sweep 1.2 s.

import { parseArgs } from 'node:util'
import { createDb, type Db } from '../lib/db'
import { builtinDefinitions } from '../lib/segments/builtins'
import { forgetAttributeCatalog, loadAttributeCatalog } from '../lib/segments/catalog-service'
import { compileRule, SqlParams } from '../lib/segments/compile'
import { evaluateContacts, recomputeSegment, sweepTimeEdges } from '../lib/segments/membership'
import { diffRule, previewRule } from '../lib/segments/preview'
import { RULE_VERSION, type Rule } from '../lib/segments/rule-schema'
import { ensureBuiltinSegments } from '../lib/segments/segments-service'
import { runPrisma } from '../scripts/lib/prisma-cli.mjs'
import { createServerDatabase } from '../test/support/databases'

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' }, drop: { type: 'boolean', default: false }, explain: { type: 'boolean', default: true } } })
const N = Number(values.contacts)
const RUNS = Number(values.runs)
const log = (...a: unknown[]) => console.error('[bench:segments]', ...a)
const now = new Date('2026-06-01T12:00:00.000Z')

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const r = await fn()
  return [Math.round((performance.now() - t) * 10) / 10, r]
}
/** Median of `runs` timings of `fn` after one warm-up; `prepare` runs before each, untimed. */
async function median(fn: () => Promise<unknown>, runs = RUNS, prepare?: () => Promise<unknown>): Promise<number> {
  await prepare?.()
  await fn() // warm-up (plan cache, buffers)
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    await prepare?.()
    times.push((await time(fn))[0])
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

async function seed(db: Db, workspaceId: string) {
  // One INSERT … SELECT generate_series: a realistic mix of leads, trials, payers and churn.
  const nowIso = now.toISOString()
  await db.$executeRawUnsafe(
    `INSERT INTO contacts (id, workspace_id, email, name, is_stripe_linked, subscription_status, subscription_count, active_subscription_count,
        trial_start, trial_end, current_period_end, mrr, currency, total_spend, stripe_created_at, last_payment_at, last_failed_payment_at,
        last_activity_at, attributes, custom_attributes, created_at, updated_at, subscription_statuses, earliest_trial_end, has_paid)
     SELECT 'c' || lpad(i::text, 9, '0'), $1, 'user' || i || '@example.com', 'User ' || i, r.linked, s.status,
            CASE WHEN s.status IS NULL THEN 0 ELSE 1 END,
            CASE WHEN s.status = 'active' THEN (CASE WHEN r.a < 0.05 THEN 2 ELSE 1 END) ELSE 0 END,
            CASE WHEN s.status = 'trialing' OR r.b < 0.3 THEN t.trial_end - interval '14 days' END,
            CASE WHEN s.status = 'trialing' THEN t.trial_end WHEN r.b < 0.3 AND s.status IS NOT NULL THEN $2::timestamp - (r.c * interval '400 days') END,
            CASE WHEN s.status IN ('active', 'past_due', 'trialing') THEN $2::timestamp + (r.d * interval '30 days') END,
            CASE WHEN s.status IN ('active', 'past_due') THEN (500 + r.e * 30000)::bigint ELSE 0 END,
            'usd',
            CASE WHEN s.status IN ('active', 'past_due', 'unpaid') OR (s.status = 'canceled' AND r.f < 0.6) THEN (r.e * 200000)::bigint ELSE 0 END,
            $2::timestamp - (r.g * interval '730 days'),
            CASE WHEN s.status IN ('active', 'past_due', 'unpaid') OR (s.status = 'canceled' AND r.f < 0.6) THEN $2::timestamp - (r.d * interval '35 days') END,
            CASE WHEN s.status IN ('past_due', 'unpaid') THEN $2::timestamp - (r.a * interval '10 days') END,
            CASE WHEN r.h < 0.15 THEN NULL ELSE $2::timestamp - (r.h * r.h * interval '90 days') END,
            jsonb_build_object('stripe_address_country', (ARRAY['US','GB','DE','FR','CA','NL'])[1 + (i % 6)], 'stripe_card_brand', (ARRAY['visa','mastercard','amex'])[1 + (i % 3)]),
            CASE WHEN i % 20 = 0 THEN jsonb_build_object('plan_tier', (ARRAY['free','pro','team'])[1 + (i % 3)]) ELSE '{}'::jsonb END,
            $2::timestamp, $2::timestamp,
            -- Every subscription's status: some payers and some incomplete ones also have an old canceled subscription.
            CASE WHEN s.status IS NULL THEN ARRAY[]::text[]
                 WHEN s.status IN ('active', 'incomplete') AND r.f < 0.15 THEN ARRAY[s.status, 'canceled']
                 ELSE ARRAY[s.status] END,
            CASE WHEN s.status = 'trialing' THEN t.trial_end WHEN r.b < 0.3 AND s.status IS NOT NULL THEN $2::timestamp - (r.c * interval '400 days') END,
            COALESCE(s.status IN ('active', 'past_due', 'unpaid') OR (s.status = 'canceled' AND r.f < 0.6), false)
       FROM generate_series(1, $3::int) AS i,
            LATERAL (SELECT random() AS a, random() AS b, random() AS c, random() AS d, random() AS e, random() AS f, random() AS g, random() AS h, random() < 0.95 AS linked, random() AS p, i AS k) r,
            LATERAL (SELECT CASE WHEN r.p < 0.30 THEN NULL WHEN r.p < 0.38 THEN 'trialing' WHEN r.p < 0.78 THEN 'active' WHEN r.p < 0.83 THEN 'past_due'
                                 WHEN r.p < 0.95 THEN 'canceled' WHEN r.p < 0.97 THEN 'unpaid' WHEN r.p < 0.98 THEN 'incomplete_expired' ELSE 'incomplete' END AS status, r.k AS k) s,
            LATERAL (SELECT $2::timestamp + ((r.c * 16) - 2) * interval '1 day' AS trial_end, s.k AS k) t`,
    workspaceId,
    nowIso,
    N,
  )
  // Half a million billing events over 90 days for event conditions.
  await db.$executeRawUnsafe(
    `INSERT INTO billing_events (id, workspace_id, contact_id, connection_id, type, occurred_at, summary)
     SELECT 'be' || i, $1, 'c' || lpad((1 + (random() * ($3::int - 1))::int)::text, 9, '0'), 'conn_bench',
            (ARRAY['charge.succeeded','invoice.paid','invoice.payment_failed','subscription.updated'])[1 + (i % 4)],
            $2::timestamp - random() * interval '90 days', 'bench'
       FROM generate_series(1, $4::int) AS i`,
    workspaceId,
    nowIso,
    N,
    Math.round(N / 2),
  )
}

async function main() {
  let url = process.env.BENCH_DATABASE_URL
  let drop: (() => Promise<void>) | null = null
  if (!url) {
    const created = await createServerDatabase('postgresql://postgres@127.0.0.1:5432/postgres', 'churnless_bench')
    url = created.url
    drop = created.drop
    log('database', url)
    await runPrisma(['migrate', 'deploy'], { env: { ...process.env, DATABASE_URL: url } })
  }
  const db = createDb(url, { max: 4 })
  const ws = await db.workspace.create({ data: { name: `Bench ${N}` } })
  const [seedMs] = await time(() => seed(db, ws.id))
  log(`seeded ${N} contacts in ${seedMs} ms`)
  await ensureBuiltinSegments({ db, workspaceId: ws.id })
  const segments = await db.segment.findMany({ where: { workspaceId: ws.id }, select: { id: true, builtinKey: true, rule: true } })
  const [initialMs] = await time(async () => {
    for (const s of segments) await recomputeSegment({ db, segmentId: s.id, now, cause: 'bench:initial', chunkSize: 50_000 })
  })
  log(`initial membership of ${segments.length} built-ins in ${initialMs} ms`)
  await db.$executeRawUnsafe('VACUUM ANALYZE contacts')
  await db.$executeRawUnsafe('VACUUM ANALYZE segment_memberships')
  await db.$executeRawUnsafe('VACUUM ANALYZE billing_events')
  forgetAttributeCatalog()
  const catalog = await loadAttributeCatalog({ db, workspaceId: ws.id })

  const countMs: Record<string, number> = {}
  const counts: Record<string, number> = {}
  for (const def of builtinDefinitions()) {
    const p = new SqlParams([ws.id])
    const sql = `SELECT count(*) AS n FROM contacts c WHERE c.workspace_id = $1 AND ${compileRule(def.rule, { catalog, now }, p)}`
    countMs[def.key] = await median(async () => {
      const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(sql, ...p.values)
      counts[def.key] = Number(row?.n)
    })
    if (values.explain) {
      const plan = await db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ...p.values)
      log(`EXPLAIN ${def.key}:\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`)
    }
  }
  log('counts', counts)

  const custom: Rule = {
    version: RULE_VERSION,
    root: {
      kind: 'group',
      combinator: 'and',
      conditions: [
        { kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'gt', value: 10_000 },
        { kind: 'subscription_status', operator: 'in', statuses: ['active', 'past_due'] },
        { kind: 'attribute', attribute: 'stripe_address_country', type: 'string', operator: 'equals', value: 'US' },
      ],
    },
  }
  const customPreviewMs = await median(() => previewRule({ db, workspaceId: ws.id, rule: custom, now, catalog }))

  // One contact, every segment (10 built-ins + the custom one saved): evaluate + apply.
  const saved = await db.segment.create({ data: { workspaceId: ws.id, name: 'Custom', rule: custom } })
  await recomputeSegment({ db, segmentId: saved.id, now, cause: 'bench:initial', chunkSize: 50_000 })
  // The status flip that makes the contact move is the sync's work, done before (untimed);
  // what is timed is the re-evaluation with its membership write.
  let k = 0
  let id = ''
  const contactEvalMs = await median(
    () => evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now, cause: 'bench', catalog }),
    21,
    async () => {
      k += 7919
      id = `c${String(1 + (k % N)).padStart(9, '0')}`
      await db.$executeRawUnsafe(
        `UPDATE contacts SET subscription_status = CASE WHEN subscription_status = 'past_due' THEN 'active' ELSE 'past_due' END,
                subscription_statuses = CASE WHEN subscription_status = 'past_due' THEN ARRAY['active'] ELSE ARRAY['past_due'] END WHERE id = $1`,
        id,
      )
    },
  )

  // Edit "Past due" to add a condition: the diff the builder shows, then the full recompute.
  const pastDue = segments.find((s) => s.builtinKey === 'past_due')
  if (!pastDue) throw new Error('no past_due segment')
  const edited: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'subscription_status', operator: 'in', statuses: ['past_due'] }, { kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'gt', value: 10_000 }] } }
  const [diffMs, diff] = await time(() => diffRule({ db, workspaceId: ws.id, segmentId: pastDue.id, rule: edited, now, catalog }))
  await db.segment.update({ where: { id: pastDue.id }, data: { rule: edited } })
  const [recomputeMs, recomputed] = await time(() => recomputeSegment({ db, segmentId: pastDue.id, now, cause: 'bench:edit', chunkSize: 50_000 }))

  // A day passes: every segment sweeps the edges of that day.
  const dayLater = new Date(now.getTime() + 86_400_000)
  await db.$executeRawUnsafe('UPDATE segments SET edges_swept_at = $2::timestamp WHERE workspace_id = $1', ws.id, now.toISOString())
  const [sweepMs, sweep] = await time(() => sweepTimeEdges({ db, now: dayLater, workspaceId: ws.id }))

  const result = {
    contacts: N,
    seedMs,
    initialMembershipMs: initialMs,
    countMs,
    counts,
    customPreviewMs,
    contactEvalMs,
    segmentsPerContactEval: segments.length + 1,
    recomputeDiff: { segment: 'past_due + mrr > 100.00', diffMs, enter: diff.enter, leave: diff.leave, recomputeMs, changes: recomputed.changes.length },
    sweepDay: { sweepMs, segments: sweep.segments, candidates: sweep.candidates, changes: sweep.changes.length },
    targets: { countMs: 250, contactEvalMs: 10 },
  }
  await db.$disconnect()
  if (values.drop && drop) await drop()
  console.log(JSON.stringify(result))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
