import { InngestTestEngine } from '@inngest/test'
import { afterEach, describe, expect, test } from 'vitest'
import { recomputeSegment as recomputeSegmentFn } from '@/inngest/functions/recompute-segment'
import { sweepSegmentEdges } from '@/inngest/functions/sweep-segment-edges'
import { testDb as db } from '@/test/db'
import { builtinDefinition } from './builtins'
import { recomputeSegment, sweepTimeEdges } from './membership'
import { RULE_VERSION, type Rule } from './rule-schema'
import { createTestWorkspace, days, insertContacts, memberNames } from './test-support'

// The segment Inngest functions through the SDK's engine (@inngest/test), on real PostgreSQL.

type Sent = { name: string; data: Record<string, unknown> }
const sentBy = (ctx: { step: { sendEvent: unknown } }) =>
  (ctx.step.sendEvent as unknown as { mock: { calls: [string, Sent | Sent[]][] } }).mock.calls.flatMap(([id, events]) => (Array.isArray(events) ? events : [events]).map((e) => ({ id, ...e })))
const paying: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'subscription_status', operator: 'any_in', statuses: ['active'] }] } }

afterEach(() => {
  delete process.env.CHURNLESS_RECOMPUTE_CHUNK
  delete process.env.CHURNLESS_RECOMPUTE_RANGES_PER_RUN
})

describe('recompute-segment', () => {
  test('recomputes range by range, records progress, and hands the cursor to the next run; the next run finishes', async () => {
    process.env.CHURNLESS_RECOMPUTE_CHUNK = '2'
    process.env.CHURNLESS_RECOMPUTE_RANGES_PER_RUN = '2'
    const ws = await createTestWorkspace(db)
    await insertContacts(db, ws.id, ['Ada', 'Bo', 'Cy', 'Di', 'Ed'].map((name) => ({ name, status: name === 'Cy' ? 'canceled' : 'active' })))
    const segment = await db.segment.create({ data: { workspaceId: ws.id, name: 'Paying', rule: paying, recomputeProgress: 0 } })
    const now = new Date().toISOString()
    const data = { workspaceId: ws.id, segmentId: segment.id, cause: 'segment:created', after: null, now }

    // Run 1: two ranges of two contacts, then the cursor goes to a new run (mocked here).
    const first = new InngestTestEngine({ function: recomputeSegmentFn, events: [{ name: 'segment/recompute.requested', data }], steps: [{ id: 'next-ranges', handler: () => undefined }] })
    const one = await first.execute()
    const after = (one.result as { after: string }).after
    expect(one.result).toEqual({ finished: false, after })
    expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).recomputeProgress).toBeCloseTo(4 / 5)
    expect((await memberNames(db, segment.id)).length).toBe(3) // Ada, Bo, Di of the first four (Cy is canceled)

    // Run 2 continues from the cursor and finishes: exact count, progress cleared.
    const second = new InngestTestEngine({ function: recomputeSegmentFn, events: [{ name: 'segment/recompute.requested', data: { ...data, after } }] })
    expect((await second.execute()).result).toEqual({ finished: true })
    expect(await memberNames(db, segment.id)).toEqual(['Ada', 'Bo', 'Di', 'Ed'])
    const done = await db.segment.findUniqueOrThrow({ where: { id: segment.id } })
    expect(done).toMatchObject({ memberCount: 4, recomputeProgress: null })
    // Every entry is in the history, once.
    const changes = await db.segmentMembershipChange.findMany({ where: { segmentId: segment.id } })
    expect(changes.map((c) => c.kind)).toEqual(['entered', 'entered', 'entered', 'entered'])
  })

  test('a newer edit of the rule stops an older recompute before it writes anything', async () => {
    const ws = await createTestWorkspace(db)
    await insertContacts(db, ws.id, [{ name: 'Ada', status: 'active' }])
    const segment = await db.segment.create({ data: { workspaceId: ws.id, name: 'Paying', rule: paying, recomputeProgress: 0 } })
    const olderNow = new Date(segment.updatedAt.getTime() - 1000).toISOString()
    const engine = new InngestTestEngine({
      function: recomputeSegmentFn,
      events: [{ name: 'segment/recompute.requested', data: { workspaceId: ws.id, segmentId: segment.id, cause: 'segment:edited', after: null, now: olderNow } }],
    })
    expect((await engine.execute()).result).toEqual({ stopped: 'a newer edit of the rule restarted the recompute' })
    expect(await memberNames(db, segment.id)).toEqual([])
    expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).recomputeProgress).toBe(0)
  })
})

describe('sweep-segment-edges', () => {
  test('sends one entered/exited event per change the sweep made, with the segment\'s workspace and the change id as event id', async () => {
    const ws = await createTestWorkspace(db)
    const t0 = new Date('2026-04-01T09:00:00.000Z')
    const ids = await insertContacts(db, ws.id, [
      { name: 'Sam Steady', status: 'active', lastActivityAt: t0 },
      { name: 'Fay Fresh', status: 'active', lastActivityAt: new Date(t0.getTime() + days(10)) },
    ])
    const segment = await db.segment.create({ data: { workspaceId: ws.id, name: 'Slipping customers', builtinKey: 'slipping_customers', rule: builtinDefinition('slipping_customers')?.rule as object } })
    await recomputeSegment({ db, segmentId: segment.id, now: new Date(t0.getTime() + days(1)), cause: 'test:setup' })
    const at = new Date(t0.getTime() + days(16))
    // The cron function sweeps every workspace at the real time; here its step sweeps this
    // workspace at a fixed time (other test files share the database), the rest is the function's own.
    const engine = new InngestTestEngine({ function: sweepSegmentEdges, events: [{ name: 'inngest/scheduled.timer', data: { cron: '*/10 * * * *' } }], steps: [{ id: 'sweep-time-edges', handler: () => sweepTimeEdges({ db, now: at, workspaceId: ws.id }) }] })
    const { result, ctx } = await engine.execute()
    expect(result).toEqual({ segments: 1, candidates: 1, changes: 1 })
    const change = await db.segmentMembershipChange.findFirstOrThrow({ where: { segmentId: segment.id } })
    expect(sentBy(ctx as never)).toEqual([
      expect.objectContaining({ name: 'segment/contact.entered', id: `segment-change-${change.id}`, data: expect.objectContaining({ workspaceId: ws.id, segmentId: segment.id, contactId: ids.get('Sam Steady'), cause: 'time' }) }),
    ])
  })
})
