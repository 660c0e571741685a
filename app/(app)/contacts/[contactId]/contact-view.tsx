'use client'

import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { ModeBadge } from '@/components/mode-badge'
import { BillingFeed } from '@/components/billing-feed'
import { Badge, Card, PageHeader } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import { formatDate, formatDateTime, formatInterval, formatMoney, statusLabels, statusTone } from '@/lib/contacts/format'
import type { ContactAttribute, ContactDetail, ContactSubscription } from '@/lib/contacts/get-contact'
import { discountSkipLabels } from '@/lib/sync/mrr'

const contactKey = (id: string) => ['contacts', 'detail', id] as const

export function ContactView({ initialDetail }: { initialDetail: ContactDetail }) {
  const { data } = useQuery({
    queryKey: contactKey(initialDetail.contact.id),
    queryFn: () => apiFetch<ContactDetail>(`/api/contacts/${initialDetail.contact.id}`),
    initialData: initialDetail,
    // Webhooks change a contact while the page is open: keep it current without a reload.
    refetchInterval: 5_000,
  })
  const c = data.contact
  const representative = data.mrr.find((m) => m.isRepresentative) ?? data.mrr[0]
  return (
    <>
      <PageHeader
        title={c.name ?? c.email ?? 'Unnamed customer'}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {c.email ? <span>{c.email}</span> : <span className="text-slate-400">no email</span>}
            <span data-testid="contact-status">
              {c.subscriptionStatus ? <Badge tone={statusTone(c.subscriptionStatus)}>{statusLabels[c.subscriptionStatus] ?? c.subscriptionStatus}</Badge> : <Badge>No subscription</Badge>}
            </span>
          </span>
        }
      />
      <dl className="mb-8 grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Figure label="MRR" testId="contact-mrr">
          {formatMoney(c.mrr, c.currency)}
        </Figure>
        <Figure label="Total spend">{formatMoney(c.totalSpend, c.currency)}</Figure>
        <Figure label="Customer since">{formatDate(c.customerSince)}</Figure>
        <Figure label="Last activity">{c.lastActivityAt ? formatDate(c.lastActivityAt) : 'Never'}</Figure>
      </dl>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <StripePanel data={data} />
          <BillingFeed contactId={c.id} />
          {representative?.items.length ? <MrrBreakdown mrr={representative} /> : null}
        </div>
        <div className="space-y-6">
          <Attributes data={data} />
          <Segments data={data} />
        </div>
      </div>
    </>
  )
}

