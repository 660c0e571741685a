import { randomUUID } from 'node:crypto'
import { InngestTestEngine } from '@inngest/test'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import { getCanaryResult } from './canary'
import { createInngestClient, inngest, inngestMode } from './client'
import { canaryFannedOut, canaryRequested } from './events'
import { runCanary } from './functions/run-canary'
import { drainLocalRuns, type LocalRunOutcome } from './local-dispatch'
import { resolveInngestMode } from './mode'

// Everything here really executes through the SDK: events go through `inngest.send()`, the
// in-process dispatch runs the functions with the SDK's execution engine, nothing is mocked.

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)

beforeAll(() => {
  // The suite is only meaningful through the local dispatch; a CI with Inngest keys would
  // otherwise send to a real server and these assertions would test nothing of ours.
  expect(inngestMode.mode, inngestMode.reason).toBe('local')
  process.on('unhandledRejection', onUnhandled)
  return () => process.off('unhandledRejection', onUnhandled)
})

afterEach(async () => {
  await drainLocalRuns({ timeoutMs: 5_000 })
  expect(unhandled).toEqual([])
})

const byFunction = (outcomes: LocalRunOutcome[], functionId: string) =>
  outcomes.filter((outcome) => outcome.functionId === functionId)

describe('canary through the in-process dispatch', () => {
  test('run-canary runs both steps and its step.sendEvent fan-out runs record-canary', async () => {
    const canaryId = `canary_${randomUUID()}`
    const { ids } = await inngest.send(canaryRequested.create({ canaryId, message: '  hello  churnless canary ' }))
    expect(ids).toHaveLength(1)
    expect(getCanaryResult(canaryId)).toBeUndefined() // send() returns before any run starts

    const outcomes = await drainLocalRuns()

    expect(outcomes.map((o) => [o.functionId, o.status]).sort()).toEqual([
      ['record-canary', 'completed'],
      ['run-canary', 'completed'],
    ])
    const [first] = byFunction(outcomes, 'run-canary')
    expect(first).toMatchObject({
      eventName: 'app/canary.requested',
      eventId: ids[0],
      sentBy: null,
      output: { canaryId, message: 'hello  churnless canary', wordCount: 3 },
    })
    const [second] = byFunction(outcomes, 'record-canary')
    expect(second).toMatchObject({ eventName: 'app/canary.fanned-out', sentBy: 'run-canary' })
    expect(getCanaryResult(canaryId)).toEqual({
      canaryId,
      message: 'hello  churnless canary',
      wordCount: 3,
      requestedEventId: ids[0],
      recordedBy: 'record-canary',
    })
  })

  test('a plain { name, data } payload is validated and dispatched like a typed one', async () => {
    const canaryId = `canary_${randomUUID()}`
    await inngest.send({ name: 'app/canary.requested', data: { canaryId, message: 'one', extra: 'stripped' } })
    const outcomes = await drainLocalRuns()
    expect(outcomes.filter((o) => o.status === 'completed')).toHaveLength(2)
    expect(getCanaryResult(canaryId)).toMatchObject({ canaryId, message: 'one', wordCount: 1 })
  })

  test('concurrent sends each complete their own fan-out', async () => {
    const canaryIds = Array.from({ length: 5 }, () => `canary_${randomUUID()}`)
    await Promise.all(canaryIds.map((canaryId) => inngest.send(canaryRequested.create({ canaryId, message: canaryId }))))
    const outcomes = await drainLocalRuns()
    expect(outcomes).toHaveLength(10)
    expect(outcomes.every((o) => o.status === 'completed')).toBe(true)
    for (const canaryId of canaryIds) expect(getCanaryResult(canaryId)?.message).toBe(canaryId)
  })
})

