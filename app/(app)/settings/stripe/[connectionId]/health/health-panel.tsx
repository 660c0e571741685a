'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'
import { Alert, Badge, Button, Card, Stat } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { SyncHealthView } from '@/lib/health/get-sync-health'
import type { HealthAction, HealthState } from '@/lib/health/state'
import type { HealthThresholds } from '@/lib/health/thresholds'
import { RotateKeyForm } from '../../rotate-key-form'
import { EventsChart } from './events-chart'
import { ImportCard } from './import-card'

const healthKey = (connectionId: string) => ['stripe-connection-health', connectionId] as const

const stateStyle: Record<HealthState, { label: string; tone: 'green' | 'amber' | 'red' | 'neutral'; ring: string }> = {
  healthy: { label: 'Healthy', tone: 'green', ring: 'border-l-emerald-500' },
  degraded: { label: 'Degraded', tone: 'amber', ring: 'border-l-amber-500' },
  failing: { label: 'Failing', tone: 'red', ring: 'border-l-red-500' },
  needs_reauth: { label: 'Needs re-auth', tone: 'red', ring: 'border-l-red-500' },
  paused: { label: 'Paused', tone: 'neutral', ring: 'border-l-slate-400' },
}

const number = new Intl.NumberFormat('en-US')
const fmt = (n: number) => number.format(n)

function ago(iso: string | null): string {
  if (!iso) return 'never'
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`
  return `${Math.floor(seconds / 86_400)} days ago`
}

const lag = (s: number | null) => (s === null ? '—' : s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`)

type ActionBody = { action: 'check' | 'pause' | 'resume' | 'repair_endpoint' } | { action: 'retry'; eventType?: string; cause?: string | null }

