import { InngestTestEngine } from '@inngest/test'
import { describe, expect, test } from 'vitest'
import { reevaluateSegmentMemberships } from '@/inngest/functions/reevaluate-segment-memberships'
import { defaultMapping } from '@/lib/sync/mapping'
import { testDb as db } from '@/test/db'
import { forgetAttributeCatalog, loadAttributeCatalog } from './catalog-service'
import { evaluateContacts, recomputeSegment, sweepTimeEdges } from './membership'
import { diffRule, listMembers, membersCsvStream, previewRule } from './preview'
import { RULE_VERSION, type Rule } from './rule-schema'
import { ensureBuiltinSegments, getSegment } from './segments-service'
import { createTestWorkspace, days, insertContacts, memberNames } from './test-support'

const t0 = new Date('2026-04-01T09:00:00.000Z')

async function builtin(workspaceId: string, key: string) {
  return db.segment.findFirstOrThrow({ where: { workspaceId, builtinKey: key } })
}
async function changesOf(contactId: string) {
  const rows = await db.segmentMembershipChange.findMany({ where: { contactId }, orderBy: [{ at: 'asc' }, { kind: 'asc' }] })
  const names = new Map((await db.segment.findMany({ where: { id: { in: rows.map((r) => r.segmentId) } } })).map((s) => [s.id, s.name]))
  return rows.map((r) => `${r.kind} ${names.get(r.segmentId)} (${r.cause})`)
}

