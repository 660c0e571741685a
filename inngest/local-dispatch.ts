import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { type EventPayload, type InngestFunction, Middleware, NonRetriableError } from 'inngest'
import { intSetting } from '@/lib/env'

// In-process dispatch: when no Inngest server is configured (mode.ts), every event sent with
// `inngest.send()` or `step.sendEvent()` runs the matching functions inside this process through
// `@inngest/test`'s InngestTestEngine, i.e. the SDK's own execution engine: step bodies really
// run, with the same memoization and replay as under Inngest. Flow control it does have:
// functions' `concurrency` limits (keyed by `event.data` paths) and a cap on runs in flight in
// the process, so a burst of events queues instead of starving the web server. What it does
// not have, by design: retries, durability, throttle, rate limit, debounce, batching,
// idempotency, `if` trigger expressions, sleeps, waits and invokes. Cron triggers run from a
// minute timer in this process (startLocalSchedules, below); a failed run's `onFailure` handler
// runs at once, since without retries its first failure is final. The startup banner
// (mode.ts) says so; the refusal to run in production without an explicit opt-in lives there too.
//
// Invariants:
// - `send()` resolves before any run starts (as with Inngest, which only accepts the event).
// - Every run is tracked until it settles, so `drainLocalRuns()` can await all of them,
//   including runs started by events that other runs send (nested fan-out).
// - A run never rejects: its error is logged and returned as a `failed` outcome.

export type LocalRunError = { name: string; message: string; stack?: string }

type LocalRunBase = {
  runId: string
  functionId: string
  eventName: string
  eventId: string
  /** The function whose `step.sendEvent` started this run, if any. */
  sentBy: string | null
  durationMs: number
}

export type LocalRunOutcome =
  | (LocalRunBase & { status: 'completed'; output: unknown })
  | (LocalRunBase & { status: 'failed'; error: LocalRunError })

export type LoadFunctions = () => Promise<readonly InngestFunction.Any[]>

export type LocalDispatchLogger = Pick<Console, 'info' | 'error'>

type InFlightRun = { functionId: string; eventName: string; startedAt: number; settled: Promise<LocalRunOutcome> }

// Held on globalThis: Next.js dev may evaluate this module more than once (one copy per
// bundle), and a drain must see the runs of every copy. Settled outcomes wait in `unclaimed`
// for the next drain; capped so a long-running dev server that never drains stays bounded.
const UNCLAIMED_CAP = 1_000
type Registry = { inFlight: Map<string, InFlightRun>; unclaimed: LocalRunOutcome[] }
const holder = globalThis as typeof globalThis & { __churnlessLocalRuns?: Registry }
holder.__churnlessLocalRuns ??= { inFlight: new Map(), unclaimed: [] }
const registry = holder.__churnlessLocalRuns

// Step kinds that only an Inngest server can complete (it resumes the run later, or makes the
// call itself). Under the test engine they never resolve and the run would hang silently.
const UNSUPPORTED_STEPS: Record<string, string> = {
  sleep: 'step.sleep / step.sleepUntil',
  waitForEvent: 'step.waitForEvent',
  waitForSignal: 'step.waitForSignal',
  invoke: 'step.invoke',
  fetch: 'step.fetch',
  'ai.infer': 'step.ai.infer',
}

export function createLocalDispatchMiddleware({
  loadFunctions,
  logger = console,
}: {
  /** The same list `serve()` gets. A function, so the list can be imported lazily (see client.ts). */
  loadFunctions: LoadFunctions
  logger?: LocalDispatchLogger
}): Middleware.Class {
  return class LocalDispatchMiddleware extends Middleware.BaseMiddleware {
    readonly id = 'churnless:local-dispatch'

    // Replaces the HTTP call to Inngest: `next()` is deliberately never called.
    override async wrapSendEvent({ events, fn }: Middleware.WrapSendEventArgs) {
      const functions = await loadFunctions()
      const sentBy = fn ? fn.id() : null
      const ids: string[] = []
      for (const sent of events) {
        const eventId = sent.id ?? randomUUID()
        ids.push(eventId)
        // Through JSON, as over the wire: functions see exactly what Inngest would hand them.
        const received = JSON.parse(JSON.stringify({ ...sent, id: eventId, ts: sent.ts ?? Date.now() })) as EventPayload
        for (const target of functions) {
          const trigger = findTrigger(target, sent.name)
          if (trigger) startRun({ target, trigger, event: received, sentBy, logger })
        }
      }
      return { ids }
    }

    // Sees every step when the engine discovers it, before it is reported to a server: the
    // place to fail a run that would otherwise wait forever for a server to resume it.
    override transformStepInput(arg: Middleware.TransformStepInputArgs): Middleware.TransformStepInputArgs {
      const unsupported = UNSUPPORTED_STEPS[String(arg.stepInfo.stepType)]
      if (unsupported) {
        throw new NonRetriableError(
          `${unsupported} ("${arg.stepOptions.id}") needs an Inngest server; the in-process dispatch cannot ` +
            'resume a run later. Run `npm run dev:inngest` and start the app with INNGEST_DEV=1.',
        )
      }
      return arg
    }
  }
}

