import { ButtonLink } from '@/components/ui'
import { ConnectionHeader } from './connection-header'
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
      <ConnectionHeader
        title={connection.accountName ?? connection.accountId ?? 'Stripe account'}
        connection={connection}
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
