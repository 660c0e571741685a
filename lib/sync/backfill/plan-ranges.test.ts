import { describe, expect, test } from 'vitest'
import { estimateCount, planRanges, refineExpected } from './plan-ranges'

const DAY = 86_400
const page = (count: number, newest: number, oldest: number, hasMore = true) => ({ count, newest, oldest, hasMore })

describe('planRanges', () => {
  test('a type that fits on its first page is one range and nothing more to fetch', () => {
    expect(planRanges({ firstPage: page(42, 1_000_000, 900_000, false), lowerBound: 0 })).toEqual([{ start: null, end: null, expected: 42 }])
  })

  test('100 objects per day over 400 days ≈ 40,000 objects → 8 ranges (the cap), contiguous, open at both ends', () => {
    const top = 400 * DAY
    const ranges = planRanges({ firstPage: page(100, top + DAY, top), lowerBound: 0 })
    expect(ranges).toHaveLength(8)
    expect(ranges[0]?.start).toBeNull()
    expect(ranges.at(-1)?.end).toBeNull()
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.start).toBe(ranges[i - 1]?.end)
    // Every boundary lies below the first page, so the newest range continues from its cursor.
    for (const r of ranges) if (r.end !== null) expect(r.end).toBeLessThanOrEqual(top)
    expect(ranges.reduce((n, r) => n + r.expected, 0)).toBe(estimateCount({ firstPage: page(100, top + DAY, top), lowerBound: 0 }))
  })

  test('≈ 5,000 objects → 2 ranges of ≥ 2,000: splitting overhead stays ≤ 1 call per 20 pages', () => {
    const ranges = planRanges({ firstPage: page(100, 50 * DAY, 49 * DAY), lowerBound: 0 })
    expect(estimateCount({ firstPage: page(100, 50 * DAY, 49 * DAY), lowerBound: 0 })).toBe(5000)
    expect(ranges).toHaveLength(2)
  })

  test('a first page all in one second does not divide by zero', () => {
    const ranges = planRanges({ firstPage: page(100, 5000, 5000), lowerBound: 0 })
    expect(ranges.length).toBeGreaterThanOrEqual(1)
    expect(ranges.every((r) => Number.isFinite(r.expected))).toBe(true)
  })

  test('a lower bound above the first page (an odd guess) gives one range, never an empty interval', () => {
    expect(planRanges({ firstPage: page(100, 2000, 1000), lowerBound: 1500 })).toEqual([{ start: null, end: null, expected: 100 }])
  })
})

describe('refineExpected', () => {
  test('300 fetched over the newest 3 days of a 10-day range → 1,000 expected', () => {
    expect(refineExpected({ fetched: 300, isDone: false, rangeStart: 0, rangeTop: 10 * DAY, oldestSeen: 7 * DAY, previous: 500 })).toBe(1000)
  })
  test('done → exactly what was fetched; not done → never claims done', () => {
    expect(refineExpected({ fetched: 300, isDone: true, rangeStart: 0, rangeTop: 10, oldestSeen: 0, previous: 5000 })).toBe(300)
    expect(refineExpected({ fetched: 300, isDone: false, rangeStart: 0, rangeTop: 10, oldestSeen: 0, previous: 10 })).toBe(301)
  })
  test('an open-ended oldest range keeps its planned estimate', () => {
    expect(refineExpected({ fetched: 300, isDone: false, rangeStart: null, rangeTop: 10 * DAY, oldestSeen: 9 * DAY, previous: 2000 })).toBe(2000)
  })
})
