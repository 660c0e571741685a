import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { signUp } from '../workspaces/sign-up'
import { createApiKey, revokeApiKey } from './api-keys'
import { withApiKey } from './api-route'
import { createRateLimiter } from './rate-limit'
import { batchSchema, identify, identifySchema, ingestBatch, track, trackSchema } from './ingest'

// The activity API (F16) through its real wrapper (bearer key, rate limit, zod, errors) on a real database.

async function workspaceWithKey() {
  const { workspaceId, userId } = await signUp(db, { name: 'Ana', email: `ana-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const { key, apiKey } = await createApiKey(db, { workspaceId, userId, name: 'Test' })
  return { workspaceId, key, keyId: apiKey.id }
}
const trackRoute = withApiKey(() => ({ db }), trackSchema, async ({ db, workspaceId, body, now }) => track(db, { workspaceId, input: body, now }))
const identifyRoute = withApiKey(() => ({ db }), identifySchema, async ({ db, workspaceId, body }) => identify(db, { workspaceId, input: body }))
const batchRoute = withApiKey(() => ({ db }), batchSchema, async ({ db, workspaceId, body, now }) => ingestBatch(db, { workspaceId, items: body.batch, now }))
const call = (route: (r: Request) => Promise<Response>, key: string | null, body: unknown) =>
  route(new Request('http://localhost/api/v1/x', { method: 'POST', headers: { ...(key && { authorization: `Bearer ${key}` }) }, body: JSON.stringify(body) }))

describe('activity API (F16)', () => {
  test('identify creates a contact by email with custom attributes; track adds an event and moves last activity forward only', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const email = `user-${randomUUID()}@example.com`
    const id = await call(identifyRoute, key, { email: ` ${email.toUpperCase()} `, userId: 'u_1', attributes: { plan_seats: 5, beta: true } })
    expect(id.status).toBe(200)
    const contact = await db.contact.findFirstOrThrow({ where: { workspaceId, email } })
    expect(contact).toMatchObject({ externalId: 'u_1', customAttributes: { plan_seats: 5, beta: true } })
    expect((await call(trackRoute, key, { userId: 'u_1', event: 'Signed in', timestamp: '2026-03-02T10:00:00Z', messageId: 'm1' })).status).toBe(200)
    expect((await call(trackRoute, key, { email, event: 'Old event', timestamp: '2026-01-01T00:00:00Z' })).status).toBe(200)
    const after = await db.contact.findUniqueOrThrow({ where: { id: contact.id } })
    expect(after.lastActivityAt?.toISOString()).toBe('2026-03-02T10:00:00.000Z')
    // The same messageId again: no second event.
    const dup = await call(trackRoute, key, { userId: 'u_1', event: 'Signed in', timestamp: '2026-03-02T10:00:00Z', messageId: 'm1' })
    expect(await dup.json()).toMatchObject({ duplicate: true })
    expect(await db.activityEvent.count({ where: { contactId: contact.id } })).toBe(2)
  })

  test('precise 4xx: which item, which field; no key, a bad key, a revoked key → 401', async () => {
    const { workspaceId, key, keyId } = await workspaceWithKey()
    const bad = await call(batchRoute, key, { batch: [{ type: 'track', email: 'a@example.com', event: 'x' }, { type: 'identify', email: 'not-an-email' }] })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_input', message: 'batch.1.email: email is not a valid email address' } })
    const tooMany = await call(batchRoute, key, { batch: Array.from({ length: 501 }, () => ({ type: 'track', email: 'a@example.com', event: 'x' })) })
    expect(((await tooMany.json()) as { error: { message: string } }).error.message).toMatch(/at most 500/)
    const noIdentity = await call(trackRoute, key, { event: 'x' })
    expect(((await noIdentity.json()) as { error: { message: string } }).error.message).toBe('email: send email or userId so we know which contact this is')
    expect(await db.activityEvent.count({ where: { workspaceId } })).toBe(0)
    expect((await call(trackRoute, null, { email: 'a@example.com', event: 'x' })).status).toBe(401)
    expect((await call(trackRoute, 'chk_nope', { email: 'a@example.com', event: 'x' })).status).toBe(401)
    await revokeApiKey(db, { workspaceId, keyId })
    expect((await call(trackRoute, key, { email: 'a@example.com', event: 'x' })).status).toBe(401)
  })

  test('batch of 500 is accepted; the per-key limit answers 429 with Retry-After', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const res = await call(batchRoute, key, { batch: Array.from({ length: 500 }, (_, i) => ({ type: 'track', userId: `u${i % 50}`, event: 'Viewed page', messageId: `b${i}` })) })
    expect(res.status).toBe(200)
    expect(await db.activityEvent.count({ where: { workspaceId } })).toBe(500)
    // A tight limit and a stopped clock: the 4th call in the same instant is refused, before validation.
    const at = new Date('2026-03-01T00:00:00Z')
    const limiter = createRateLimiter({ ratePerSecond: 0.5, burst: 3 })
    const limited = withApiKey(() => ({ db, now: () => at, limiter }), trackSchema, async () => ({ ok: true }))
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await call(limited, key, { email: 'a@example.com', event: 'x' })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await call(limited, key, { email: 'a@example.com', event: 'x' })
    expect(refused.headers.get('retry-after')).toBe('2')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited')
  })

  test('identify is idempotent by messageId: a replayed older identify does not revert attributes a newer one set', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const email = `plan-${randomUUID()}@example.com`
    expect((await call(identifyRoute, key, { email, messageId: 'id-1', attributes: { plan: 'starter' } })).status).toBe(200)
    expect((await call(identifyRoute, key, { email, messageId: 'id-2', attributes: { plan: 'pro' } })).status).toBe(200)
    const replay = await call(identifyRoute, key, { email, messageId: 'id-1', attributes: { plan: 'starter' } })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ duplicate: true })
    expect((await db.contact.findFirstOrThrow({ where: { workspaceId, email } })).customAttributes).toEqual({ plan: 'pro' })
    // Another workspace may use the same messageId.
    const other = await workspaceWithKey()
    expect(await (await call(identifyRoute, other.key, { email, messageId: 'id-1', attributes: { plan: 'starter' } })).json()).toMatchObject({ duplicate: false })
  })

  test('concurrent calls for a new userId (no email) create one contact', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i % 2 ? trackRoute : identifyRoute, key, i % 2 ? { userId: 'u_race', event: 'Opened app' } : { userId: 'u_race', attributes: { n: i } })))
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200))
    expect(await db.contact.count({ where: { workspaceId, externalId: 'u_race' } })).toBe(1)
    expect(await db.activityEvent.count({ where: { workspaceId } })).toBe(6)
  })

  test('a timestamp more than 5 minutes ahead is refused with a 400 naming it, before anything is written; 2 minutes ahead (clock skew) is accepted', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const at = new Date('2026-03-01T12:00:00Z')
    const clocked = <B,>(schema: Parameters<typeof withApiKey<B>>[1], handler: Parameters<typeof withApiKey<B>>[2]) => withApiKey(() => ({ db, now: () => at }), schema, handler)
    const trackAt = clocked(trackSchema, async ({ db, workspaceId, body, now }) => track(db, { workspaceId, input: body, now }))
    const batchAt = clocked(batchSchema, async ({ db, workspaceId, body, now }) => ingestBatch(db, { workspaceId, items: body.batch, now }))
    const ahead = await call(trackAt, key, { userId: 'u_future', event: 'Signed in', timestamp: '2026-03-01T13:00:00Z' })
    expect(ahead.status).toBe(400)
    expect(((await ahead.json()) as { error: { message: string } }).error.message).toMatch(/^timestamp: timestamp 2026-03-01T13:00:00Z is more than 5 minutes in the future/)
    const batch = await call(batchAt, key, { batch: [{ type: 'track', userId: 'u_future', event: 'ok' }, { type: 'track', userId: 'u_future', event: 'late', timestamp: '2026-03-02T00:00:00+02:00' }] })
    expect(batch.status).toBe(400)
    expect(((await batch.json()) as { error: { message: string } }).error.message).toMatch(/^batch\.1\.timestamp: /)
    expect(await db.activityEvent.count({ where: { workspaceId } })).toBe(0)
    expect(await db.contact.count({ where: { workspaceId, externalId: 'u_future' } })).toBe(0)
    expect((await call(trackAt, key, { userId: 'u_future', event: 'Signed in', timestamp: '2026-03-01T12:02:00Z' })).status).toBe(200)
    expect((await db.contact.findFirstOrThrow({ where: { workspaceId, externalId: 'u_future' } })).lastActivityAt?.toISOString()).toBe('2026-03-01T12:02:00.000Z')
  })

  test('a batch: identify items in order, track items written together; last activity is each contact’s latest; a messageId repeated in the batch counts once', async () => {
    const { workspaceId, key } = await workspaceWithKey()
    const email = `mixed-${randomUUID()}@example.com`
    const res = await call(batchRoute, key, {
      batch: [
        { type: 'identify', email, userId: 'u_mix', attributes: { seats: 1 } },
        { type: 'track', userId: 'u_mix', event: 'A', timestamp: '2026-02-01T00:00:00Z', messageId: 'x1' },
        { type: 'track', email, event: 'B', timestamp: '2026-02-03T00:00:00Z' },
        { type: 'track', userId: 'u_mix', event: 'A again', timestamp: '2026-02-05T00:00:00Z', messageId: 'x1' },
        { type: 'identify', email, attributes: { seats: 2 } },
        { type: 'track', userId: 'u_other', event: 'C', timestamp: '2026-02-02T00:00:00Z' },
      ],
    })
    expect(res.status).toBe(200)
    const results = (await res.json()) as { index: number; type: string; duplicate: boolean }[]
    expect(results.map((r) => [r.index, r.type, r.duplicate])).toEqual([
      [0, 'identify', false],
      [1, 'track', false],
      [2, 'track', false],
      [3, 'track', true],
      [4, 'identify', false],
      [5, 'track', false],
    ])
    const contact = await db.contact.findFirstOrThrow({ where: { workspaceId, email } })
    expect(contact).toMatchObject({ externalId: 'u_mix', customAttributes: { seats: 2 } })
    expect(contact.lastActivityAt?.toISOString()).toBe('2026-02-03T00:00:00.000Z')
    expect((await db.activityEvent.findMany({ where: { contactId: contact.id }, orderBy: { occurredAt: 'asc' } })).map((e) => e.name)).toEqual(['A', 'B'])
    expect((await db.contact.findFirstOrThrow({ where: { workspaceId, externalId: 'u_other' } })).lastActivityAt?.toISOString()).toBe('2026-02-02T00:00:00.000Z')
  })
})
