import { ButtonLink } from '@/components/ui'
import { ConnectionHeader } from '../connection-header'
import { getConnectionOrThrow } from '@/lib/connections/connection-deps'
import { db } from '@/lib/db'
import { getSyncHealth } from '@/lib/health/get-sync-health'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { HealthPanel } from './health-panel'

export const metadata = { title: 'Sync health' }

export default async function SyncHealthPage({ params }: { params: Promise<{ connectionId: string }> }) {
  const context = await requirePageContext('manage_stripe')
  const { connectionId } = await params
  const connection = await orNotFound(getConnectionOrThrow(db(), context.workspaceId, connectionId))
  const health = await getSyncHealth(db(), { connectionId: connection.id, now: new Date() })
  return (
    <>
      <ConnectionHeader
        title={`Sync health · ${connection.accountName ?? connection.accountId ?? 'Stripe account'}`}
        connection={connection}
        actions={
          <>
            <ButtonLink href={`/settings/stripe/${connection.id}`} variant="secondary">
              Import progress
            </ButtonLink>
            <ButtonLink href="/settings/stripe" variant="secondary">
              All connections
            </ButtonLink>
          </>
        }
      />
      <HealthPanel connectionId={connection.id} initial={JSON.parse(JSON.stringify(health))} />
    </>
  )
}
