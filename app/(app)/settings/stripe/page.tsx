import { StripeIcon } from '@/components/icons'
import { ButtonLink, EmptyState, PageHeader } from '@/components/ui'
import { listConnections } from '@/lib/connections/manage-connections'
import { db } from '@/lib/db'
import { env } from '@/lib/env'
import { requirePageContext } from '@/lib/server/session'
import { getMrrSettings } from '@/lib/workspaces/mrr-settings'
import { ConnectionList } from './connection-list'
import { MrrSettingsForm } from './mrr-settings-form'

export const metadata = { title: 'Stripe' }

export default async function StripeSettingsPage() {
  const context = await requirePageContext('manage_stripe')
  const [connections, mrrSettings] = await Promise.all([listConnections(db(), context.workspaceId, { appUrl: env().APP_URL }), getMrrSettings(db(), { workspaceId: context.workspaceId })])
  return (
    <>
      <PageHeader
        title="Stripe connections"
        description="Churnless reads your Stripe account with a restricted key and keeps contacts in sync through webhooks."
        actions={connections.length ? <ButtonLink href="/settings/stripe/connect">Connect another account</ButtonLink> : null}
      />
      {connections.length ? (
        <ConnectionList initialConnections={connections} />
      ) : (
        <EmptyState icon={<StripeIcon />} title="Connect your Stripe account" action={<ButtonLink href="/settings/stripe/connect">Connect Stripe</ButtonLink>}>
          You'll create a restricted key in Stripe with read access to customers, subscriptions, invoices, charges, prices, events and checkout sessions, and write access to webhook endpoints. Churnless checks each permission before importing anything.
        </EmptyState>
      )}
      <MrrSettingsForm initial={mrrSettings} />
    </>
  )
}
