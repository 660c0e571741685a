import type { Db } from '../../db'
import { type BackfillObjectType, backfillObjectTypes } from '../../stripe/list-pages'
import { budgetKeyOf, defaultRatePerSecond, stripeRateLimit } from '../../stripe/request-budget'
import { objectLabels } from './failure-messages'
import { importRunKinds } from './run-kinds'

// What the connection page shows (F12 progress, the start of F21), read from sync_runs and
// sync_streams so every mode (Inngest, in-process) shows the same thing.

type StreamRow = {
  objectType: string
  state: string
  fetched: number
  written: number
  failed: number
  requests: number
  throttled: number
  expected: number | null
  error: string | null
  rangeStart: number | null
  rangeEnd: number | null
  startedAt: Date | null
  finishedAt: Date | null
}

export type TypeProgress = {
  type: BackfillObjectType
  label: string
  state: 'pending' | 'running' | 'succeeded' | 'failed'
  fetched: number
  written: number
  failed: number
  requests: number
  throttled: number
  /** Best estimate of the total; equals `fetched` once done. Null before planning. */
  expected: number | null
  /** 0–1; 1 only when every range of the type has finished. */
  fraction: number
  ranges: { total: number; done: number }
  /** The `created` ranges being fetched now (ISO dates; null = unbounded), oldest first. */
  currentRanges: { from: string | null; to: string | null }[]
  /** When the type's first range started and (once every range ended) its last one finished. */
  startedAt: string | null
  finishedAt: string | null
  /** Objects per second over the type's own time; null before a basis of a second. */
  objectsPerSecond: number | null
  /** Seconds left at that rate while fetching, when the total is estimated. */
  etaSeconds: number | null
  errors: string[]
}

const isoOf = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString())

function summarise(type: BackfillObjectType, streams: StreamRow[], now: Date, isRunLive: boolean): TypeProgress {
  const sum = (k: 'fetched' | 'written' | 'failed' | 'requests' | 'throttled') => streams.reduce((n, s) => n + s[k], 0)
  const done = streams.filter((s) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'canceled').length
  const state = streams.length === 0 ? 'pending' : streams.some((s) => s.state === 'failed') && done === streams.length ? 'failed' : done === streams.length ? 'succeeded' : streams.some((s) => s.state === 'running' || s.fetched > 0) ? 'running' : 'pending'
  const fetched = sum('fetched')
  const expected = streams.length === 0 ? null : streams.reduce((n, s) => n + (s.state === 'succeeded' ? s.fetched : Math.max(s.expected ?? 0, s.fetched)), 0)
  const fraction = done === streams.length && streams.length > 0 ? 1 : expected ? Math.min(0.99, fetched / expected) : 0
  const starts = streams.flatMap((s) => (s.startedAt ? [s.startedAt.getTime()] : []))
  const ends = streams.flatMap((s) => (s.finishedAt ? [s.finishedAt.getTime()] : []))
  const startedAt = starts.length ? Math.min(...starts) : null
  const isDone = streams.length > 0 && done === streams.length
  const finishedAt = isDone && ends.length ? Math.max(...ends) : null
  const seconds = startedAt === null ? 0 : ((finishedAt ?? now.getTime()) - startedAt) / 1000
  const objectsPerSecond = seconds >= 1 ? Math.round(fetched / seconds) : null
  const isFetching = isRunLive && !isDone
  const etaSeconds = isFetching && expected !== null && objectsPerSecond ? Math.ceil(Math.max(0, expected - fetched) / objectsPerSecond) : null
  const currentRanges = streams
    .filter((s) => s.state === 'running')
    .sort((a, b) => (a.rangeStart ?? 0) - (b.rangeStart ?? 0))
    .map((s) => ({ from: isoOf(s.rangeStart), to: isoOf(s.rangeEnd) }))
  return {
    type,
    label: objectLabels[type],
    state,
    fetched,
    written: sum('written'),
    failed: sum('failed'),
    requests: sum('requests'),
    throttled: sum('throttled'),
    expected,
    fraction,
    ranges: { total: streams.length, done },
    currentRanges,
    startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
    finishedAt: finishedAt === null ? null : new Date(finishedAt).toISOString(),
    objectsPerSecond,
    etaSeconds,
    errors: [...new Set(streams.flatMap((s) => (s.error ? [s.error] : [])))],
  }
}