function Segments({ data }: { data: ContactDetail }) {
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold">Segments</h2>
      {data.segments.length ? (
        <ul className="mt-3 space-y-2 text-sm" aria-label="Current segments">
          {data.segments.map((s) => (
            <li key={s.id} className="flex justify-between gap-3">
              <a href={`/segments/${s.id}`} className="font-medium text-slate-800 hover:underline">
                {s.name}
              </a>
              <span className="text-right text-slate-500" title={s.causeLabel}>
                since {formatDateTime(s.enteredAt)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Not in any segment yet.</p>
      )}
      <h3 className="mt-5 text-sm font-semibold text-slate-700">History</h3>
      {data.segmentHistory.length ? (
        <table className="mt-2 w-full text-left text-sm" aria-label="Segment history">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1 pr-2 font-medium">When</th>
              <th className="py-1 pr-2 font-medium">Change</th>
              <th className="py-1 font-medium">Cause</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.segmentHistory.map((h) => (
              <tr key={h.id}>
                <td className="whitespace-nowrap py-1.5 pr-2 tabular-nums text-slate-600">{formatDateTime(h.at)}</td>
                <td className="py-1.5 pr-2">
                  <Badge tone={h.kind === 'entered' ? 'green' : 'neutral'}>{h.kind === 'entered' ? 'Entered' : 'Left'}</Badge> <span className="text-slate-800">{h.segmentName ?? 'A deleted segment'}</span>
                </td>
                <td className="py-1.5 text-slate-600" title={h.cause}>
                  {h.causeLabel}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-1 text-sm text-slate-600">No entries or exits recorded yet.</p>
      )}
    </Card>
  )
}

function Figure({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Card className="px-4 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </Card>
  )
}

function ExternalLink({ href, children }: { href: string | null; children: ReactNode }) {
  if (!href) return <span className="font-mono text-xs text-slate-500">{children}</span>
  return (
    <a href={href} target="_blank" rel="noreferrer" className="font-mono text-xs text-brand-700 hover:underline">
      {children} ↗
    </a>
  )
}

function StripePanel({ data }: { data: ContactDetail }) {
  const isSandbox = data.connections.some((c) => c.isSandbox)
  return (
    <Card className="p-5" aria-label="Stripe" data-testid="stripe-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-base font-semibold">Stripe</h2>
        <span className="flex gap-2">
          {data.connections.map((c) => (
            <ModeBadge key={c.id} mode={c.mode} isSandbox={c.isSandbox} />
          ))}
        </span>
      </div>
      {isSandbox ? <p className="mt-1 text-xs text-slate-500">Sandbox account: its objects exist only in the local Stripe sandbox, so there are no Stripe dashboard links.</p> : null}
      {data.customers.length === 0 ? <p className="mt-3 text-sm text-slate-600">This contact is not linked to a Stripe customer.</p> : null}
      <ul className="mt-3 space-y-1 text-sm">
        {data.customers.map((cu) => (
          <li key={`${cu.connectionId}:${cu.id}`} className="flex flex-wrap items-center gap-2">
            <ExternalLink href={cu.dashboardUrl}>{cu.id}</ExternalLink>
            <span className="text-slate-600">
              {cu.name ?? cu.email ?? ''} · created {formatDate(cu.created)}
            </span>
            {data.customers.length > 1 && cu.isRepresentative ? <Badge tone="brand">attributes shown</Badge> : null}
            {cu.isDeleted ? <Badge tone="red">deleted in Stripe</Badge> : null}
          </li>
        ))}
      </ul>
      {data.customers.length > 1 ? <p className="mt-2 text-xs text-slate-500">{data.rules.representative}</p> : null}

      <h3 className="mt-6 text-sm font-semibold text-slate-800">Subscriptions</h3>
      {data.subscriptions.length ? (
        <ul className="mt-2 space-y-3">
          {data.subscriptions.map((s) => (
            <Subscription key={s.id} s={s} />
          ))}
        </ul>
      ) : (
        <p className="mt-2 text-sm text-slate-600">No subscriptions.</p>
      )}
      {data.subscriptions.length > 1 ? <p className="mt-2 text-xs text-slate-500">{data.rules.primarySubscription}</p> : null}

      <h3 className="mt-6 text-sm font-semibold text-slate-800">Recent payments</h3>
      {data.payments.length ? (
        <table className="mt-2 w-full text-left text-sm" aria-label="Recent payments">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-2 font-medium">Date</th>
              <th className="py-2 text-right font-medium">Amount</th>
              <th className="py-2 pl-4 font-medium">Status</th>
              <th className="py-2 font-medium">Description</th>
              <th className="py-2 font-medium">
                <span className="sr-only">Stripe</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.payments.map((p) => (
              <tr key={p.id} data-testid="payment-row">
                <td className="py-2 text-slate-700">{formatDateTime(p.created)}</td>
                <td className="py-2 text-right tabular-nums">{formatMoney(p.amount, p.currency)}</td>
                <td className="py-2 pl-4">
                  <Badge tone={p.status === 'succeeded' ? 'green' : p.status === 'failed' ? 'red' : 'neutral'}>{p.status === 'succeeded' ? 'Succeeded' : p.status === 'failed' ? 'Failed' : p.status}</Badge>
                  {p.isRefunded ? <span className="ml-2 text-xs text-amber-800">{p.amountRefunded >= p.amount ? 'refunded' : `${formatMoney(p.amountRefunded, p.currency)} refunded`}</span> : null}
                </td>
                <td className="py-2 text-slate-600">{p.failureMessage ?? p.description ?? '—'}</td>
                <td className="py-2 text-right">
                  <ExternalLink href={p.dashboardUrl}>{p.id.slice(0, 10)}…</ExternalLink>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="mt-2 text-sm text-slate-600">No payments yet.</p>
      )}
    </Card>
  )
}

function Subscription({ s }: { s: ContactSubscription }) {
  return (
    <li className="rounded-lg border border-slate-200 p-3" data-testid="subscription">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-slate-900" data-testid="subscription-plan">
            {s.plan}
          </span>
          <Badge tone={statusTone(s.status)}>{statusLabels[s.status] ?? s.status}</Badge>
          {s.isPrimary ? <Badge tone="brand">main</Badge> : null}
          {s.cancelAtPeriodEnd ? <Badge tone="amber">cancels at period end</Badge> : null}
        </div>
        <ExternalLink href={s.dashboardUrl}>{s.id}</ExternalLink>
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
        <Pair label="Amount">
          {s.amount !== null ? `${formatMoney(s.amount, s.currency)} / ${formatInterval(s.interval, s.intervalCount)}` : 'tiered or metered'}
        </Pair>
        <Pair label="Quantity">{s.items.map((i) => i.quantity).join(' + ')}</Pair>
        <Pair label="Current period">{s.currentPeriodStart ? `${formatDate(s.currentPeriodStart)} – ${formatDate(s.currentPeriodEnd)}` : '—'}</Pair>
        {s.trialEnd ? <Pair label="Trial">{`${formatDate(s.trialStart)} – ${formatDate(s.trialEnd)}`}</Pair> : null}
        {s.canceledAt ? <Pair label="Canceled">{formatDate(s.canceledAt)}</Pair> : null}
        {s.latestInvoice ? (
          <Pair label="Latest invoice">
            <ExternalLink href={s.latestInvoice.dashboardUrl}>{s.latestInvoice.id}</ExternalLink>
            {s.latestInvoice.status ? <span className="ml-1 text-slate-500">{s.latestInvoice.status}</span> : null}
          </Pair>
        ) : null}
      </dl>
    </li>
  )
}

function Pair({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-slate-800">{children}</dd>
    </div>
  )
}

const exclusionLabels: Record<string, string> = {
  subscription_not_active: 'subscription not active',
  trialing: 'in trial',
  metered: 'metered (usage-based)',
  free: 'free',
  not_recurring: 'one-time price',
  tiers_missing: 'tiers unknown',
  unknown_interval: 'unknown interval',
}

function MrrBreakdown({ mrr }: { mrr: ContactDetail['mrr'][number] }) {
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold">MRR, item by item</h2>
      <p className="mt-1 text-xs text-slate-500">Active and past-due subscriptions; each item's price × quantity per month (year ÷ 12, week × 52 ÷ 12), forever discounts subtracted.</p>
      <table className="mt-3 w-full text-left text-sm" aria-label="MRR breakdown">
        <tbody className="divide-y divide-slate-100">
          {mrr.items.map((i) => (
            <tr key={`${i.subscriptionId}:${i.itemId}`}>
              <td className="py-2">
                <span className="text-slate-800">{i.product?.name ?? i.priceId}</span>
                <span className="ml-2 text-xs text-slate-500">
                  × {i.quantity} · {formatInterval(i.interval, i.intervalCount)}
                </span>
              </td>
              <td className="py-2 text-right tabular-nums">
                {i.excludedReason ? <span className="text-slate-400">not counted: {exclusionLabels[i.excludedReason] ?? i.excludedReason}</span> : formatMoney(i.monthlyAmount, i.currency)}
                {i.discountMonthly > 0 && !i.excludedReason ? <span className="ml-2 text-xs text-slate-500">(−{formatMoney(i.discountMonthly, i.currency)} discount)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t border-slate-200 font-semibold">
          {Object.entries(mrr.totals).map(([currency, total]) => (
            <tr key={currency}>
              <td className="py-2">Total</td>
              <td className="py-2 text-right tabular-nums">{formatMoney(total, currency)}</td>
            </tr>
          ))}
        </tfoot>
      </table>
      {mrr.skippedDiscounts.length ? (
        <ul className="mt-3 space-y-1 text-xs text-amber-800" aria-label="Discounts not counted">
          {mrr.skippedDiscounts.map((d) => (
            <li key={`${d.subscriptionId}:${d.itemId ?? ''}:${d.discountId ?? d.couponId}`}>
              Discount {d.couponId ?? d.discountId ?? ''} not counted: {discountSkipLabels[d.reason] ?? d.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  )
}

function formatValue(a: ContactAttribute): string {
  if (a.value === null || a.value === '') return '—'
  if (a.type === 'money' && typeof a.value === 'number') return formatMoney(a.value, a.currency)
  if (a.type === 'date' && typeof a.value === 'string') return formatDateTime(a.value)
  if (typeof a.value === 'boolean') return a.value ? 'Yes' : 'No'
  return String(a.value)
}

function Attributes({ data }: { data: ContactDetail }) {
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold">Attributes</h2>
      {data.attributeGroups.map((g) => (
        <section key={g.id} className="mt-4" aria-label={g.label}>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{g.label}</h3>
          <dl className="mt-1 divide-y divide-slate-100 text-sm">
            {g.attributes.map((a) => (
              <div key={a.name} className="flex justify-between gap-4 py-1.5" title={a.name}>
                <dt className="text-slate-600">{a.label}</dt>
                <dd className="min-w-0 truncate text-right text-slate-900" data-testid={`attr-${a.name}`}>
                  {formatValue(a)}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <section className="mt-4" aria-label="Custom attributes">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Custom</h3>
        {data.customAttributes.length ? (
          <dl className="mt-1 divide-y divide-slate-100 text-sm">
            {data.customAttributes.map((a) => (
              <div key={a.name} className="flex justify-between gap-4 py-1.5">
                <dt className="font-mono text-xs text-slate-600">{a.name}</dt>
                <dd className="min-w-0 truncate text-right text-slate-900">{typeof a.value === 'object' ? JSON.stringify(a.value) : String(a.value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="mt-1 text-sm text-slate-500">None yet. Custom attributes come from the activity API or are set by people.</p>
        )}
      </section>
    </Card>
  )
}
