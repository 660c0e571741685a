'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, Card } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { MemberRow } from '@/lib/segments/preview'
import { segmentKeys } from './query-keys'

// Members, 50 per page, keyset-paginated (the cursor stack gives "Previous").
export function MembersTable({ segmentId, total }: { segmentId: string; total: number }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null])
  const after = cursors[cursors.length - 1] ?? null
  const query = useQuery({
    queryKey: segmentKeys.members(segmentId, after),
    queryFn: ({ signal }) => apiFetch<{ members: MemberRow[]; next: string | null }>(`/api/segments/${segmentId}/members?limit=50${after ? `&after=${encodeURIComponent(after)}` : ''}`, { signal }),
    placeholderData: keepPreviousData,
  })
  const rows = query.data?.members ?? []
  return (
    <Card>
      <table className="w-full text-left text-sm" aria-label="Members">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Contact</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2 text-right font-medium">MRR</th>
            <th className="px-4 py-2 font-medium">Last activity</th>
            <th className="px-4 py-2 font-medium">Entered</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((m) => (
            <tr key={m.id} data-testid="member-row">
              <td className="px-4 py-2">
                <p className="font-medium text-slate-800">{m.name ?? m.email ?? m.id}</p>
                <p className="text-xs text-slate-500">{m.email}</p>
              </td>
              <td className="px-4 py-2 text-slate-700">{m.subscriptionStatus ?? '—'}</td>
              <td className="px-4 py-2 text-right tabular-nums text-slate-700">
                {(m.mrr / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} {(m.currency ?? '').toUpperCase()}
              </td>
              <td className="px-4 py-2 text-slate-600">{m.lastActivityAt ? new Date(m.lastActivityAt).toLocaleDateString('en-US', { dateStyle: 'medium' }) : 'never'}</td>
              <td className="px-4 py-2 text-slate-600">{new Date(m.enteredAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !query.isLoading ? <p className="px-4 py-8 text-center text-sm text-slate-500">No members yet. Members appear as contacts match the rule.</p> : null}
      {query.isError ? <p className="px-4 py-3 text-sm text-red-700">{(query.error as Error).message}</p> : null}
      <div className="flex items-center justify-between border-t border-slate-200 px-4 py-2 text-sm text-slate-600">
        <span>
          {total.toLocaleString('en-US')} member{total === 1 ? '' : 's'} · page {cursors.length}
        </span>
        <div className="flex gap-2">
          <Button variant="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous
          </Button>
          <Button variant="secondary" disabled={!query.data?.next || query.isPlaceholderData} onClick={() => setCursors([...cursors, query.data?.next ?? null])}>
            Next
          </Button>
        </div>
      </div>
    </Card>
  )
}
