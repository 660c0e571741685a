import { expect, test } from 'vitest'
import { createBatchDispatcher } from './batch-dispatch'

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('250 events handed off as sends of at most 100, the rest after a few milliseconds, in order', async () => {
  const sends: number[][] = []
  const { dispatch } = createBatchDispatcher<number>({ send: async (events) => void sends.push(events), maxBatch: 100, waitMs: 5 })
  for (let i = 0; i < 250; i++) await dispatch(i)
  expect(sends.map((s) => s.length)).toEqual([100, 100])
  await settle(20)
  expect(sends.map((s) => s.length)).toEqual([100, 100, 50])
  expect(sends.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i))
})

test('a failed send is logged, never thrown at the delivery (the events stay pending for gap repair)', async () => {
  const logged: unknown[] = []
  const { dispatch } = createBatchDispatcher<number>({ send: async () => Promise.reject(new Error('Inngest is down')), waitMs: 1, log: { error: (...args: unknown[]) => logged.push(args) } })
  await expect(dispatch(1)).resolves.toBeUndefined()
  await settle(10)
  expect(String(logged[0])).toContain('stay pending for gap repair')
})