/**
 * Waits until no local run is in flight (runs started meanwhile by fan-out included) and
 * returns the outcomes settled since the previous drain. Rejects if runs are still going after
 * `timeoutMs`, naming them. Use it in tests after sending, and on graceful shutdown.
 */
export async function drainLocalRuns({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<LocalRunOutcome[]> {
  const deadline = Date.now() + timeoutMs
  while (registry.inFlight.size > 0) {
    const pending = [...registry.inFlight.values()].map((run) => run.settled)
    const remaining = deadline - Date.now()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      Promise.all(pending).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), Math.max(remaining, 0))
      }),
    ])
    clearTimeout(timer)
    if (timedOut) {
      const stuck = [...registry.inFlight.values()]
        .map((run) => `${run.functionId} (${run.eventName}, running ${Date.now() - run.startedAt} ms)`)
        .join(', ')
      throw new Error(`Local Inngest runs still in flight after ${timeoutMs} ms: ${stuck}`)
    }
  }
  return registry.unclaimed.splice(0)
}

type Trigger = { event?: unknown; if?: string }

function findTrigger(fn: InngestFunction.Any, eventName: string): Trigger | undefined {
  const triggers = (fn.opts.triggers ?? []) as Trigger[]
  return triggers.find((trigger) => {
    // `{ event: 'name' }`, `{ event: eventType(...) }` and a bare `eventType(...)` (whose
    // `event` is its name) all end up here; cron triggers have no `event`.
    const name =
      typeof trigger.event === 'string' ? trigger.event : (trigger.event as { name?: string } | undefined)?.name
    if (!name) return false
    return name === eventName || (name.endsWith('*') && eventName.startsWith(name.slice(0, -1)))
  })
}

function startRun({
  target,
  trigger,
  event,
  sentBy,
  logger,
  extendCtx,
}: {
  target: InngestFunction.Any
  trigger: Trigger
  event: EventPayload
  sentBy: string | null
  logger: LocalDispatchLogger
  /** Extra handler arguments (the `error` of a failure handler). */
  extendCtx?: Record<string, unknown>
}) {
  const runId = randomUUID()
  const functionId = target.id()
  const base = { runId, functionId, eventName: event.name, eventId: event.id ?? runId, sentBy }
  const startedAt = Date.now()

  const settled = (async (): Promise<LocalRunOutcome> => {
    // Let `send()` return first, as it would with an Inngest server.
    await new Promise<void>((resolve) => setImmediate(resolve))
    let release = () => {}
    try {
      release = await acquireSlots(target, event)
      if (trigger.if) {
        throw new Error(
          `trigger condition \`if: ${trigger.if}\` cannot be evaluated by the in-process dispatch; use a real Inngest (npm run dev:inngest)`,
        )
      }
      // Loaded on first use so deployments with an Inngest server never load the test engine.
      const { InngestTestEngine } = await import('@inngest/test')
      const engine = new InngestTestEngine({
        function: target,
        events: [event],
        // The default wraps every step tool in a recording spy; we want the plain tools.
        transformCtx: (ctx) => (extendCtx ? { ...ctx, ...extendCtx } : ctx),
      })
      const run = await engine.execute()
      if (run.error !== undefined) return { ...base, durationMs: Date.now() - startedAt, status: 'failed', error: toRunError(run.error) }
      return { ...base, durationMs: Date.now() - startedAt, status: 'completed', output: run.result }
    } catch (error) {
      return { ...base, durationMs: Date.now() - startedAt, status: 'failed', error: toRunError(error) }
    } finally {
      release()
    }
  })().then((outcome) => {
    report(outcome, logger)
    // Registered before this run leaves the registry, so a drain also waits for the handler.
    if (outcome.status === 'failed') startFailureHandler({ target, event, outcome, logger })
    registry.inFlight.delete(runId)
    registry.unclaimed.push(outcome)
    if (registry.unclaimed.length > UNCLAIMED_CAP) registry.unclaimed.splice(0, registry.unclaimed.length - UNCLAIMED_CAP)
    return outcome
  })

  registry.inFlight.set(runId, { functionId, eventName: event.name, startedAt, settled })
}

