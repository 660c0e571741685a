'use client'

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useEffect, useMemo, useState } from 'react'
import { Alert, Button, Card } from '@/components/ui'
import { ApiError, apiFetch } from '@/lib/api-client'
import type { PreviewResult } from '@/lib/segments/preview'
import { sameRule } from '@/lib/segments/builtins'
import { checkRuleShape, emptyRule, type Rule, type RuleIssue } from '@/lib/segments/rule-schema'
import { segmentKeys } from './query-keys'
import { GroupEditor, type PickerData } from './rule-builder'

// Name + rule builder + live preview. The preview is a TanStack query keyed by the (debounced)
// rule: each edit asks again, an answer for an older rule is never shown for a newer one
// (different key), and the request of a superseded key is aborted.

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return debounced
}

const money = (minor: number, currency: string | null) => `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${(currency ?? '').toUpperCase()}`

export function SegmentEditor({ segment }: { segment?: { id: string; name: string; description: string | null; rule: Rule | null } }) {
  const router = useRouter()
  const queryClient = useQueryClient()
  const [name, setName] = useState(segment?.name ?? '')
  const [rule, setRule] = useState<Rule>(segment?.rule ?? emptyRule())
  const [saveError, setSaveError] = useState<ApiError | null>(null)
  const debouncedRule = useDebounced(rule, 300)

  const picker = useQuery({ queryKey: segmentKeys.picker(), queryFn: ({ signal }) => apiFetch<PickerData>('/api/segments/attributes', { signal }), staleTime: 60_000 })
  const localIssues = useMemo<RuleIssue[]>(() => {
    const r = checkRuleShape(rule)
    return r.ok ? [] : r.issues
  }, [rule])
  const canPreview = localIssues.length === 0 && JSON.stringify(rule) === JSON.stringify(debouncedRule)
  const preview = useQuery({
    queryKey: segmentKeys.preview(segment?.id ?? null, debouncedRule),
    queryFn: ({ signal }) => apiFetch<PreviewResult>('/api/segments/preview', { method: 'POST', json: { rule: debouncedRule, segmentId: segment?.id }, signal }),
    enabled: checkRuleShape(debouncedRule).ok,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  })
  const serverIssues = preview.data && !preview.data.ok && !preview.isPlaceholderData ? preview.data.issues : []
  const issues = [...localIssues, ...(saveError ? Object.entries(saveError.fields).map(([k, message]) => ({ path: k.replace(/^rule\.?/, ''), message })) : []), ...serverIssues]
  const ruleChanged = segment ? !sameRule(segment.rule, rule) : true

  const save = useMutation({
    mutationFn: () =>
      segment
        ? apiFetch<{ segment: { id: string } }>(`/api/segments/${segment.id}`, { method: 'PUT', json: { name, description: segment.description, rule } })
        : apiFetch<{ segment: { id: string } }>('/api/segments', { method: 'POST', json: { name, rule } }),
    onMutate: () => setSaveError(null),
    onError: (e) => setSaveError(e instanceof ApiError ? e : new ApiError(String(e), 0)),
    onSuccess: async ({ segment: saved }) => {
      await queryClient.invalidateQueries({ queryKey: segmentKeys.all })
      router.push(`/segments/${saved.id}`)
      router.refresh()
    },
  })

  const result = preview.data?.ok ? preview.data : null
  const stale = preview.isFetching || !canPreview
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="space-y-4">
        <Card className="p-4">
          <label htmlFor="segment-name" className="block text-sm font-medium text-slate-800">
            Segment name
          </label>
          <input
            id="segment-name"
            className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. High-value past due"
          />
          {saveError?.fields.name ? <p className="mt-1.5 text-sm text-red-700">{saveError.fields.name}</p> : null}
        </Card>
        {picker.isError ? <Alert>Could not load the workspace's attributes: {(picker.error as Error).message}</Alert> : null}
        {picker.data ? (
          <GroupEditor group={rule.root} onChange={(root) => setRule({ ...rule, root })} picker={picker.data} issues={issues} />
        ) : (
          <Card className="p-6 text-sm text-slate-500">Loading attributes…</Card>
        )}
        {saveError && !Object.keys(saveError.fields).length ? <Alert>{saveError.message}</Alert> : null}
        <div className="flex items-center gap-3">
          <Button onClick={() => save.mutate()} disabled={save.isPending || !name.trim() || localIssues.length > 0}>
            {save.isPending ? 'Saving…' : segment ? 'Save segment' : 'Create segment'}
          </Button>
          {segment && ruleChanged && result?.diff ? (
            <span className="text-sm text-slate-600">Saving recomputes the members in the background.</span>
          ) : null}
        </div>
      </div>

      <aside className="space-y-4">
        <Card className="p-4" aria-live="polite">
          <h2 className="text-sm font-semibold text-slate-900">Matching contacts</h2>
          <p className={`mt-1 text-3xl font-semibold tabular-nums ${stale ? 'text-slate-400' : 'text-slate-900'}`} data-testid="live-count" data-stale={stale ? 'true' : 'false'}>
            {result ? result.count.toLocaleString('en-US') : '—'}
          </p>
          <p className="text-xs text-slate-500">{stale ? 'Updating…' : result ? `counted in ${result.tookMs} ms` : serverIssues.length ? 'Fix the rule to see a count.' : ' '}</p>
          {segment && result?.diff && ruleChanged ? (
            // The diff belongs to the count above: while a newer rule is being counted it is greyed like the count.
            <div className={`mt-3 rounded-md bg-slate-50 p-3 text-sm transition-opacity ${stale ? 'opacity-50' : ''}`} data-testid="diff" data-stale={stale ? 'true' : 'false'} aria-busy={stale}>
              If you save this edit: <strong className="text-emerald-700">{result.diff.enter.toLocaleString('en-US')} would enter</strong>,{' '}
              <strong className="text-red-700">{result.diff.leave.toLocaleString('en-US')} would leave</strong>.
            </div>
          ) : null}
        </Card>
        <Card className="p-4">
          <h2 className="text-sm font-semibold text-slate-900">A sample of them{stale && result ? <span className="ml-2 text-xs font-normal text-slate-400">updating…</span> : null}</h2>
          {result && result.sample.length === 0 ? <p className="mt-2 text-sm text-slate-500">No contact matches this rule.</p> : null}
          <ul className={`mt-2 divide-y divide-slate-100 transition-opacity ${stale ? 'opacity-50' : ''}`} data-testid="sample" data-stale={stale ? 'true' : 'false'} aria-busy={stale}>
            {result?.sample.map((c) => (
              <li key={c.id} className="py-2 text-sm">
                <p className="font-medium text-slate-800">{c.name ?? c.email ?? c.id}</p>
                <p className="text-xs text-slate-500">
                  {c.email ?? 'no email'} · {c.subscriptionStatus ?? 'no subscription'} · MRR {money(c.mrr, c.currency)}
                </p>
              </li>
            ))}
          </ul>
        </Card>
      </aside>
    </div>
  )
}
