import { describe, expect, test } from 'vitest'
import { defaultHealthThresholds, type HealthThresholds, healthThresholdsSchema, readHealthThresholds } from './thresholds'

describe('defaultHealthThresholds', () => {
  test('the documented defaults, each valid under the schema', () => {
    expect(defaultHealthThresholds).toEqual({ lagSeconds: 300, throttledPerHour: 20, failedEvents: 25, silenceMinutes: 30 })
    expect(healthThresholdsSchema.parse(defaultHealthThresholds)).toEqual(defaultHealthThresholds)
  })
})

describe('readHealthThresholds: stored JSON → thresholds, invalid or missing values → defaults', () => {
  test.each<[string, unknown, HealthThresholds]>([
    ['nothing stored (null)', null, defaultHealthThresholds],
    ['nothing stored (undefined)', undefined, defaultHealthThresholds],
    ['an empty object', {}, defaultHealthThresholds],
    ['not an object (string)', 'lagSeconds=60', defaultHealthThresholds],
    ['not an object (number)', 60, defaultHealthThresholds],
    ['an array', [60, 5, 3, 10], defaultHealthThresholds],
    ['all valid → kept', { lagSeconds: 60, throttledPerHour: 5, failedEvents: 3, silenceMinutes: 10 }, { lagSeconds: 60, throttledPerHour: 5, failedEvents: 3, silenceMinutes: 10 }],
    ['lowest allowed values → kept', { lagSeconds: 5, throttledPerHour: 1, failedEvents: 1, silenceMinutes: 5 }, { lagSeconds: 5, throttledPerHour: 1, failedEvents: 1, silenceMinutes: 5 }],
    [
      'highest allowed values → kept',
      { lagSeconds: 86_400, throttledPerHour: 100_000, failedEvents: 100_000, silenceMinutes: 10_080 },
      { lagSeconds: 86_400, throttledPerHour: 100_000, failedEvents: 100_000, silenceMinutes: 10_080 },
    ],
    ['one below the lowest → defaults', { lagSeconds: 4, throttledPerHour: 0, failedEvents: 0, silenceMinutes: 4 }, defaultHealthThresholds],
    ['one above the highest → defaults', { lagSeconds: 86_401, throttledPerHour: 100_001, failedEvents: 100_001, silenceMinutes: 10_081 }, defaultHealthThresholds],
    ['fractions → defaults', { lagSeconds: 60.5, throttledPerHour: 1.5, failedEvents: 2.5, silenceMinutes: 10.5 }, defaultHealthThresholds],
    ['negative → defaults', { lagSeconds: -60, throttledPerHour: -1, failedEvents: -1, silenceMinutes: -10 }, defaultHealthThresholds],
    ['non-numeric text and null → defaults', { lagSeconds: 'soon', throttledPerHour: null, failedEvents: 'many', silenceMinutes: {} }, defaultHealthThresholds],
    ['mixed: each invalid one replaced, each valid one kept', { lagSeconds: 2, throttledPerHour: 7, failedEvents: 'x', silenceMinutes: 60 }, { lagSeconds: 300, throttledPerHour: 7, failedEvents: 25, silenceMinutes: 60 }],
    ['partial: missing ones → defaults', { failedEvents: 10 }, { lagSeconds: 300, throttledPerHour: 20, failedEvents: 10, silenceMinutes: 30 }],
    ['numeric strings (as a form sends them) → numbers', { lagSeconds: '120', silenceMinutes: '45' }, { lagSeconds: 120, throttledPerHour: 20, failedEvents: 25, silenceMinutes: 45 }],
    ['unknown keys are dropped', { lagSeconds: 60, retired: 1 }, { lagSeconds: 60, throttledPerHour: 20, failedEvents: 25, silenceMinutes: 30 }],
  ])('%s', (_name, stored, expected) => {
    expect(readHealthThresholds(stored)).toEqual(expected)
  })

  test('never hands back the shared default object (callers may not mutate it by accident)', () => {
    const read = readHealthThresholds(null)
    expect(read).not.toBe(defaultHealthThresholds)
    read.lagSeconds = 1
    expect(defaultHealthThresholds.lagSeconds).toBe(300)
  })
})

describe('healthThresholdsSchema: what an admin reads for bad input', () => {
  const valid = { lagSeconds: 60, throttledPerHour: 5, failedEvents: 3, silenceMinutes: 10 }
  const issuesOf = (input: Record<string, unknown>) => {
    const parsed = healthThresholdsSchema.safeParse({ ...valid, ...input })
    return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message])
  }

  test.each<[string, Record<string, unknown>, string]>([
    ['lagSeconds 2', { lagSeconds: 2 }, 'Use at least 5 seconds.'],
    ['lagSeconds 4', { lagSeconds: 4 }, 'Use at least 5 seconds.'],
    ['lagSeconds 86,401', { lagSeconds: 86_401 }, 'Use at most a day (86,400 seconds).'],
    ['lagSeconds 7.5', { lagSeconds: 7.5 }, 'Use whole seconds.'],
    ['lagSeconds empty', { lagSeconds: '' }, 'Use at least 5 seconds.'],
    ['throttledPerHour 0', { throttledPerHour: 0 }, 'Use at least 1.'],
    ['throttledPerHour 100,001', { throttledPerHour: 100_001 }, 'Use at most 100,000.'],
    ['throttledPerHour 1.5', { throttledPerHour: 1.5 }, 'Use a whole number.'],
    ['failedEvents 0', { failedEvents: 0 }, 'Use at least 1.'],
    ['failedEvents 100,001', { failedEvents: 100_001 }, 'Use at most 100,000.'],
    ['failedEvents 2.5', { failedEvents: '2.5' }, 'Use a whole number.'],
    ['silenceMinutes 4', { silenceMinutes: 4 }, 'Use at least 5 minutes.'],
    ['silenceMinutes 10,081', { silenceMinutes: 10_081 }, 'Use at most a week (10,080 minutes).'],
    ['silenceMinutes 12.5', { silenceMinutes: 12.5 }, 'Use whole minutes.'],
  ])('%s → %s', (_name, input, message) => {
    const [field] = Object.keys(input)
    expect(issuesOf(input)).toEqual([[field, message]])
  })

  test('every bad field is reported at once, each with its own message', () => {
    expect(issuesOf({ lagSeconds: 2, throttledPerHour: 0, failedEvents: 1.5, silenceMinutes: 99_999 })).toEqual([
      ['lagSeconds', 'Use at least 5 seconds.'],
      ['throttledPerHour', 'Use at least 1.'],
      ['failedEvents', 'Use a whole number.'],
      ['silenceMinutes', 'Use at most a week (10,080 minutes).'],
    ])
  })

  test('form strings parse to numbers; boundaries are accepted', () => {
    expect(healthThresholdsSchema.parse({ lagSeconds: '5', throttledPerHour: '1', failedEvents: '100000', silenceMinutes: '10080' })).toEqual({
      lagSeconds: 5,
      throttledPerHour: 1,
      failedEvents: 100_000,
      silenceMinutes: 10_080,
    })
  })
})