/**
 * With no retries in-process, a failed run has failed for good: its `onFailure` handler runs now,
 * as Inngest runs it once retries are exhausted: a function of its own (id `<id>-failure`)
 * triggered by `inngest/function.failed`, whose data carries the error and the original event,
 * and `error` among the handler's arguments.
 */
function startFailureHandler({ target, event, outcome, logger }: { target: InngestFunction.Any; event: EventPayload; outcome: LocalRunOutcome & { status: 'failed' }; logger: LocalDispatchLogger }) {
  const onFailure = (target.opts as { onFailure?: unknown }).onFailure
  if (typeof onFailure !== 'function' || event.name === 'inngest/function.failed') return
  // biome-ignore lint/complexity/useLiteralKeys: `client` is not public in the SDK's types.
  const client = target['client'] as { createFunction: (opts: unknown, handler: unknown) => InngestFunction.Any }
  const handler = client.createFunction({ id: `${target.id()}-failure`, triggers: [{ event: 'inngest/function.failed' }] }, onFailure)
  const failed = {
    name: 'inngest/function.failed',
    id: randomUUID(),
    ts: Date.now(),
    data: { function_id: target.id(), run_id: outcome.runId, error: outcome.error, event },
  } as EventPayload
  const error = Object.assign(new Error(outcome.error.message), { name: outcome.error.name })
  startRun({ target: handler, trigger: {}, event: failed, sentBy: target.id(), logger, extendCtx: { error } })
}

// --- flow control ---------------------------------------------------------------------------------

/** Runs in flight in this process at most (INNGEST_LOCAL_CONCURRENCY overrides). */
const maxRunsInFlight = intSetting('INNGEST_LOCAL_CONCURRENCY', 8)

// Foreground first: runs share the web server's event loop, so while requests keep it busy
// (mean event-loop delay above BUSY_LOOP_DELAY_MS over the last quarter second) only one run
// goes at a time. A burst of webhooks is acknowledged at once and processed as the load
// allows; the events are stored as pending meanwhile, so nothing waits on memory alone.
const BUSY_LOOP_DELAY_MS = 15
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
let isLoopBusy = false
let loopWatch: NodeJS.Timeout | undefined
function watchLoop() {
  if (loopWatch) return
  loopDelay.enable()
  loopWatch = setInterval(() => {
    isLoopBusy = loopDelay.mean / 1e6 > BUSY_LOOP_DELAY_MS
    loopDelay.reset()
    if (!isLoopBusy) refill('process', maxRunsInFlight)
  }, 250)
  loopWatch.unref?.()
}
const processLimit = () => (isLoopBusy ? 1 : maxRunsInFlight)

/** A counting semaphore with a FIFO queue. */
type Slots = { active: number; waiting: (() => void)[] }
const slotsByKey = new Map<string, Slots>()

async function take(key: string, limit: number): Promise<void> {
  let slots = slotsByKey.get(key)
  if (!slots) {
    slots = { active: 0, waiting: [] }
    slotsByKey.set(key, slots)
  }
  if (slots.active < limit) {
    slots.active += 1
    return
  }
  const queue = slots.waiting
  await new Promise<void>((resolve) => queue.push(resolve))
}

function give(key: string, limit: number) {
  const slots = slotsByKey.get(key)
  if (!slots) return
  // The slot passes straight to the next waiter unless the limit has shrunk meanwhile; an idle
  // key is forgotten.
  const next = slots.active <= limit ? slots.waiting.shift() : undefined
  if (next) next()
  else if (--slots.active === 0 && slots.waiting.length === 0) slotsByKey.delete(key)
}

/** Lets waiters in up to a limit that has grown. */
function refill(key: string, limit: number) {
  const slots = slotsByKey.get(key)
  while (slots && slots.active < limit && slots.waiting.length) {
    slots.active += 1
    slots.waiting.shift()?.()
  }
}

type ConcurrencyRule = { key?: string; limit: number }

/**
 * The value of a concurrency key expression for an event: `event.data.a.b` paths and string
 * literals joined by `+` (what our functions use). Anything else is refused, loudly, at the
 * first run, rather than silently ignored.
 */
export function evaluateConcurrencyKey(expression: string, event: { data?: unknown }): string {
  return expression
    .split('+')
    .map((part) => part.trim())
    .map((part) => {
      const literal = /^"([^"]*)"$|^'([^']*)'$/.exec(part)
      if (literal) return literal[1] ?? literal[2] ?? ''
      if (!/^event\.data(\.[A-Za-z_$][\w$]*)+$/.test(part)) {
        throw new Error(`Concurrency key \`${expression}\` is not supported by the in-process dispatch: use event.data paths and string literals joined by +.`)
      }
      let value: unknown = event.data
      for (const name of part.split('.').slice(2)) value = (value as Record<string, unknown> | undefined)?.[name]
      return value === undefined || value === null ? '' : String(value)
    })
    .join('')
}

