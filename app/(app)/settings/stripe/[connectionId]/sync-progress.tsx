'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Alert, Badge, Button, Card, Stat, TypeProgressBar } from '@/components/ui'
import { ApiError, apiFetch } from '@/lib/api-client'
import type { SyncProgress, TypeProgress } from '@/lib/sync/backfill/get-sync-progress'
import { formatCount, formatDuration } from '@/lib/format'

const syncKey = (connectionId: string) => ['stripe-connection-sync', connectionId] as const

// Created ranges are Stripe `created` bounds: shown as UTC dates, the same on server and browser.
const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' })
function rangeText(r: { from: string | null; to: string | null }) {
  if (!r.from && !r.to) return 'all time'
  if (!r.from) return `before ${day.format(new Date(r.to as string))}`
  if (!r.to) return `since ${day.format(new Date(r.from))}`
  return `${day.format(new Date(r.from))} – ${day.format(new Date(r.to))}`
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
        <Stat label="Contacts in sync" value={formatCount(data.contactsInSync)} hint="Contacts linked to a customer of this Stripe account." testId="contacts-in-sync" />
        <Stat label="Objects imported" value={run ? formatCount(run.written) : '—'} hint={run ? `${formatCount(run.requests)} Stripe requests · ${formatCount(run.throttled)} rate-limited (429)` : 'No import yet.'} />
        <Stat
          label="Request budget"
          value={`${formatCount(data.requestBudget.ratePerSecond)} req/s`}
          hint={
            data.requestBudget.sharedWith > 0
              ? `Shared with ${data.requestBudget.sharedWith} other connection${data.requestBudget.sharedWith === 1 ? '' : 's'} of this Stripe account; the lowest rate applies.`
              : "Shared by every import stream; half of Stripe's limit by default."
          }
          testId="request-budget"
        />
      </div>

      <RequestRateControl connectionId={connectionId} budget={data.requestBudget} />

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
                  ? `${formatCount(run.objectsPerSecond)} objects/s${run.etaSeconds !== null ? ` · about ${formatDuration(run.etaSeconds)} left` : ''} · started ${new Date(run.startedAt).toLocaleTimeString()}`
                  : `${formatCount(run.written)} objects in ${formatDuration(run.seconds)} (${formatCount(run.objectsPerSecond)}/s) · finished ${run.finishedAt ? new Date(run.finishedAt).toLocaleString() : ''}`}
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
                <th className="py-2 pr-3 text-right font-medium">Rate</th>
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
                  {formatCount(r.written)} objects · {formatDuration(r.seconds)} · {formatCount(r.requests)} requests · {formatCount(r.throttled)} 429s{r.failed ? ` · ${formatCount(r.failed)} failed` : ''}
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
  // "count / total" only when a total is known: exact once done, an estimate (~) before.
  const count = t.state === 'succeeded' || t.state === 'failed' ? `${formatCount(t.fetched)} / ${formatCount(t.fetched)}` : t.expected ? `${formatCount(t.fetched)} / ~${formatCount(t.expected)}` : `${formatCount(t.fetched)} fetched`
  const took = t.startedAt && t.finishedAt ? (new Date(t.finishedAt).getTime() - new Date(t.startedAt).getTime()) / 1000 : null
  const shown = t.currentRanges.slice(0, 2)
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`sync-type-${t.type}`} data-state={t.state}>
      <td className="py-2.5 pr-3">
        <div className="font-medium text-slate-800">{t.label}</div>
        <div className="mt-1">
          <Badge tone={stateTone[t.state]}>{stateLabel[t.state]}</Badge>
        </div>
        {t.errors.map((e) => (
          <p key={e} className="mt-1 max-w-xs text-xs text-red-700" data-testid="sync-type-error">
            {e}
          </p>
        ))}
      </td>
      <td className="py-2.5 pr-3">
        <div className="flex items-center gap-2">
          <TypeProgressBar className="h-2 flex-1" label={`${t.label} progress`} fraction={t.fraction} state={t.state} />
          <span className="w-12 text-right text-xs tabular-nums text-slate-600">{t.state === 'pending' && !t.expected ? '—' : `${percent}%`}</span>
        </div>
        <p className="mt-1 text-xs tabular-nums text-slate-600" data-testid="sync-type-count">
          {count}
        </p>
        <p className="mt-0.5 text-xs text-slate-500">
          {shown.length > 0 ? (
            <span data-testid="sync-type-range">
              Now: created {shown.map(rangeText).join('; ')}
              {t.currentRanges.length > shown.length ? ` (+${t.currentRanges.length - shown.length} more)` : ''} ·{' '}
            </span>
          ) : null}
          {t.ranges.done}/{t.ranges.total} ranges
          {took !== null ? ` · took ${formatDuration(took)}` : ''}
        </p>
      </td>
      <td className="py-2.5 pr-3 text-right tabular-nums">
        {t.objectsPerSecond !== null ? `${formatCount(t.objectsPerSecond)}/s` : '—'}
        {t.etaSeconds !== null ? <div className="text-xs text-slate-500">~{formatDuration(t.etaSeconds)} left</div> : null}
      </td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{formatCount(t.written)}</td>
      <td className={`py-2.5 pr-3 text-right tabular-nums ${t.failed ? 'text-red-700' : ''}`}>{formatCount(t.failed)}</td>
      <td className="py-2.5 pr-3 text-right tabular-nums">{formatCount(t.requests)}</td>
      <td className="py-2.5 text-right tabular-nums">{formatCount(t.throttled)}</td>
    </tr>
  )
}

