import { ModeBadge } from '@/components/mode-badge'
import { ButtonLink, PageHeader } from '@/components/ui'
import { getConnectionOrThrow } from '@/lib/connections/connection-deps'
import { db } from '@/lib/db'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { getSyncProgress } from '@/lib/sync/backfill/get-sync-progress'
import { SyncProgressPanel } from './sync-progress'

export const metadata = { title: 'Stripe connection' }

export default async function ConnectionPage({ params }: { params: Promise<{ connectionId: string }> }) {
  const context = await requirePageContext('manage_stripe')
  const { connectionId } = await params
  const connection = await orNotFound(getConnectionOrThrow(db(), context.workspaceId, connectionId))
  const progress = await getSyncProgress(db(), { connectionId: connection.id, now: new Date() })
  return (
    <>
      <PageHeader
        title={connection.accountName ?? connection.accountId ?? 'Stripe account'}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <ModeBadge mode={connection.mode} isSandbox={connection.apiBase !== null} />
            <span className="font-mono text-xs text-slate-500">
              {connection.accountId} · key {connection.keyHint}
            </span>
          </span>
        }
        actions={
          <>
            <ButtonLink href={`/settings/stripe/${connection.id}/health`} variant="secondary">
              Sync health
            </ButtonLink>
            <ButtonLink href={`/settings/stripe/${connection.id}/mapping`} variant="secondary">
              Field mapping
            </ButtonLink>
            <ButtonLink href={`/settings/stripe/${connection.id}/conflicts`} variant="secondary">
              Identity conflicts
            </ButtonLink>
            <ButtonLink href="/settings/stripe" variant="secondary">
              All connections
            </ButtonLink>
          </>
        }
      />
      <SyncProgressPanel connectionId={connection.id} initial={JSON.parse(JSON.stringify(progress))} />
    </>
  )
}