describe('membership (F19)', () => {
  test('a contact that no longer exists leaves every segment, even one whose rule an empty row would match ("name is not set")', async () => {
    const ws = await createTestWorkspace(db)
    const ids = await insertContacts(db, ws.id, [{ name: 'Gone Soon', status: 'active', lastActivityAt: t0 }])
    const id = ids.get('Gone Soon') as string
    const noName: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'attribute', attribute: 'name', type: 'string', operator: 'is_not_set' }] } }
    const customers = await db.segment.create({ data: { workspaceId: ws.id, name: 'Paying', rule: { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'subscription_status', operator: 'in', statuses: ['active'] }] } } } })
    const unnamed = await db.segment.create({ data: { workspaceId: ws.id, name: 'Unnamed', rule: noName } })
    await evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now: t0, cause: 'test:setup' })
    expect(await memberNames(db, customers.id)).toEqual(['Gone Soon'])
    expect(await memberNames(db, unnamed.id)).toEqual([])

    await db.contact.delete({ where: { id } })
    const { changes } = await evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now: t0, cause: 'test:deleted' })
    expect(changes.map((c) => [c.segmentId, c.kind])).toEqual([[customers.id, 'exited']])
    expect(await db.segmentMembership.count({ where: { contactId: id } })).toBe(0)
    expect((await db.segment.findUniqueOrThrow({ where: { id: customers.id } })).memberCount).toBe(0)
  })

  test('contact/updated: a trial that becomes past due moves from "Current trials" to "Past due", with exit and entry recorded and emitted', async () => {
    const ws = await createTestWorkspace(db)
    const ids = await insertContacts(db, ws.id, [{ name: 'Tess Trial', status: 'trialing', lastActivityAt: t0 }])
    const id = ids.get('Tess Trial') as string
    await ensureBuiltinSegments({ db, workspaceId: ws.id })
    for (const s of await db.segment.findMany({ where: { workspaceId: ws.id } })) await recomputeSegment({ db, segmentId: s.id, now: new Date(), cause: 'test:setup' })
    const trials = await builtin(ws.id, 'current_trials')
    const pastDue = await builtin(ws.id, 'past_due')
    expect(await memberNames(db, trials.id)).toEqual(['Tess Trial'])
    expect(await memberNames(db, pastDue.id)).toEqual([])

    // What the sync does when Stripe says the trial ended unpaid.
    await db.contact.update({ where: { id }, data: { subscriptionStatus: 'past_due', lastFailedPaymentAt: new Date() } })
    const engine = new InngestTestEngine({ function: reevaluateSegmentMemberships, events: [{ name: 'contact/updated', data: { workspaceId: ws.id, contactIds: [id], cause: 'stripe:evt_trial_past_due' } }] })
    const { result, ctx } = await engine.execute()

    expect(await memberNames(db, trials.id)).toEqual([])
    expect(await memberNames(db, pastDue.id)).toEqual(['Tess Trial'])
    const changes = await changesOf(id)
    expect(changes).toContain('exited Current trials (stripe:evt_trial_past_due)')
    expect(changes).toContain('entered Past due (stripe:evt_trial_past_due)')
    // Exactly what the status change moves (Tess was active at t0, long ago: slipping both before and after).
    expect(changes.filter((c) => c.endsWith('(stripe:evt_trial_past_due)')).sort()).toEqual(
      ['entered Customers (stripe:evt_trial_past_due)', 'entered Past due (stripe:evt_trial_past_due)', 'entered Slipping customers (stripe:evt_trial_past_due)', 'exited Current trials (stripe:evt_trial_past_due)', 'exited Slipping trials (stripe:evt_trial_past_due)'].sort(),
    )
    expect((await db.segment.findUniqueOrThrow({ where: { id: pastDue.id } })).memberCount).toBe(1)
    expect((await db.segment.findUniqueOrThrow({ where: { id: trials.id } })).memberCount).toBe(0)
    expect(result).toMatchObject({ changes: 5 })
    // The entered/exited events went out through step.sendEvent.
    const sent = (ctx.step.sendEvent as unknown as { mock: { calls: [string, { name: string; data: { segmentId: string } }[]][] } }).mock.calls.flatMap((c) => c[1])
    expect(sent.filter((e) => e.name === 'segment/contact.entered' && e.data.segmentId === pastDue.id)).toHaveLength(1)
    expect(sent.filter((e) => e.name === 'segment/contact.exited' && e.data.segmentId === trials.id)).toHaveLength(1)

    // Evaluating again changes nothing (idempotent).
    const again = await evaluateContacts({ db, workspaceId: ws.id, contactIds: [id], now: new Date(), cause: 'again' })
    expect(again.changes).toEqual([])
  })

  test('the sweep moves a customer into "Slipping customers" exactly when 15 days without activity pass', async () => {
    const ws = await createTestWorkspace(db)
    const ids = await insertContacts(db, ws.id, [
      { name: 'Sam Steady', status: 'active', lastActivityAt: t0 },
      { name: 'Fay Fresh', status: 'active', lastActivityAt: new Date(t0.getTime() + days(5)) },
    ])
    await ensureBuiltinSegments({ db, workspaceId: ws.id })
    const slipping = await builtin(ws.id, 'slipping_customers')
    await recomputeSegment({ db, segmentId: slipping.id, now: new Date(t0.getTime() + days(1)), cause: 'test:setup' })
    expect(await memberNames(db, slipping.id)).toEqual([])

    const justBefore = new Date(t0.getTime() + days(15) - 1)
    const before = await sweepTimeEdges({ db, now: justBefore, workspaceId: ws.id })
    expect(before.changes).toEqual([])
    expect(await memberNames(db, slipping.id)).toEqual([])

    const justAfter = new Date(t0.getTime() + days(15) + 1)
    const after = await sweepTimeEdges({ db, now: justAfter, workspaceId: ws.id })
    expect(after.changes.filter((c) => c.segmentId === slipping.id)).toEqual([
      expect.objectContaining({ contactId: ids.get('Sam Steady'), kind: 'entered', cause: 'time', at: justAfter.toISOString() }),
    ])
    expect(await memberNames(db, slipping.id)).toEqual(['Sam Steady'])
    // Only contacts at the edge were read: Fay's value is 5 days later and not in the window.
    expect(after.candidates).toBeLessThanOrEqual(2)
    // Another tick over the same instant finds nothing more.
    expect((await sweepTimeEdges({ db, now: justAfter, workspaceId: ws.id })).changes).toEqual([])
  })

  test('a rule naming a deleted attribute gives a clear error, and its members are left as they were', async () => {
    const ws = await createTestWorkspace(db)
    const mapping = { ...defaultMapping(), metadata: [{ key: 'plan_tier', target: 'stripe_meta_plan_tier', type: 'string' as const }] }
    const connection = await db.stripeConnection.create({ data: { workspaceId: ws.id, mode: 'test', keyKind: 'restricted', keySealed: 'x', keyHint: 'rk_test_…abcd', status: 'active', mapping } })
    forgetAttributeCatalog(ws.id)
    await insertContacts(db, ws.id, [{ name: 'Gold Gary', attributes: { stripe_meta_plan_tier: 'gold' } }, { name: 'Silver Sue', attributes: { stripe_meta_plan_tier: 'silver' } }])
    const rule: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'attribute', attribute: 'stripe_meta_plan_tier', type: 'string', operator: 'equals', value: 'gold' }] } }
    const segment = await db.segment.create({ data: { workspaceId: ws.id, name: 'Gold plan', rule } })
    await recomputeSegment({ db, segmentId: segment.id, now: t0, cause: 'test:setup' })
    expect(await memberNames(db, segment.id)).toEqual(['Gold Gary'])

    // The admin removes the metadata attribute from the mapping.
    await db.stripeConnection.update({ where: { id: connection.id }, data: { mapping: defaultMapping() } })
    forgetAttributeCatalog(ws.id)
    const message = 'The attribute "stripe_meta_plan_tier" does not exist in this workspace (it may have been renamed or removed from the Stripe field mapping). Pick another attribute or remove this condition.'
    expect(await previewRule({ db, workspaceId: ws.id, rule, now: t0 })).toEqual({ ok: false, issues: [{ path: 'conditions.0', message }] })
    const detail = await getSegment(db, ws.id, segment.id)
    expect(detail.ruleProblem?.message).toContain('"stripe_meta_plan_tier" does not exist')
    const evaluated = await evaluateContacts({ db, workspaceId: ws.id, contactIds: [...(await db.contact.findMany({ where: { workspaceId: ws.id } })).map((c) => c.id)], now: t0, cause: 'x' })
    expect(evaluated.broken).toEqual([{ id: segment.id, message }])
    expect(await memberNames(db, segment.id)).toEqual(['Gold Gary'])
  })

  test('injection attempts in values are inert against the database', async () => {
    const ws = await createTestWorkspace(db)
    await insertContacts(db, ws.id, [{ name: "O'Brien; DROP TABLE contacts; --" }, { name: 'Plain Pat' }])
    for (const value of ["' OR 1=1 --", "O'Brien; DROP TABLE contacts; --", '%', '_', '\\']) {
      for (const operator of ['equals', 'contains', 'starts_with'] as const) {
        const rule: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'attribute', attribute: 'name', type: 'string', operator, value }] } }
        const result = await previewRule({ db, workspaceId: ws.id, rule, now: t0 })
        // Only the literal name matches; '%' and '_' are not wildcards (unescaped, they would match both).
        const expected = value.startsWith("O'Brien") ? 1 : 0
        expect(result, `${operator} ${value}`).toMatchObject({ ok: true, count: expected })
      }
    }
    expect(await db.contact.count({ where: { workspaceId: ws.id } })).toBe(2)
  })

  test('the diff counts who would enter and leave; members page by keyset; CSV streams every member', async () => {
    const ws = await createTestWorkspace(db)
    await insertContacts(db, ws.id, [
      { name: 'Ann', status: 'past_due', mrr: 20000 },
      { name: 'Ben', status: 'past_due', mrr: 5000 },
      { name: 'Cat', status: 'active', mrr: 30000 },
      { name: 'Dee', status: 'past_due', mrr: 15000 },
    ])
    const pastDue: Rule = { version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'subscription_status', operator: 'in', statuses: ['past_due'] }] } }
    const segment = await db.segment.create({ data: { workspaceId: ws.id, name: 'PD', rule: pastDue } })
    await recomputeSegment({ db, segmentId: segment.id, now: t0, cause: 'x', chunkSize: 2 })
    expect(await memberNames(db, segment.id)).toEqual(['Ann', 'Ben', 'Dee'])
    const edited: Rule = { ...pastDue, root: { ...pastDue.root, conditions: [...pastDue.root.conditions, { kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'gt', value: 10000 }] } }
    const catalog = await loadAttributeCatalog({ db, workspaceId: ws.id })
    expect(await diffRule({ db, workspaceId: ws.id, segmentId: segment.id, rule: edited, now: t0, catalog })).toEqual({ enter: 0, leave: 1 })
    const widened: Rule = { ...pastDue, root: { kind: 'group', combinator: 'and', conditions: [{ kind: 'attribute', attribute: 'stripe_mrr', type: 'money', operator: 'gt', value: 10000 }] } }
    expect(await diffRule({ db, workspaceId: ws.id, segmentId: segment.id, rule: widened, now: t0, catalog })).toEqual({ enter: 1, leave: 1 })

    const first = await listMembers({ db, workspaceId: ws.id, segmentId: segment.id, limit: 2 })
    expect(first.members).toHaveLength(2)
    const second = await listMembers({ db, workspaceId: ws.id, segmentId: segment.id, limit: 2, after: first.next })
    expect([...first.members, ...second.members].map((m) => m.name).sort()).toEqual(['Ann', 'Ben', 'Dee'])
    expect(second.next).toBeNull()
    // Another workspace cannot read these members.
    const other = await createTestWorkspace(db)
    await expect(listMembers({ db, workspaceId: other.id, segmentId: segment.id })).rejects.toThrow('does not exist in this workspace')

    const csv = await new Response(membersCsvStream({ db, workspaceId: ws.id, segmentId: segment.id, pageSize: 1 })).text()
    const lines = csv.trim().split('\n')
    expect(lines[0]).toBe('contact_id,email,name,subscription_status,mrr_minor,currency,last_activity_at,entered_at')
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['"Ann"', '"Ben"', '"Dee"'])
  })
})