/** The rate an admin allows this connection (the account's bucket runs at the lowest one). */
function RequestRateControl({ connectionId, budget }: { connectionId: string; budget: SyncProgress['requestBudget'] }) {
  const queryClient = useQueryClient()
  const [value, setValue] = useState(String(budget.configured ?? budget.default))
  const save = useMutation({
    mutationFn: (ratePerSecond: number | null) => apiFetch<{ ratePerSecond: number }>(`/api/stripe/connections/${connectionId}/request-rate`, { method: 'PUT', json: { ratePerSecond } }),
    onSuccess: (_, ratePerSecond) => {
      if (ratePerSecond === null) setValue(String(budget.default))
      return queryClient.invalidateQueries({ queryKey: syncKey(connectionId) })
    },
  })
  const fieldError = save.error instanceof ApiError ? save.error.fields.ratePerSecond : undefined
  return (
    <Card className="p-5">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate(value.trim() === '' ? null : Number(value))
        }}
      >
        <div>
          <label htmlFor="request-rate" className="block text-sm font-medium text-slate-800">
            Stripe requests per second
          </label>
          <input
            id="request-rate"
            name="ratePerSecond"
            type="number"
            min={1}
            max={budget.max}
            step="any"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby="request-rate-hint"
            className="mt-1.5 block w-32 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-xs focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20"
          />
        </div>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save rate'}
        </Button>
        {budget.configured !== null ? (
          <Button type="button" variant="secondary" disabled={save.isPending} onClick={() => save.mutate(null)}>
            Use the default ({budget.default}/s)
          </Button>
        ) : null}
      </form>
      <p id="request-rate-hint" className="mt-2 text-xs text-slate-500">
        Stripe allows {budget.max} requests per second for this account in this mode, shared with your own use of its API. The default, {budget.default}/s, leaves half for you.
      </p>
      {save.error ? (
        <div className="mt-3">
          <Alert>{fieldError ?? save.error.message}</Alert>
        </div>
      ) : save.isSuccess ? (
        <div className="mt-3">
          <Alert tone="green">Saved. The import uses the new rate from its next request.</Alert>
        </div>
      ) : null}
    </Card>
  )
}
