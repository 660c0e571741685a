import Link from 'next/link'
import { SegmentsIcon } from '@/components/icons'
import { Badge, ButtonLink, Card, EmptyState, PageHeader } from '@/components/ui'
import { db } from '@/lib/db'
import { listSegments } from '@/lib/segments/segments-service'
import { requirePageContext } from '@/lib/server/session'

export const metadata = { title: 'Segments' }

export default async function SegmentsPage() {
  const context = await requirePageContext()
  const segments = await listSegments(db(), context.workspaceId)
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of contacts that stay current by themselves: trials, slipping customers, churned, past due and your own rules."
        actions={<ButtonLink href="/segments/new">New segment</ButtonLink>}
      />
      {segments.length === 0 ? (
        <EmptyState icon={<SegmentsIcon />} title="No segments yet" action={<ButtonLink href="/segments/new">Build a segment</ButtonLink>}>
          {context.role === 'admin'
            ? 'Connecting Stripe creates ten built-in segments (current trials, past due, churned customers…). Start from Settings → Stripe, or build your own.'
            : 'Built-in segments appear as soon as an admin connects Stripe. You can build your own now.'}
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-left text-sm" aria-label="Segments">
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Segment</th>
                <th className="px-4 py-2 text-right font-medium">Members</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {segments.map((s) => (
                <tr key={s.id} data-testid="segment-row" className="hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <div className="flex items-center gap-2">
                      <Link href={`/segments/${s.id}`} className="font-medium text-slate-900 hover:underline">
                        {s.name}
                      </Link>
                      {s.builtinKey ? <Badge tone="brand">built-in</Badge> : null}
                      {s.recomputeProgress !== null ? <Badge tone="amber">recomputing {Math.round(s.recomputeProgress * 100)}%</Badge> : null}
                    </div>
                    {s.description ? <p className="mt-0.5 text-xs text-slate-500">{s.description}</p> : null}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums font-medium text-slate-800" data-testid="member-count">
                    {s.memberCount.toLocaleString('en-US')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  )
}