/** Waits for the function's concurrency slots (per key), then one of the process's; returns the release. */
async function acquireSlots(target: InngestFunction.Any, event: EventPayload): Promise<() => void> {
  const configured = (target.opts as { concurrency?: ConcurrencyRule | ConcurrencyRule[] | number }).concurrency
  const rules: ConcurrencyRule[] = configured === undefined ? [] : typeof configured === 'number' ? [{ limit: configured }] : Array.isArray(configured) ? configured : [configured]
  watchLoop()
  const held: { key: string; limit: () => number }[] = []
  const release = () => {
    for (const { key, limit } of held.reverse()) give(key, limit())
  }
  try {
    for (const [i, rule] of rules.entries()) {
      if (!(rule.limit > 0)) continue
      const key = `${target.id()}#${i}:${rule.key ? evaluateConcurrencyKey(rule.key, event) : ''}`
      await take(key, rule.limit)
      held.push({ key, limit: () => rule.limit })
    }
    await take('process', processLimit())
    held.push({ key: 'process', limit: processLimit })
  } catch (error) {
    release()
    throw error
  }
  return release
}

function report(outcome: LocalRunOutcome, logger: LocalDispatchLogger) {
  const what = `${outcome.functionId} ← ${outcome.eventName}${outcome.sentBy ? ` (sent by ${outcome.sentBy})` : ''}`
  if (outcome.status === 'completed') {
    logger.info(`[inngest:local] ✓ ${what} in ${outcome.durationMs} ms`)
  } else {
    logger.error(
      `[inngest:local] ✗ ${what} failed (no retries in-process): ${outcome.error.name}: ${outcome.error.message}` +
        (outcome.error.stack ? `\n${outcome.error.stack}` : ''),
    )
  }
}

// The engine hands back errors serialized ({ name, message, stack }), thrown ones are Errors.
function toRunError(error: unknown): LocalRunError {
  if (error && typeof error === 'object' && 'message' in error) {
    const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown }
    return {
      name: typeof name === 'string' ? name : 'Error',
      message: String(message),
      ...(typeof stack === 'string' && { stack }),
    }
  }
  return { name: 'Error', message: String(error) }
}

// --- cron triggers -------------------------------------------------------------------------------

/**
 * Whether a five-field cron expression (minute hour day-of-month month day-of-week, UTC) matches
 * the minute of `at`. Fields take `*`, `n`, `a-b`, `* /n` steps (also on ranges) and lists.
 */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 5) throw new Error(`Cron expression "${expression}" needs five fields (minute hour day month weekday).`)
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()]
  const ranges: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]]
  return fields.every((field, i) => fieldMatches(field, values[i] as number, ranges[i] as [number, number]))
}

function fieldMatches(field: string, value: number, [min, max]: [number, number]): boolean {
  return field.split(',').some((part) => {
    const [range = '*', stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    const [from, to] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText === undefined ? Number(range) : max]
    if (!Number.isInteger(step) || step < 1 || from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) {
      throw new Error(`Cron field "${field}" is not supported by the in-process dispatch.`)
    }
    return value >= from && value <= to && (value - from) % step === 0
  })
}

/**
 * Runs the functions with cron triggers at every matching minute, in this process, the way an
 * Inngest server would schedule them. Returns a stop function. Started once per process by
 * instrumentation.ts in local mode.
 */
export function startLocalSchedules({ loadFunctions, logger = console }: { loadFunctions: LoadFunctions; logger?: LocalDispatchLogger }): () => void {
  let timer: NodeJS.Timeout | undefined
  let isStopped = false
  const tick = async () => {
    const at = new Date()
    for (const target of await loadFunctions()) {
      for (const trigger of (target.opts.triggers ?? []) as { cron?: string }[]) {
        if (trigger.cron && cronMatches(trigger.cron, at)) {
          const event = { name: 'inngest/scheduled.timer', data: { cron: trigger.cron }, id: randomUUID(), ts: at.getTime() } as EventPayload
          startRun({ target, trigger: {}, event, sentBy: null, logger })
        }
      }
    }
  }
  const schedule = () => {
    if (isStopped) return
    // Just after the next minute boundary.
    timer = setTimeout(() => {
      tick().catch((error) => logger.error('[inngest:local] cron tick failed', error))
      schedule()
    }, 60_000 - (Date.now() % 60_000) + 50)
    timer.unref?.()
  }
  schedule()
  return () => {
    isStopped = true
    clearTimeout(timer)
  }
}
