'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, Badge, Button, Card, Stat } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { SyncProgress, TypeProgress } from '@/lib/sync/backfill/get-sync-progress'

const syncKey = (connectionId: string) => ['stripe-connection-sync', connectionId] as const

const number = new Intl.NumberFormat('en-US')
const fmt = (n: number) => number.format(n)

function duration(seconds: number) {
  if (seconds < 60) return `${Math.round(seconds)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

const stateTone = { pending: 'neutral', running: 'brand', succeeded: 'green', failed: 'red', canceled: 'neutral' } as const
const runWord = { pending: 'waiting', running: 'running', succeeded: 'done', failed: 'failed', canceled: 'canceled' } as const
const stateLabel = { pending: 'Waiting', running: 'Importing', succeeded: 'Done', failed: 'Failed', canceled: 'Canceled' } as const

export function SyncProgressPanel({ connectionId, initial }: { connectionId: string; initial: SyncProgress }) {
  const queryClient = useQueryClient()
  const progress = useQuery({
    queryKey: syncKey(connectionId),
    queryFn: () => apiFetch<SyncProgress>(`/api/stripe/connections/${connectionId}/sync`),
    initialData: initial,
    // Live while a run is going; relaxed otherwise (a webhook-started re-sync still shows up).
    refetchInterval: (q) => (q.state.data?.latest?.state === 'running' ? 1_000 : 10_000),
  })
  const resync = useMutation({
    mutationFn: () => apiFetch<{ isRequested: boolean }>(`/api/stripe/connections/${connectionId}/sync`, { method: 'POST' }),
    onSuccess: () => setTimeout(() => queryClient.invalidateQueries({ queryKey: syncKey(connectionId) }), 300),
  })
  const data = progress.data
  const run = data.latest
  const isRunning = run?.state === 'running'

  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Contacts in sync" value={fmt(data.contactsInSync)} hint="Contacts linked to a customer of this Stripe account." testId="contacts-in-sync" />
        <Stat label="Objects imported" value={run ? fmt(run.written) : '—'} hint={run ? `${fmt(run.requests)} Stripe requests · ${fmt(run.throttled)} rate-limited (429)` : 'No import yet.'} />
        <Stat label="Request budget" value={data.ratePerSecond ? `${data.ratePerSecond} req/s` : '—'} hint="Shared by every import stream; half of Stripe's limit by default." />
      </div>

      <Card className="p-5">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 className="text-base font-semibold" data-testid="run-title">
              {!run ? 'Import' : `${run.kind === 'resync' ? 'Re-sync' : 'Import'} ${run.isUpdatingContacts ? 'updating contacts' : runWord[run.state]}`}
            </h2>
            <p className="mt-1 text-sm text-slate-600" data-testid="run-summary">
              {!run
                ? 'Nothing imported yet. Start an import to bring in every customer, subscription and payment.'
                : isRunning
                  ? `${fmt(run.objectsPerSecond)} objects/s${run.etaSeconds !== null ? ` · about ${duration(run.etaSeconds)} left` : ''} · started ${new Date(run.startedAt).toLocaleTimeString()}`
                  : `${fmt(run.written)} objects in ${duration(run.seconds)} (${fmt(run.objectsPerSecond)}/s) · finished ${run.finishedAt ? new Date(run.finishedAt).toLocaleString() : ''}`}
            </p>
          </div>
          <Button onClick={() => resync.mutate()} disabled={isRunning || resync.isPending || data.connection.status === 'needs_reauth'}>
            {resync.isPending ? 'Starting…' : 'Re-sync now'}
          </Button>
        </div>
        {resync.error ? (
          <div className="mt-4">
            <Alert>{resync.error.message}</Alert>
          </div>
        ) : null}
        {data.connection.status === 'needs_reauth' ? (
          <div className="mt-4">
            <Alert>Stripe rejected the stored key. Rotate the key on the Stripe settings page; the import then continues from where it stopped.</Alert>
          </div>
        ) : run?.state === 'failed' && run.error ? (
          <div className="mt-4">
            <Alert>{run.error}</Alert>
          </div>
        ) : null}
        {run ? (
          <table className="mt-5 w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="py-2 pr-3 font-medium">Object</th>
                <th className="w-2/5 py-2 pr-3 font-medium">Progress</th>
                <th className="py-2 pr-3 text-right font-medium">Fetched</th>
                <th className="py-2 pr-3 text-right font-medium">Written</th>
                <th className="py-2 pr-3 text-right font-medium">Failed</th>
                <th className="py-2 pr-3 text-right font-medium">Requests</th>
                <th className="py-2 text-right font-medium">429s</th>
              </tr>
            </thead>
            <tbody>
              {run.types.map((t) => (
                <TypeRow key={t.type} t={t} />
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>

      {data.previous.length ? (
        <Card className="p-5">
          <h2 className="text-base font-semibold">Earlier runs</h2>
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {data.previous.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <Badge tone={stateTone[r.state]}>{stateLabel[r.state]}</Badge> <span className="ml-2 text-slate-700">{new Date(r.startedAt).toLocaleString()}</span>
                </span>
                <span className="text-slate-600">
                  {fmt(r.written)} objects · {duration(r.seconds)} · {fmt(r.requests)} requests · {fmt(r.throttled)} 429s{r.failed ? ` · ${fmt(r.failed)} failed` : ''}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  )
}

function TypeRow({ t }: { t: TypeProgress }) {
  const percent = Math.round(t.fraction * 100)
  const barTone = t.state === 'failed' ? 'bg-red-500' : t.state === 'succeeded' ? 'bg-emerald-500' : 'bg-brand-600'
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`sync-type-${t.type}`}>
      <td className="py-2.5 pr-3">
        <div className="font-medium text-slate-800">{t.label}</div>
        {t.errors.map((e) => (
          <p key={e} className="mt-1 max-w-xs text-xs text-red-700">
            {e}
          </p>
        ))}
      </td>
      <td className="py-2.5 pr-3">
        <div className="flex items-center gap-2">
          <div className="h-2 flex-1 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label={`${t.label} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className={`h-full rounded-full transition-all duration-500 ${barTone}`} style={{ width: `${percent}%` }} />
          </div>
          <span className="w-20 text-right text-xs tabular-nums text-slate-600">{t.state === 'succeeded' ? 'done' : t.state === 'failed' ? 'failed' : t.expected ? `${percent}% of ~${fmt(t.expected)}` : 'waiting'}</span>
        </div>
        <p className="mt-1 text-xs text-slate-500">
          {t.ranges.done}/{t.ranges.total} ranges
        </p>
      </td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{fmt(t.fetched)}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{fmt(t.written)}</td>
      <td className={`py-2.5 pr-3 text-right tabular-nums ${t.failed ? 'text-red-700' : ''}`}>{fmt(t.failed)}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{fmt(t.requests)}</td>
      <td className="py-2.5 text-right tabular-nums">{fmt(t.throttled)}</td>
    </tr>
  )
}