export function HealthPanel({ connectionId, initial }: { connectionId: string; initial: SyncHealthView }) {
  const queryClient = useQueryClient()
  const [message, setMessage] = useState<{ tone: 'red' | 'green'; text: string } | null>(null)
  const [isRotating, setRotating] = useState(false)
  const health = useQuery({
    queryKey: healthKey(connectionId),
    queryFn: () => apiFetch<SyncHealthView>(`/api/stripe/connections/${connectionId}/health`),
    initialData: initial,
    refetchInterval: 3_000,
  })
  const refresh = () => setTimeout(() => queryClient.invalidateQueries({ queryKey: healthKey(connectionId) }), 400)
  const act = useMutation({
    mutationFn: (body: ActionBody) => apiFetch<Record<string, unknown>>(`/api/stripe/connections/${connectionId}/health`, { method: 'POST', json: body }),
    onSuccess: (result, body) => {
      setMessage({ tone: 'green', text: describeOutcome(body, result) })
      refresh()
    },
    onError: (e) => setMessage({ tone: 'red', text: e.message }),
  })
  const resync = useMutation({
    mutationFn: () => apiFetch(`/api/stripe/connections/${connectionId}/sync`, { method: 'POST' }),
    onSuccess: () => {
      setMessage({ tone: 'green', text: 'Re-sync requested: changes since the last import are fetched from Stripe.' })
      refresh()
    },
    onError: (e) => setMessage({ tone: 'red', text: e.message }),
  })
  const data = health.data
  const { state } = data.health
  const style = stateStyle[state]
  const isPaused = data.status === 'paused'

  const actionButton = (action: HealthAction): ReactNode => {
    switch (action) {
      case 'resume':
        return <Button onClick={() => act.mutate({ action: 'resume' })} disabled={act.isPending}>Resume syncing</Button>
      case 'rotate_key':
        return <Button onClick={() => setRotating(true)}>Save a new key</Button>
      case 'repair_endpoint':
        return <Button onClick={() => act.mutate({ action: 'repair_endpoint' })} disabled={act.isPending}>Repair endpoint</Button>
      case 'retry_failed':
        return <Button variant="secondary" onClick={() => act.mutate({ action: 'retry' })} disabled={act.isPending}>Retry all failed</Button>
      case 'resync':
        return <Button variant="secondary" onClick={() => resync.mutate()} disabled={resync.isPending}>Re-sync now</Button>
      case 'wait':
        return null
    }
  }

  return (
    <div className="space-y-6">
      <Card className={`border-l-4 p-5 ${style.ring}`} data-testid="health-state-card">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <div className="flex items-center gap-3">
              <span data-testid="health-state">
                <Badge tone={style.tone}>{style.label}</Badge>
              </span>
              <h2 className="text-base font-semibold text-slate-900">{data.health.summary}</h2>
            </div>
            <p className="mt-1 text-xs text-slate-500">
              {data.stateSince ? `In this state since ${new Date(data.stateSince).toLocaleString()} · ` : ''}key checked {ago(data.checkedAt.key)} · endpoint checked {ago(data.checkedAt.endpoint)} · refreshes every few seconds
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => act.mutate({ action: 'check' })} disabled={act.isPending}>
              Check now
            </Button>
            <Button variant="secondary" onClick={() => resync.mutate()} disabled={resync.isPending || isPaused || data.status === 'needs_reauth'}>
              Re-sync now
            </Button>
            {isPaused ? (
              <Button onClick={() => act.mutate({ action: 'resume' })} disabled={act.isPending}>
                Resume syncing
              </Button>
            ) : (
              <Button variant="secondary" onClick={() => act.mutate({ action: 'pause' })} disabled={act.isPending || data.status === 'draft'}>
                Pause syncing
              </Button>
            )}
          </div>
        </div>
        {data.health.reasons.length ? (
          <ul className="mt-4 space-y-2" data-testid="health-reasons">
            {data.health.reasons.map((r) => (
              <li key={r.code} className="flex flex-wrap items-center justify-between gap-3 rounded-md bg-slate-50 px-3 py-2" data-testid={`reason-${r.code}`}>
                <p className="max-w-3xl text-sm text-slate-800">
                  <Badge tone={stateStyle[r.severity].tone}>{stateStyle[r.severity].label}</Badge> <span className="ml-1">{r.message}</span>
                </p>
                {actionButton(r.action)}
              </li>
            ))}
          </ul>
        ) : null}
        {message ? (
          <div className="mt-4">
            <Alert tone={message.tone}>{message.text}</Alert>
          </div>
        ) : null}
        {isRotating || data.health.reasons.some((r) => r.action === 'rotate_key') ? (
          <RotateKeyForm
            connectionId={connectionId}
            onDone={(text) => {
              setMessage({ tone: 'green', text })
              setRotating(false)
              refresh()
            }}
            onError={(e) => setMessage({ tone: 'red', text: e.message })}
          />
        ) : null}
      </Card>

      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Contacts in sync" value={fmt(data.figures.contactsInSync)} hint="Contacts linked to a customer of this account." testId="figure-contacts" />
        <Stat label="Last webhook" value={ago(data.figures.lastWebhookAt)} hint={data.hasWebhookEndpoint ? 'Newest delivery from Stripe.' : 'No webhook endpoint: live updates are off.'} testId="figure-last-webhook" />
        <Stat label="Webhook lag" value={`${lag(data.figures.lagP50Seconds)} / ${lag(data.figures.lagP95Seconds)}`} hint="p50 / p95 over the last hour, from event creation to receipt." testId="figure-lag" />
        <Stat label="Events, 24 h" value={fmt(data.figures.received24h)} hint={`${fmt(data.figures.failedEvents)} failed · ${fmt(data.figures.stuckEvents)} waiting > 10 min`} testId="figure-events" />
        <Stat label="429s, last hour" value={fmt(data.figures.throttledLastHour)} hint="Stripe rate-limit answers during imports and gap repairs." testId="figure-429" />
        <Stat label="Retries, 24 h" value={fmt(data.figures.retryAttempts)} hint={`${fmt(data.figures.retriedEvents)} ${data.figures.retriedEvents === 1 ? 'event' : 'events'} needed more than one attempt.`} testId="figure-retries" />
        <Stat label="Recovered by gap repair" value={fmt(data.figures.recoveredLast24h)} hint="Events Stripe never delivered, found and applied (24 h)." testId="figure-recovered" />
        <Stat label="Objects mirrored" value={fmt(data.figures.objects.reduce((n, o) => n + o.count, 0))} hint={data.figures.objects.map((o) => `${fmt(o.count)} ${o.label}`).join(' · ')} testId="figure-objects" />
      </div>

      <ImportCard run={data.lastImport} progressHref={`/settings/stripe/${connectionId}`} />

      <Card className="p-5">
        <h2 className="text-base font-semibold">Stripe events, last 24 hours</h2>
        <p className="mt-1 text-sm text-slate-600">Per hour of receipt, by what became of each event.</p>
        <div className="mt-4">
          <EventsChart data={data.chart} />
        </div>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <EndpointCard data={data} onRepair={() => act.mutate({ action: 'repair_endpoint' })} isRepairing={act.isPending} />
        <Card className="p-5">
          <h2 className="text-base font-semibold">Gap repairs</h2>
          <p className="mt-1 text-sm text-slate-600">Every 15 minutes Churnless asks Stripe's Events API for anything it missed.</p>
          {data.gapRepairs.length ? (
            <ul className="mt-3 divide-y divide-slate-100 text-sm" data-testid="gap-repairs">
              {data.gapRepairs.map((g) => (
                <li key={g.id} className="flex items-center justify-between gap-2 py-2">
                  <span className="text-slate-700">{new Date(g.startedAt).toLocaleString()}</span>
                  <span className={g.recovered > 0 || g.state === 'failed' ? 'font-medium text-amber-800' : 'text-slate-600'}>
                    {g.state === 'failed' ? `failed: ${g.error ?? 'unknown error'}` : g.kind === 'backfill' ? 'past 30 days: re-import requested' : `${fmt(g.listed)} checked · ${fmt(g.recovered)} recovered`}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-3 text-sm text-slate-500">No gap repair has run yet.</p>
          )}
        </Card>
      </div>

      <ErrorsCard data={data} onRetry={(eventType, cause) => act.mutate({ action: 'retry', eventType, cause })} isRetrying={act.isPending} />
      <ThresholdsCard initial={data.thresholds} onSaved={refresh} />
    </div>
  )
}

function describeOutcome(body: ActionBody, result: Record<string, unknown>): string {
  switch (body.action) {
    case 'check':
      return 'Checking the key and the webhook endpoint with Stripe…'
    case 'pause':
      return 'Syncing paused. Webhooks are still received and stored; they are applied when you resume.'
    case 'resume':
      return `Syncing resumed; ${fmt(Number(result.resumedEvents ?? 0))} held events are being applied.${result.isImportResumed ? ' The interrupted import continues.' : ''}`
    case 'repair_endpoint':
      return 'Webhook endpoint repaired in Stripe.'
    case 'retry':
      return `${fmt(Number(result.retried ?? 0))} events sent for another attempt.`
  }
}

function EndpointCard({ data, onRepair, isRepairing }: { data: SyncHealthView; onRepair: () => void; isRepairing: boolean }) {
  const e = data.endpoint
  const rows: { label: string; ok: boolean | null; detail: string }[] = !data.hasWebhookEndpoint
    ? []
    : [
        { label: 'Exists in Stripe', ok: e ? e.exists : null, detail: e ? (e.exists ? 'Found.' : 'Deleted in Stripe.') : 'Not checked yet.' },
        { label: 'Enabled', ok: e ? e.exists && e.enabled : null, detail: e ? (e.enabled ? 'Receiving deliveries.' : 'Disabled in Stripe.') : '' },
        { label: 'Subscribed to every event Churnless uses', ok: e ? e.exists && e.missingEvents.length === 0 : null, detail: e?.missingEvents.length ? `Missing: ${e.missingEvents.join(', ')}` : '' },
      ]
  const isBroken = rows.some((r) => r.ok === false)
  return (
    <Card className="p-5" data-testid="endpoint-card">
      <div className="flex items-start justify-between gap-3">
        <div>
          <h2 className="text-base font-semibold">Webhook endpoint</h2>
          <p className="mt-1 text-sm text-slate-600">Checked in Stripe {ago(data.checkedAt.endpoint)}.</p>
        </div>
        {isBroken ? (
          <Button onClick={onRepair} disabled={isRepairing}>
            Repair endpoint
          </Button>
        ) : null}
      </div>
      {rows.length ? (
        <ul className="mt-3 space-y-2 text-sm">
          {rows.map((r) => (
            <li key={r.label} className="flex items-start gap-2" data-testid="endpoint-check">
              <span className={`mt-0.5 inline-flex size-4 shrink-0 items-center justify-center rounded-full text-[10px] font-bold text-white ${r.ok === null ? 'bg-slate-300' : r.ok ? 'bg-emerald-500' : 'bg-red-500'}`}>{r.ok === null ? '?' : r.ok ? '✓' : '!'}</span>
              <span>
                <span className="font-medium text-slate-800">{r.label}</span>
                {r.detail ? <span className="ml-1 text-slate-600">{r.detail}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-amber-800">This connection has no webhook endpoint: Stripe cannot reach this installation, so only imports and gap repairs keep data current.</p>
      )}
    </Card>
  )
}

function ErrorsCard({ data, onRetry, isRetrying }: { data: SyncHealthView; onRetry: (eventType: string, cause: string | null) => void; isRetrying: boolean }) {
  const isEmpty = data.errors.length === 0 && data.syncErrors.length === 0
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold">Recent errors</h2>
      {isEmpty ? (
        <p className="mt-2 text-sm text-slate-500" data-testid="no-errors">
          No errors. Every event received was applied.
        </p>
      ) : (
        <table className="mt-3 w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
              <th className="py-2 pr-3 font-medium">Cause</th>
              <th className="py-2 pr-3 font-medium">Concerns</th>
              <th className="py-2 pr-3 font-medium">First seen</th>
              <th className="py-2 pr-3 font-medium">Last seen</th>
              <th className="py-2 pr-3 text-right font-medium">Count</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {data.errors.map((e) => (
              <tr key={`${e.eventType}:${e.cause}`} className="border-b border-slate-100 align-top" data-testid="error-row">
                <td className="max-w-md py-2 pr-3 text-red-800">{e.cause}</td>
                <td className="py-2 pr-3">
                  <span className="font-mono text-xs text-slate-700">{e.eventType}</span>
                  <span className="block font-mono text-xs text-slate-500">{e.objectId ?? e.eventId}</span>
                </td>
                <td className="py-2 pr-3 text-slate-600">{ago(e.firstSeen)}</td>
                <td className="py-2 pr-3 text-slate-600">{ago(e.lastSeen)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{fmt(e.count)}</td>
                <td className="py-2 text-right">
                  <Button variant="secondary" onClick={() => onRetry(e.eventType, e.error)} disabled={isRetrying}>
                    Retry
                  </Button>
                </td>
              </tr>
            ))}
            {data.syncErrors.map((e) => (
              <tr key={`${e.objectType}:${e.lastSeen}`} className="border-b border-slate-100 align-top" data-testid="sync-error-row">
                <td className="max-w-md py-2 pr-3 text-red-800">{e.cause}</td>
                <td className="py-2 pr-3 text-xs text-slate-700">
                  {e.runKind === 'gap_repair' ? 'Gap repair' : 'Import'} of {e.objectType}
                </td>
                <td className="py-2 pr-3 text-slate-600">{ago(e.firstSeen)}</td>
                <td className="py-2 pr-3 text-slate-600">{ago(e.lastSeen)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">1</td>
                <td className="py-2 text-right text-xs text-slate-500">Re-sync to retry</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  )
}

const thresholdFields: { key: keyof HealthThresholds; label: string; unit: string }[] = [
  { key: 'lagSeconds', label: 'Webhook lag (p95) above', unit: 'seconds → degraded' },
  { key: 'throttledPerHour', label: 'Stripe 429s per hour from', unit: '→ degraded' },
  { key: 'failedEvents', label: 'Failed events from', unit: '→ failing' },
  { key: 'silenceMinutes', label: 'No webhook while Stripe has events for', unit: 'minutes → failing' },
]

function ThresholdsCard({ initial, onSaved }: { initial: HealthThresholds; onSaved: () => void }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, String(v)])))
  const save = useMutation({
    mutationFn: () => apiFetch<{ thresholds: HealthThresholds }>('/api/stripe/health-thresholds', { method: 'PUT', json: values }),
    onSuccess: onSaved,
  })
  const fieldErrors = (save.error as { fields?: Record<string, string> } | null)?.fields ?? {}
  return (
    <Card className="p-5">
      <details>
        <summary className="cursor-pointer text-base font-semibold">Alert thresholds (this workspace)</summary>
        <form
          className="mt-4 grid gap-4 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate()
          }}
        >
          {thresholdFields.map((f) => (
            <div key={f.key}>
              <label htmlFor={`threshold-${f.key}`} className="block text-sm font-medium text-slate-800">
                {f.label}
              </label>
              <div className="mt-1.5 flex items-center gap-2">
                <input
                  id={`threshold-${f.key}`}
                  inputMode="numeric"
                  value={values[f.key] ?? ''}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                  aria-invalid={fieldErrors[f.key] ? true : undefined}
                  className={`block w-28 rounded-md border px-3 py-2 text-sm tabular-nums ${fieldErrors[f.key] ? 'border-red-400' : 'border-slate-300'}`}
                />
                <span className="text-sm text-slate-600">{f.unit}</span>
              </div>
              {fieldErrors[f.key] ? <p className="mt-1 text-sm text-red-700">{fieldErrors[f.key]}</p> : null}
            </div>
          ))}
          <div className="flex items-center gap-3 sm:col-span-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save thresholds'}
            </Button>
            {save.isSuccess ? <span className="text-sm text-emerald-700">Saved. The state above uses them from now on.</span> : null}
            {save.error && !Object.keys(fieldErrors).length ? <span className="text-sm text-red-700">{save.error.message}</span> : null}
          </div>
        </form>
      </details>
    </Card>
  )
}
