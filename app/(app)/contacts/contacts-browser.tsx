'use client'

import { keepPreviousData, useQuery } from '@tanstack/react-query'
import Link from 'next/link'
import { useEffect, useState } from 'react'
import { Alert, Badge, Button, Card } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { ContactListPage, ContactSort, SortDirection } from '@/lib/contacts/list-contacts'
import { formatDate, formatMoney, statusLabels, statusTone } from '@/lib/contacts/format'

type Page = { after?: string; before?: string }
type Filters = { q: string; status: string; sort: ContactSort; dir: SortDirection }

export const contactsKeys = {
  all: ['contacts'] as const,
  list: (filters: Filters, page: Page) => ['contacts', 'list', filters, page] as const,
}

const sortOptions: { value: `${ContactSort}:${SortDirection}`; label: string }[] = [
  { value: 'created:desc', label: 'Newest customers' },
  { value: 'created:asc', label: 'Oldest customers' },
  { value: 'mrr:desc', label: 'Highest MRR' },
  { value: 'mrr:asc', label: 'Lowest MRR' },
  { value: 'last_activity:desc', label: 'Recently active' },
  { value: 'last_activity:asc', label: 'Least recently active' },
]

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(id)
  }, [value, ms])
  return debounced
}

export function ContactsBrowser() {
  const [search, setSearch] = useState('')
  const [status, setStatus] = useState('')
  const [order, setOrder] = useState<(typeof sortOptions)[number]['value']>('created:desc')
  const [page, setPage] = useState<Page>({})
  const [count, setCount] = useState<ContactListPage['count']>(null)
  const q = useDebounced(search.trim(), 250)
  const [sort, dir] = order.split(':') as [ContactSort, SortDirection]
  const filters: Filters = { q, status, sort, dir }

  // A new search, filter or order starts again from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on these changes only
  useEffect(() => setPage({}), [q, status, order])

  const list = useQuery({
    queryKey: contactsKeys.list(filters, page),
    queryFn: () => {
      const params = new URLSearchParams({ sort, dir, limit: '50' })
      if (q) params.set('q', q)
      if (status) params.set('status', status)
      if (page.after) params.set('after', page.after)
      if (page.before) params.set('before', page.before)
      return apiFetch<ContactListPage>(`/api/contacts?${params}`)
    },
    placeholderData: keepPreviousData,
  })
  // The count comes with first pages only; keep showing it while paging.
  useEffect(() => {
    if (list.data?.count) setCount(list.data.count)
  }, [list.data])

  const data = list.data
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="contact-search" className="block text-sm font-medium text-slate-800">
            Search
          </label>
          <input
            id="contact-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Start of an email or name, or a cus_ id"
            className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20"
          />
        </div>
        <div>
          <label htmlFor="contact-status" className="block text-sm font-medium text-slate-800">
            Subscription status
          </label>
          <select id="contact-status" value={status} onChange={(e) => setStatus(e.target.value)} className="mt-1.5 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="">Any status</option>
            {Object.entries(statusLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
            <option value="none">No subscription</option>
          </select>
        </div>
        <div>
          <label htmlFor="contact-sort" className="block text-sm font-medium text-slate-800">
            Sort
          </label>
          <select id="contact-sort" value={order} onChange={(e) => setOrder(e.target.value as typeof order)} className="mt-1.5 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            {sortOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      <p className="text-sm text-slate-600" data-testid="contact-count" aria-live="polite">
        {count ? `${count.value.toLocaleString('en-US')}${count.isCapped ? '+' : ''} ${count.value === 1 && !count.isCapped ? 'contact' : 'contacts'}${q || status ? ' match' : ''}` : '\u00a0'}
      </p>

      {list.error ? <Alert>{list.error.message}</Alert> : null}

      <Card className="overflow-hidden">
        <table className="w-full text-left text-sm" aria-label="Contacts">
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-5 py-3 font-medium">Contact</th>
              <th className="px-5 py-3 font-medium">Status</th>
              <th className="px-5 py-3 text-right font-medium">MRR</th>
              <th className="px-5 py-3 font-medium">Customer since</th>
              <th className="px-5 py-3 font-medium">Last activity</th>
            </tr>
          </thead>
          <tbody className={`divide-y divide-slate-100 ${list.isPlaceholderData ? 'opacity-60' : ''}`}>
            {data?.contacts.map((c) => (
              <tr key={c.id} data-testid="contact-row" className="hover:bg-slate-50">
                <td className="px-5 py-3">
                  <Link href={`/contacts/${c.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {c.name ?? c.email ?? 'Unnamed customer'}
                  </Link>
                  <p className="text-slate-500">{c.name ? (c.email ?? 'no email') : c.email ? '' : 'no email'}</p>
                </td>
                <td className="px-5 py-3">
                  {c.subscriptionStatus ? <Badge tone={statusTone(c.subscriptionStatus)}>{statusLabels[c.subscriptionStatus] ?? c.subscriptionStatus}</Badge> : <span className="text-slate-400">No subscription</span>}
                  {c.cancelAtPeriodEnd ? <span className="ml-2 text-xs text-amber-800">cancels at period end</span> : null}
                </td>
                <td className="px-5 py-3 text-right tabular-nums">{c.mrr ? formatMoney(c.mrr, c.currency) : <span className="text-slate-400">—</span>}</td>
                <td className="px-5 py-3 text-slate-600">{formatDate(c.customerSince)}</td>
                <td className="px-5 py-3 text-slate-600">{c.lastActivityAt ? formatDate(c.lastActivityAt) : <span className="text-slate-400">Never</span>}</td>
              </tr>
            ))}
            {data && data.contacts.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-5 py-10 text-center text-slate-600">
                  No contact matches. Search for the start of an email or a name, or clear the status filter.
                </td>
              </tr>
            ) : null}
            {!data && list.isPending ? (
              <tr>
                <td colSpan={5} className="px-5 py-10 text-center text-slate-500">
                  Loading contacts…
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </Card>

      <div className="flex items-center justify-end gap-2">
        <Button variant="secondary" disabled={!data?.prevCursor || list.isFetching} onClick={() => data?.prevCursor && setPage({ before: data.prevCursor })}>
          Previous
        </Button>
        <Button variant="secondary" disabled={!data?.nextCursor || list.isFetching} onClick={() => data?.nextCursor && setPage({ after: data.nextCursor })}>
          Next
        </Button>
      </div>
    </div>
  )
}
