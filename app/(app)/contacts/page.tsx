import { UsersIcon } from '@/components/icons'
import { ButtonLink, EmptyState, PageHeader } from '@/components/ui'
import { db } from '@/lib/db'
import { requirePageContext } from '@/lib/server/session'
import { ContactsBrowser } from './contacts-browser'

export const metadata = { title: 'Contacts' }

export default async function ContactsPage() {
  const context = await requirePageContext()
  const hasContacts = (await db().contact.findFirst({ where: { workspaceId: context.workspaceId }, select: { id: true } })) !== null
  return (
    <>
      <PageHeader title="Contacts" description="Everyone who pays you, or might: Stripe customers with their plan, status, MRR and billing history." />
      {hasContacts ? (
        <ContactsBrowser />
      ) : (
        <EmptyState
          icon={<UsersIcon />}
          title="No contacts yet"
          action={context.role === 'admin' ? <ButtonLink href="/settings/stripe">Connect Stripe</ButtonLink> : null}
        >
          {context.role === 'admin'
            ? 'Connect your Stripe account and Churnless imports every customer with their subscription, plan and payments, then keeps them up to date.'
            : 'Contacts appear once an admin of this workspace connects Stripe. Ask an admin to connect it.'}
        </EmptyState>
      )}
    </>
  )
}
