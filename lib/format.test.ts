import { expect, test } from 'vitest'
import { formatCount, formatDuration } from './format'

test.each([
  [0.4, 'under a second'],
  [1, '1 s'],
  [59.4, '59 s'],
  [125, '2 min 5 s'],
  [7800, '2 h 10 min'],
])('%s seconds read "%s"', (seconds, text) => {
  expect(formatDuration(seconds)).toBe(text)
})

test('counts group thousands', () => {
  expect(formatCount(1234567)).toBe('1,234,567')
})
