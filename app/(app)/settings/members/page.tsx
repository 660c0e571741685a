import { PageHeader } from '@/components/ui'
import { db } from '@/lib/db'
import { requirePageContext } from '@/lib/server/session'
import { listMembers } from '@/lib/workspaces/members'
import { MembersManager } from './members-manager'

export const metadata = { title: 'Members' }

export default async function MembersPage() {
  const context = await requirePageContext('manage_members')
  const members = await listMembers(db(), context.workspaceId)
  return (
    <>
      <PageHeader title="Members" description="Admins connect Stripe and manage keys and members. Marketers work with contacts, segments and automations." />
      <MembersManager initialMembers={members} currentMembershipId={context.membershipId} />
    </>
  )
}
