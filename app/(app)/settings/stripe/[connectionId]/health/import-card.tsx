import Link from 'next/link'
import { Badge, Card } from '@/components/ui'
import type { SyncHealthView } from '@/lib/health/get-sync-health'

// The import part of the health page (F21 "backfill progress or last run totals"): per-type bars
// while an import runs, its totals and duration once it has finished. The full table is on the
// connection's progress page.

const number = new Intl.NumberFormat('en-US')
const fmt = (n: number) => number.format(n)

function duration(seconds: number) {
  if (seconds < 60) return `${Math.round(seconds)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

const stateBadge = {
  pending: { label: 'Waiting', tone: 'neutral' },
  running: { label: 'Running', tone: 'brand' },
  succeeded: { label: 'Finished', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
  canceled: { label: 'Canceled', tone: 'neutral' },
} as const

export function ImportCard({ run, progressHref }: { run: SyncHealthView['lastImport']; progressHref: string }) {
  if (!run) {
    return (
      <Card className="p-5" data-testid="import-card">
        <h2 className="text-base font-semibold">Import</h2>
        <p className="mt-1 text-sm text-slate-600" data-testid="import-summary">
          No import has run: this connection takes changes from now on. Re-sync fetches what Stripe holds.
        </p>
      </Card>
    )
  }
  const name = run.kind === 'resync' ? 'Re-sync' : 'Import'
  const badge = run.isUpdatingContacts ? { label: 'Updating contacts', tone: 'brand' as const } : stateBadge[run.state]
  const isRunning = run.state === 'running'
  return (
    <Card className="p-5" data-testid="import-card">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="flex items-center gap-2 text-base font-semibold">
            {isRunning ? name : `Last ${name.toLowerCase()}`} <Badge tone={badge.tone}>{badge.label}</Badge>
          </h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="import-summary">
            {isRunning
              ? `${fmt(run.fetched)} objects so far · ${fmt(run.objectsPerSecond)}/s${run.etaSeconds !== null ? ` · about ${duration(run.etaSeconds)} left` : ''} · started ${new Date(run.startedAt).toLocaleTimeString()}`
              : `${fmt(run.written)} objects in ${duration(run.seconds)} · ${fmt(run.requests)} Stripe requests · ${fmt(run.throttled)} answered 429${run.failed ? ` · ${fmt(run.failed)} failed` : ''}${run.finishedAt ? ` · finished ${new Date(run.finishedAt).toLocaleString()}` : ''}`}
          </p>
          {run.state === 'failed' && run.error ? <p className="mt-1 text-sm text-red-700">{run.error}</p> : null}
        </div>
        <Link href={progressHref} className="text-sm font-medium text-brand-700 underline">
          Details
        </Link>
      </div>
      {isRunning && run.types ? (
        <ul className="mt-4 grid gap-x-6 gap-y-2 sm:grid-cols-2">
          {run.types.map((t) => {
            const percent = Math.round(t.fraction * 100)
            return (
              <li key={t.type} data-testid={`import-type-${t.type}`}>
                <div className="flex justify-between text-xs text-slate-600">
                  <span className="font-medium text-slate-800">{t.label}</span>
                  <span className="tabular-nums">{t.state === 'succeeded' ? `${fmt(t.fetched)} · done` : t.expected ? `${fmt(t.fetched)} of ~${fmt(t.expected)}` : fmt(t.fetched)}</span>
                </div>
                <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label={`${t.label} import progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
                  <div className={`h-full rounded-full ${t.state === 'failed' ? 'bg-red-500' : t.state === 'succeeded' ? 'bg-emerald-500' : 'bg-brand-600'}`} style={{ width: `${percent}%` }} />
                </div>
              </li>
            )
          })}
        </ul>
      ) : null}
    </Card>
  )
}
