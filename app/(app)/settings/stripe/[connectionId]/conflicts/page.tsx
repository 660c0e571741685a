import Link from 'next/link'
import { ModeBadge } from '@/components/mode-badge'
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui'
import { formatDate, statusLabels } from '@/lib/contacts/format'
import { listIdentityConflicts } from '@/lib/contacts/list-identity-conflicts'
import { db } from '@/lib/db'
import { orNotFound, requirePageContext } from '@/lib/server/session'

export const metadata = { title: 'Identity conflicts' }

export default async function IdentityConflictsPage({ params }: { params: Promise<{ connectionId: string }> }) {
  const context = await requirePageContext('manage_stripe')
  const { connectionId } = await params
  const result = await orNotFound(listIdentityConflicts(db(), { workspaceId: context.workspaceId, connectionId }))
  const { connection, conflicts, rule } = result
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm">
        <Link href={`/settings/stripe/${connection.id}`} className="text-slate-600 hover:text-slate-900 hover:underline">
          ← {connection.accountName ?? connection.accountId ?? 'Stripe connection'}
        </Link>
      </nav>
      <PageHeader
        title="Identity conflicts"
        description={
          <>
            Stripe customers that share one email address. Churnless links all of them to one contact and overwrites nothing; the contact shows the attributes of one customer. {rule}
          </>
        }
        actions={<ModeBadge mode={connection.mode} isSandbox={connection.isSandbox} />}
      />
      {conflicts.length === 0 ? (
        <EmptyState title="No identity conflicts">Every email in this Stripe account belongs to a single customer.</EmptyState>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-slate-600" data-testid="conflict-count">
            {conflicts.length.toLocaleString('en-US')} {conflicts.length === 1 ? 'email is' : 'emails are'} shared by several customers.
          </p>
          {conflicts.map((c) => (
            <Card key={c.id} className="p-5" data-testid="identity-conflict">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 className="font-medium text-slate-900">{c.email}</h2>
                <Link href={`/contacts/${c.contactId}`} className="text-sm text-brand-700 hover:underline">
                  Open contact
                </Link>
              </div>
              <table className="mt-3 w-full table-fixed text-left text-sm">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="w-1/4 py-1.5 font-medium">Stripe customer</th>
                    <th className="w-1/4 py-1.5 font-medium">Name</th>
                    <th className="w-1/6 py-1.5 font-medium">Created</th>
                    <th className="py-1.5 font-medium">Main subscription</th>
                    <th className="py-1.5 font-medium">
                      <span className="sr-only">Shown</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {c.customers.map((cu) => (
                    <tr key={cu.id}>
                      <td className="py-1.5 font-mono text-xs">
                        {cu.dashboardUrl ? (
                          <a href={cu.dashboardUrl} target="_blank" rel="noreferrer" className="text-brand-700 hover:underline">
                            {cu.id} ↗
                          </a>
                        ) : (
                          cu.id
                        )}
                      </td>
                      <td className="py-1.5 text-slate-800">{cu.isMissing ? <span className="text-slate-400">not in this account any more</span> : (cu.name ?? '—')}</td>
                      <td className="py-1.5 text-slate-600">{cu.created ? formatDate(cu.created) : '—'}</td>
                      <td className="py-1.5 text-slate-600">{cu.subscriptionStatus ? (statusLabels[cu.subscriptionStatus] ?? cu.subscriptionStatus) : 'none'}</td>
                      <td className="py-1.5 text-right">{cu.isShown ? <Badge tone="brand">attributes shown</Badge> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
          ))}
        </div>
      )}
    </>
  )
}
