'use client'

import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { apiFetch } from '@/lib/api-client'
import type { Feed } from '@/lib/feed/list-feed'
import { Badge, Button, Card } from './ui'

// A contact's billing feed (F15): newest first, filterable by type, "load more" pagination.
// Refreshes every few seconds so a webhook shows up without a reload. Embed on the contact page:
//   <BillingFeed contactId={contact.id} />

export function BillingFeed({ contactId, refreshMs = 3000 }: { contactId: string; refreshMs?: number }) {
  const [type, setType] = useState('')
  const feed = useInfiniteQuery({
    queryKey: ['contact-feed', contactId, type],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '25', ...(type && { types: type }), ...(pageParam && { before: pageParam }) })
      return apiFetch<Feed>(`/api/contacts/${encodeURIComponent(contactId)}/feed?${params}`)
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: refreshMs,
  })
  const first = feed.data?.pages[0]
  const items = feed.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Card className="p-4" aria-labelledby="billing-feed-title">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id="billing-feed-title" className="text-sm font-semibold text-slate-900">
            Billing events
          </h2>
          <p className="text-xs text-slate-500">Last activity: {first?.lastActivityAt ? new Date(first.lastActivityAt).toLocaleString() : 'never (send track calls from your product)'}</p>
        </div>
        <label className="text-xs text-slate-600">
          <span className="sr-only">Filter by type</span>
          <select className="rounded border border-slate-300 px-2 py-1 text-xs" value={type} onChange={(e) => setType(e.target.value)} aria-label="Filter billing events by type">
            <option value="">All events</option>
            {first?.types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {feed.isPending ? <p className="text-sm text-slate-500">Loading billing events…</p> : null}
      {feed.isError ? <p className="text-sm text-red-700">{feed.error.message}</p> : null}
      {!feed.isPending && !feed.isError && items.length === 0 ? (
        <p className="text-sm text-slate-500">{type ? 'No events of this type.' : 'No billing events yet. They appear here as Stripe reports payments, trials and subscription changes.'}</p>
      ) : null}
      <ol className="divide-y divide-slate-100" data-testid="billing-feed">
        {items.map((item) => (
          <li key={item.id} className="flex items-start justify-between gap-3 py-2">
            <div className="min-w-0">
              <p className="text-sm font-medium text-slate-900">
                {item.label} {item.isHistorical ? <Badge>historical</Badge> : null}
              </p>
              <p className="text-sm text-slate-600">{item.summary}</p>
            </div>
            <div className="shrink-0 text-right text-xs text-slate-500">
              <time dateTime={item.occurredAt}>{new Date(item.occurredAt).toLocaleString()}</time>
              {item.stripeUrl ? (
                <a className="block text-brand-600 hover:underline" href={item.stripeUrl} target="_blank" rel="noreferrer">
                  View in Stripe
                </a>
              ) : item.stripeObjectId ? (
                <span className="block max-w-48 truncate font-mono" title={item.stripeObjectId}>
                  {item.stripeObjectId}
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      {feed.hasNextPage ? (
        <Button variant="secondary" className="mt-3" onClick={() => feed.fetchNextPage()} disabled={feed.isFetchingNextPage}>
          {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </Card>
  )
}
