import Link from 'next/link'
import { Badge, Card, TypeProgressBar } from '@/components/ui'
import type { SyncHealthView } from '@/lib/health/get-sync-health'
import { formatCount, formatDuration } from '@/lib/format'

// The import part of the health page (F21 "backfill progress or last run totals"): per-type bars
// while an import runs, its totals and duration once it has finished. The full table is on the
// connection's progress page.

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
              ? `${formatCount(run.fetched)} objects so far · ${formatCount(run.objectsPerSecond)}/s${run.etaSeconds !== null ? ` · about ${formatDuration(run.etaSeconds)} left` : ''} · started ${new Date(run.startedAt).toLocaleTimeString()}`
              : `${formatCount(run.written)} objects in ${formatDuration(run.seconds)} · ${formatCount(run.requests)} Stripe requests · ${formatCount(run.throttled)} answered 429${run.failed ? ` · ${formatCount(run.failed)} failed` : ''}${run.finishedAt ? ` · finished ${new Date(run.finishedAt).toLocaleString()}` : ''}`}
          </p>
          {run.state === 'failed' && run.error ? <p className="mt-1 text-sm text-red-700">{run.error}</p> : null}
        </div>
        <Link href={progressHref} className="text-sm font-medium text-brand-700 underline">
          Details
        </Link>
      </div>
      {isRunning ? (
        <ul className="mt-4 grid gap-x-6 gap-y-2 sm:grid-cols-2">
          {run.types.map((t) => {
            return (
              <li key={t.type} data-testid={`import-type-${t.type}`}>
                <div className="flex justify-between text-xs text-slate-600">
                  <span className="font-medium text-slate-800">{t.label}</span>
                  <span className="tabular-nums">{t.state === 'succeeded' ? `${formatCount(t.fetched)} · done` : t.expected ? `${formatCount(t.fetched)} of ~${formatCount(t.expected)}` : formatCount(t.fetched)}</span>
                </div>
                <TypeProgressBar className="mt-1 h-1.5" label={`${t.label} import progress`} fraction={t.fraction} state={t.state} />
              </li>
            )
          })}
        </ul>
      ) : null}
    </Card>
  )
}
