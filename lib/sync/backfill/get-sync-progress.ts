import type { Db } from '../../db'
import { type BackfillObjectType, backfillObjectTypes } from '../../stripe/list-pages'
import { objectLabels } from './failure-messages'

// What the connection page shows (F12 progress, the start of F21), read from sync_runs and
// sync_streams so every mode (Inngest, in-process) shows the same thing.

type StreamRow = { objectType: string; state: string; fetched: number; written: number; failed: number; requests: number; throttled: number; expected: number | null; error: string | null }

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
  errors: string[]
}

function summarise(type: BackfillObjectType, streams: StreamRow[]): TypeProgress {
  const sum = (k: 'fetched' | 'written' | 'failed' | 'requests' | 'throttled') => streams.reduce((n, s) => n + s[k], 0)
  const done = streams.filter((s) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'canceled').length
  const state = streams.length === 0 ? 'pending' : streams.some((s) => s.state === 'failed') && done === streams.length ? 'failed' : done === streams.length ? 'succeeded' : streams.some((s) => s.state === 'running' || s.fetched > 0) ? 'running' : 'pending'
  const fetched = sum('fetched')
  const expected = streams.length === 0 ? null : streams.reduce((n, s) => n + (s.state === 'succeeded' ? s.fetched : Math.max(s.expected ?? 0, s.fetched)), 0)
  const fraction = done === streams.length && streams.length > 0 ? 1 : expected ? Math.min(0.99, fetched / expected) : 0
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
    errors: [...new Set(streams.flatMap((s) => (s.error ? [s.error] : [])))],
  }
}

export async function getSyncProgress(db: Db, args: { connectionId: string; now: Date }) {
  const connection = await db.stripeConnection.findUniqueOrThrow({ where: { id: args.connectionId }, select: { id: true, status: true, accountId: true, accountName: true, mode: true, apiBase: true } })
  const runs = await db.syncRun.findMany({ where: { connectionId: args.connectionId }, orderBy: { startedAt: 'desc' }, take: 6, include: { streams: true } })
  const contactsInSync = await db.contactStripeLink.count({ where: { connectionId: args.connectionId } })
  const budget = await db.stripeRequestBudget.findUnique({ where: { connectionId: args.connectionId } })

  const describe = (run: (typeof runs)[number]) => {
    const types = backfillObjectTypes.map((t) => summarise(t, run.streams.filter((s) => s.objectType === t)))
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
    ratePerSecond: budget?.ratePerSecond ?? null,
    latest: latest ? describe(latest) : null,
    previous: previous.map((r) => {
      const d = describe(r)
      return { id: d.id, kind: d.kind, state: d.state, error: d.error, startedAt: d.startedAt, finishedAt: d.finishedAt, seconds: d.seconds, fetched: d.fetched, written: d.written, failed: d.failed, requests: d.requests, throttled: d.throttled }
    }),
  }
}

export type SyncProgress = Awaited<ReturnType<typeof getSyncProgress>>
