import { BoltIcon } from '@/components/icons'
import { EmptyState, PageHeader } from '@/components/ui'
import { requirePageContext } from '@/lib/server/session'

export const metadata = { title: 'Automations' }

export default async function AutomationsPage() {
  await requirePageContext()
  return (
    <>
      <PageHeader title="Automations" description="React to billing events without a person in the loop: failed-payment recovery, trial nudges, onboarding for new payers." />
      <EmptyState icon={<BoltIcon />} title="No automations yet">
        Automations start from billing events and segment changes, so they need Stripe data first. Once contacts are syncing, start from a template such as failed-payment recovery.
      </EmptyState>
    </>
  )
}