describe('payload validation', () => {
  test('a sent event with an invalid payload is rejected with a message naming each field', async () => {
    await expect(inngest.send({ name: 'app/canary.requested', data: { canaryId: '', message: 42 } })).rejects.toThrow(
      'Invalid "app/canary.requested" event data — canaryId: canaryId must not be empty; message: Invalid input: expected string, received number',
    )
    expect(await drainLocalRuns()).toEqual([]) // nothing ran
  })

  test('eventType.create() with invalid data is rejected the same way', async () => {
    const invalid = { canaryId: 'c', message: 'x'.repeat(201) }
    await expect(inngest.send(canaryRequested.create(invalid))).rejects.toThrow(
      /Invalid "app\/canary\.requested" event data — message: message must be at most 200 characters/,
    )
  })

  test('an event without a schema is refused', async () => {
    await expect(inngest.send({ name: 'app/canary.unknown', data: {} })).rejects.toThrow(
      'Unknown event "app/canary.unknown": every event needs a zod schema. Add it to eventTypes in inngest/events.ts.',
    )
  })

  test('a received event that bypassed send-side validation is rejected by the trigger schema', async () => {
    const engine = new InngestTestEngine({
      function: runCanary,
      events: [{ name: 'app/canary.requested', data: { canaryId: 'c' } }],
    })
    const { error } = await engine.execute()
    expect(error).toMatchObject({ name: 'EventValidationError', message: expect.stringMatching(/message/) })
  })
})

describe('failures are captured and reported', () => {
  const logged: string[] = []
  const logger = { info: (line: string) => logged.push(line), error: (line: string) => logged.push(line) }
  // A separate client with the same middleware as the app's, serving test-only functions.
  const testClient = createInngestClient({
    id: 'churnless-test',
    mode: resolveInngestMode({}),
    loadFunctions: async () => [failsInStep, succeeds, sleeps, filtered],
    logger,
  })
  const failsInStep = testClient.createFunction(
    { id: 'fails-in-step', triggers: [canaryRequested] },
    async ({ event, step }) =>
      step.run('explode', () => {
        if (event.data.message === 'boom') throw new Error(`exploded on ${event.data.canaryId}`)
        return 'fine'
      }),
  )
  const succeeds = testClient.createFunction(
    { id: 'succeeds', triggers: [canaryRequested] },
    async ({ event }) => event.data.canaryId,
  )
  const sleeps = testClient.createFunction({ id: 'sleeps', triggers: [canaryFannedOut] }, async ({ step }) => {
    await step.sleep('wait-a-day', '1d')
    return 'woke up'
  })
  const filtered = testClient.createFunction(
    { id: 'filtered', triggers: [{ event: 'app/canary.requested', if: 'event.data.message == "fan"' }] },
    async () => 'never runs',
  )

  afterEach(() => {
    logged.length = 0
  })

  test("a failing function's error is returned and logged, other runs of the same event still complete", async () => {
    await testClient.send(canaryRequested.create({ canaryId: 'c-1', message: 'boom' }))
    const outcomes = await drainLocalRuns()

    const [failed] = byFunction(outcomes, 'fails-in-step')
    expect(failed).toMatchObject({ status: 'failed', error: { name: 'Error', message: 'exploded on c-1' } })
    expect(byFunction(outcomes, 'succeeds')).toMatchObject([{ status: 'completed', output: 'c-1' }])
    expect(logged.find((line) => line.includes('✗ fails-in-step'))).toMatch(
      /failed \(no retries in-process\): Error: exploded on c-1/,
    )
    expect(unhandled).toEqual([])
  })

  test('step.sleep fails the run with a message instead of hanging', async () => {
    await testClient.send(
      canaryFannedOut.create({ canaryId: 'c-2', message: 'm', wordCount: 1, requestedEventId: 'e' }),
    )
    const [outcome] = await drainLocalRuns({ timeoutMs: 5_000 })
    expect(outcome).toMatchObject({ functionId: 'sleeps', status: 'failed' })
    expect(outcome?.status === 'failed' && outcome.error.message).toMatch(
      /step\.sleep \/ step\.sleepUntil \("wait-a-day"\) needs an Inngest server.*npm run dev:inngest/,
    )
  })

  test('a trigger with an `if` expression is reported as unsupported, not silently run or skipped', async () => {
    await testClient.send(canaryRequested.create({ canaryId: 'c-3', message: 'fan' }))
    const outcomes = await drainLocalRuns()
    expect(byFunction(outcomes, 'filtered')).toMatchObject([
      { status: 'failed', error: { message: expect.stringMatching(/`if: event\.data\.message == "fan"` cannot be evaluated/) } },
    ])
  })
})
