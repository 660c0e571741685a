import { describe, expect, test } from 'vitest'
import { cronMatches } from './local-dispatch'

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
