import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { createInngestClient } from './client'
import { canaryRequested } from './events'
import { cronMatches, drainLocalRuns, evaluateConcurrencyKey } from './local-dispatch'
import { resolveInngestMode } from './mode'

// The in-process dispatch's cron matching (UTC), over the expressions our functions use and
// the forms Inngest accepts.
describe('cronMatches', () => {
  const at = (iso: string) => new Date(iso)
  test.each([
    ['*/5 * * * *', '2026-11-22T10:05:00Z', true],
    ['*/5 * * * *', '2026-11-22T10:07:00Z', false],
    ['*/15 * * * *', '2026-11-22T10:45:30Z', true],
    ['*/10 * * * *', '2026-11-22T10:00:00Z', true],
    ['0 * * * *', '2026-11-22T10:00:00Z', true],
    ['0 * * * *', '2026-11-22T10:01:00Z', false],
    ['30 9 * * 1-5', '2026-11-23T09:30:00Z', true], // Monday
    ['30 9 * * 1-5', '2026-11-22T09:30:00Z', false], // Sunday
    ['0 0 1 * *', '2026-12-01T00:00:00Z', true],
    ['0 0 1,15 * *', '2026-11-15T00:00:00Z', true],
    ['0 0 1,15 * *', '2026-11-14T00:00:00Z', false],
    ['10-20/5 * * * *', '2026-11-22T10:15:00Z', true],
    ['10-20/5 * * * *', '2026-11-22T10:25:00Z', false],
    ['5/20 * * * *', '2026-11-22T10:45:00Z', true],
  ])('%s at %s → %s', (expression, iso, expected) => {
    expect(cronMatches(expression, at(iso))).toBe(expected)
  })

  test('an expression it cannot read is refused with a message', () => {
    expect(() => cronMatches('*/5 * * *', new Date())).toThrow('needs five fields')
    expect(() => cronMatches('L * * * *', new Date())).toThrow('not supported')
  })
})

describe('concurrency in the in-process dispatch', () => {
  test.each([
    ['event.data.connectionId', { connectionId: 'c1' }, 'c1'],
    ['event.data.connectionId + "/" + event.data.customerKey', { connectionId: 'c1', customerKey: 'cus_9' }, 'c1/cus_9'],
    ["event.data.a.b + '-'", { a: { b: 7 } }, '7-'],
    ['event.data.missing', {}, ''],
  ])('key %s of %j → %s', (expression, data, expected) => {
    expect(evaluateConcurrencyKey(expression, { data })).toBe(expected)
  })

  test('an expression it cannot evaluate is refused with a message', () => {
    expect(() => evaluateConcurrencyKey('event.data.a == 1', { data: {} })).toThrow('not supported by the in-process dispatch')
  })

  test('runs sharing a key wait for each other; other keys run alongside', async () => {
    const running = new Map<string, number>()
    const peak = new Map<string, number>()
    let peakOverall = 0
    let overall = 0
    const client = createInngestClient({ id: 'churnless-concurrency-test', mode: resolveInngestMode({}), loadFunctions: async () => [keyed], logger: { info: () => {}, error: () => {} } })
    const keyed = client.createFunction({ id: 'keyed', triggers: [canaryRequested], concurrency: [{ key: 'event.data.message', limit: 1 }] }, async ({ event, step }) =>
      step.run('work', async () => {
        const key = event.data.message
        running.set(key, (running.get(key) ?? 0) + 1)
        overall += 1
        peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key)!))
        peakOverall = Math.max(peakOverall, overall)
        await new Promise((resolve) => setTimeout(resolve, 20))
        running.set(key, running.get(key)! - 1)
        overall -= 1
        return key
      }),
    )
    const events = ['a', 'a', 'a', 'b', 'b', 'c'].map((message) => canaryRequested.create({ canaryId: `c_${randomUUID()}`, message }))
    await client.send(events)
    const outcomes = await drainLocalRuns({ timeoutMs: 10_000 })
    expect(outcomes.filter((o) => o.functionId.endsWith('keyed') && o.status === 'completed')).toHaveLength(6)
    expect(Object.fromEntries(peak)).toEqual({ a: 1, b: 1, c: 1 })
    // Three keys, each limited to one: never more than three at once, and more than one did run together.
    expect(peakOverall).toBe(3)
  })
})
