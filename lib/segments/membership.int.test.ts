import { InngestTestEngine } from '@inngest/test'
import { describe, expect, test } from 'vitest'
import { reevaluateSegmentMemberships } from '@/inngest/functions/reevaluate-segment-memberships'
import { defaultMapping } from '@/lib/sync/mapping'
import { testDb as db } from '@/test/db'
import { forgetAttributeCatalog, loadAttributeCatalog } from './catalog-service'
import { evaluateContacts, recomputeSegment, sweepTimeEdges } from './membership'
import { diffRule, listMembers, membersCsvStream, previewRule } from './preview'
import { RULE_VERSION, type Rule } from './rule-schema'
import { builtinDefinition } from './builtins'
import { getSegment } from './segments-service'
import { createTestWorkspace, days, insertContacts, memberNames } from './test-support'

const t0 = new Date('2026-04-01T09:00:00.000Z')

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

  test('the sweep moves a customer into "Slipping customers" exactly when 15 days without activity pass, reading only that contact', async () => {
    const ws = await createTestWorkspace(db)
    // 40 customers: one whose 15 days pass in this test, the rest not due — active later, or
    // slipping long ago (already members). The sweep must read only the one at the edge.
    const ids = await insertContacts(db, ws.id, [
      { name: 'Sam Steady', status: 'active', lastActivityAt: t0 },
      ...Array.from({ length: 30 }, (_, i) => ({ name: `Fresh ${i}`, status: 'active', lastActivityAt: new Date(t0.getTime() + days(2 + (i % 10))) })),
      ...Array.from({ length: 9 }, (_, i) => ({ name: `Gone ${i}`, status: 'active', lastActivityAt: new Date(t0.getTime() - days(30 + i)) })),
    ])
    const def = builtinDefinition('slipping_customers')
    const slipping = await db.segment.create({ data: { workspaceId: ws.id, name: 'Slipping customers', builtinKey: 'slipping_customers', rule: def?.rule as object } })
    await recomputeSegment({ db, segmentId: slipping.id, now: new Date(t0.getTime() + days(1)), cause: 'test:setup' })
    const gone = Array.from({ length: 9 }, (_, i) => `Gone ${i}`).sort()
    expect(await memberNames(db, slipping.id)).toEqual(gone)

    const justBefore = new Date(t0.getTime() + days(15) - 1)
    const before = await sweepTimeEdges({ db, now: justBefore, workspaceId: ws.id })
    expect(before).toMatchObject({ segments: 1, candidates: 0, changes: [] })

    const justAfter = new Date(t0.getTime() + days(15) + 1)
    const after = await sweepTimeEdges({ db, now: justAfter, workspaceId: ws.id })
    expect(after.candidates).toBe(1)
    expect(after.changes).toEqual([expect.objectContaining({ segmentId: slipping.id, contactId: ids.get('Sam Steady'), kind: 'entered', cause: 'time', at: justAfter.toISOString() })])
    expect(await memberNames(db, slipping.id)).toEqual([...gone, 'Sam Steady'].sort())
    // Another tick over the same instant finds nothing more.
    expect(await sweepTimeEdges({ db, now: justAfter, workspaceId: ws.id })).toMatchObject({ segments: 0, candidates: 0, changes: [] })
  })

  test('contact/updated with what changed re-evaluates only the segments that read it (and every segment for a contact new to segments)', async () => {
    const ws = await createTestWorkspace(db)
    // Otto gives the workspace its custom attribute "plan" (the catalog finds keys on contacts).
    const ids = await insertContacts(db, ws.id, [{ name: 'Rita Reader', status: 'active', lastActivityAt: t0 }, { name: 'Otto Other', customAttributes: { plan: 'free' } }])
    const id = ids.get('Rita Reader') as string
    const and = (...conditions: Rule['root']['conditions']): Rule => ({ version: RULE_VERSION, root: { kind: 'group', combinator: 'and', conditions } })
    const pro = await db.segment.create({ data: { workspaceId: ws.id, name: 'Pro plan', rule: and({ kind: 'attribute', attribute: 'plan', type: 'string', operator: 'equals', value: 'pro' }) } })
    const exporters = await db.segment.create({ data: { workspaceId: ws.id, name: 'Exporters', rule: and({ kind: 'event', source: 'activity', name: 'Exported report', operator: 'did', count: 1, days: 7 }) } })
    const pastDue = await db.segment.create({ data: { workspaceId: ws.id, name: 'Past due', rule: and({ kind: 'subscription_status', operator: 'any_in', statuses: ['past_due'] }) } })
    const run = async (changed: Record<string, unknown> | undefined, cause: string) => {
      forgetAttributeCatalog(ws.id)
      const engine = new InngestTestEngine({ function: reevaluateSegmentMemberships, events: [{ name: 'contact/updated', data: { workspaceId: ws.id, contactIds: [id], cause, ...(changed && { changed }) } }] })
      return (await engine.execute()).result as { evaluatedSegments: string[] }
    }

    const all = [pro.id, exporters.id, pastDue.id].sort()
    // New to segments (no membership, no history): every segment, whatever changed.
    expect((await run({ activity: ['Signed in'] }, 'api:track')).evaluatedSegments.sort()).toEqual(all)
    expect(await changesOf(id)).toEqual([])
    await db.contact.update({ where: { id }, data: { subscriptionStatus: 'past_due', subscriptionStatuses: ['past_due'] } })
    expect((await run({ stripe: true, billing: ['invoice.payment_failed'] }, 'stripe:evt_1')).evaluatedSegments.sort()).toEqual(all)
    expect(await changesOf(id)).toEqual(['entered Past due (stripe:evt_1)'])

    // From now on Rita has history. She gets a custom plan and an activity event; an activity
    // change evaluates only "Exporters" — "Pro plan" would match now, but is not read.
    await db.contact.update({ where: { id }, data: { customAttributes: { plan: 'pro' } } })
    await db.activityEvent.create({ data: { workspaceId: ws.id, contactId: id, name: 'Exported report', occurredAt: new Date(), messageId: `m-${id}` } })
    expect((await run({ attributes: ['last_activity_at'], activity: ['Exported report'] }, 'api:track')).evaluatedSegments).toEqual([exporters.id])
    expect(await memberNames(db, exporters.id)).toEqual(['Rita Reader'])
    expect(await memberNames(db, pro.id)).toEqual([])

    // The custom attribute changes: "Pro plan" is evaluated, and only it.
    expect((await run({ attributes: ['email', 'name', 'external_id', 'plan'] }, 'api:identify')).evaluatedSegments).toEqual([pro.id])
    expect(await memberNames(db, pro.id)).toEqual(['Rita Reader'])

    // Stripe says active again: an unrelated change leaves "Past due" untouched; a Stripe change moves her out.
    await db.contact.update({ where: { id }, data: { subscriptionStatus: 'active', subscriptionStatuses: ['active'] } })
    expect((await run({ activity: ['Signed in'] }, 'api:track')).evaluatedSegments).toEqual([])
    expect(await memberNames(db, pastDue.id)).toEqual(['Rita Reader'])
    expect((await run({ stripe: true }, 'stripe:evt_2')).evaluatedSegments).toEqual([pastDue.id])
    expect(await memberNames(db, pastDue.id)).toEqual([])
    expect((await run(undefined, 'backfill')).evaluatedSegments.sort()).toEqual([pro.id, exporters.id, pastDue.id].sort())
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