export async function getSyncProgress(db: Db, args: { connectionId: string; now: Date }) {
  const connection = await db.stripeConnection.findUniqueOrThrow({
    where: { id: args.connectionId },
    select: { id: true, status: true, accountId: true, accountName: true, mode: true, apiBase: true, requestRate: true },
  })
  // Imports only: gap repairs (every 15 minutes) have no object streams and would push the
  // import out of view; the health page lists them on their own.
  const runs = await db.syncRun.findMany({ where: { connectionId: args.connectionId, kind: { in: importRunKinds } }, orderBy: { startedAt: 'desc' }, take: 6, include: { streams: true } })
  // Contacts, not customers: customers sharing an email share one contact (F9).
  const [linked] = await db.$queryRawUnsafe<{ n: number }[]>('SELECT count(DISTINCT contact_id)::int AS n FROM contact_stripe_links WHERE connection_id = $1', args.connectionId)
  const contactsInSync = linked?.n ?? 0
  const budget = await db.stripeRequestBudget.findUnique({ where: { key: budgetKeyOf(connection) } })
  const sharedWith = connection.accountId ? await db.stripeConnection.count({ where: { accountId: connection.accountId, mode: connection.mode, id: { not: connection.id } } }) : 0

  const describe = (run: (typeof runs)[number]) => {
    const isRunLive = run.state === 'running' && run.finishedAt === null
    const types = backfillObjectTypes.map((t) => summarise(t, run.streams.filter((s) => s.objectType === t), args.now, isRunLive))
    const fetched = types.reduce((n, t) => n + t.fetched, 0)
    const end = run.state === 'running' ? args.now : (run.finishedAt ?? args.now)
    const seconds = Math.max(0.001, (end.getTime() - run.startedAt.getTime()) / 1000)
    const objectsPerSecond = fetched / seconds
    const expected = types.every((t) => t.expected !== null) ? types.reduce((n, t) => n + (t.expected ?? 0), 0) : null
    // An ETA only with a basis: a rate measured over ≥ 3 s and an estimate of what is left.
    const isFetching = run.state === 'running' && run.finishedAt === null
    const etaSeconds = isFetching && expected !== null && seconds >= 3 && objectsPerSecond > 0 ? Math.max(0, (expected - fetched) / objectsPerSecond) : null
    return {
      id: run.id,
      kind: run.kind,
      state: run.state,
      /** Streams are done and contacts are being derived. */
      isUpdatingContacts: run.state === 'running' && run.finishedAt !== null,
      error: run.error,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.state === 'running' ? null : (run.finishedAt?.toISOString() ?? null),
      seconds: Math.round(seconds * 10) / 10,
      fetched,
      written: types.reduce((n, t) => n + t.written, 0),
      failed: types.reduce((n, t) => n + t.failed, 0),
      requests: types.reduce((n, t) => n + t.requests, 0),
      throttled: types.reduce((n, t) => n + t.throttled, 0),
      expected,
      objectsPerSecond: Math.round(objectsPerSecond),
      etaSeconds: etaSeconds === null ? null : Math.ceil(etaSeconds),
      types,
    }
  }
  const [latest, ...previous] = runs
  return {
    connection: { id: connection.id, status: connection.status, accountId: connection.accountId, accountName: connection.accountName, mode: connection.mode, isSandbox: connection.apiBase !== null },
    contactsInSync,
    /** The account's shared budget: the rate in force, this connection's setting, and its bounds. */
    requestBudget: {
      ratePerSecond: budget?.ratePerSecond ?? connection.requestRate ?? defaultRatePerSecond[connection.mode],
      configured: connection.requestRate,
      default: defaultRatePerSecond[connection.mode],
      max: stripeRateLimit[connection.mode],
      /** Other connections (any workspace) of the same Stripe account sharing the budget. */
      sharedWith,
    },
    latest: latest ? describe(latest) : null,
    previous: previous.map((r) => {
      const d = describe(r)
      return { id: d.id, kind: d.kind, state: d.state, error: d.error, startedAt: d.startedAt, finishedAt: d.finishedAt, seconds: d.seconds, fetched: d.fetched, written: d.written, failed: d.failed, requests: d.requests, throttled: d.throttled }
    }),
  }
}

export type SyncProgress = Awaited<ReturnType<typeof getSyncProgress>>
