import { EnvelopeIcon } from '@/components/icons'
import { Badge, Card, EmptyState, PageHeader } from '@/components/ui'
import { formatDateTime } from '@/lib/contacts/format'
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { listOutboxEmails, type OutboxEmailItem, outboxListLimit } from '@/lib/mail/list-outbox-emails'
import { requirePageContext } from '@/lib/server/session'

export const metadata = { title: 'Outbox' }

export default async function OutboxPage() {
  const context = await requirePageContext('manage_stripe')
  const emails = await listOutboxEmails(db(), context.workspaceId)
  const hasSmtp = Boolean(env().SMTP_URL)
  return (
    <>
      <PageHeader
        title="Outbox"
        description={
          hasSmtp
            ? `Every email Churnless sends for this workspace, such as sync alerts to admins. They are delivered through the SMTP server in SMTP_URL and kept here too (the latest ${outboxListLimit}).`
            : `Every email Churnless sends for this workspace, such as sync alerts to admins (the latest ${outboxListLimit}). SMTP_URL is not set, so they are only kept here; set it to deliver them to inboxes.`
        }
      />
      {emails.length ? (
        <ul className="space-y-4">
          {emails.map((email) => (
            <li key={email.id}>
              <OutboxEmailCard email={email} />
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState icon={<EnvelopeIcon />} title="No emails yet">
          When a Stripe connection stops syncing, or recovers, Churnless emails the workspace's admins. In the embedded default those emails appear only here; when SMTP_URL is set they are also delivered over SMTP.
        </EmptyState>
      )}
    </>
  )
}

function OutboxEmailCard({ email }: { email: OutboxEmailItem }) {
  return (
    <Card className="p-5" data-testid="outbox-email">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium text-slate-900">{email.subject}</p>
          <p className="mt-0.5 text-sm text-slate-600">
            To {email.to} · <time dateTime={email.createdAt}>{formatDateTime(email.createdAt)}</time>
          </p>
        </div>
        <TransportBadge email={email} />
      </div>
      {email.error ? <p className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{email.error}</p> : null}
      <pre className="mt-3 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-slate-50 px-3 py-2 font-sans text-sm text-slate-700">{email.text}</pre>
    </Card>
  )
}

function TransportBadge({ email }: { email: OutboxEmailItem }) {
  if (email.transport === 'outbox') return <Badge>Kept in outbox</Badge>
  if (email.error) return <Badge tone="red">SMTP failed</Badge>
  if (email.sentAt) return <Badge tone="green">Sent over SMTP</Badge>
  return <Badge tone="amber">Sending</Badge>
}
