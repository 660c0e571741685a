import Link from 'next/link'
import { getContact } from '@/lib/contacts/get-contact'
import { db } from '@/lib/db'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { ContactView } from './contact-view'

export const metadata = { title: 'Contact' }

export default async function ContactPage({ params }: { params: Promise<{ contactId: string }> }) {
  const context = await requirePageContext()
  const { contactId } = await params
  const detail = await orNotFound(getContact(db(), { workspaceId: context.workspaceId, contactId, now: new Date() }))
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm">
        <Link href="/contacts" className="text-slate-600 hover:text-slate-900 hover:underline">
          ← Contacts
        </Link>
      </nav>
      <ContactView initialDetail={detail} />
    </>
  )
}
