import Link from 'next/link'
import { PageHeader } from '@/components/ui'
import { requirePageContext } from '@/lib/server/session'
import { permissionSpecs } from '@/lib/stripe/permissions'
import { sandboxUrl } from '@/lib/stripe/sandbox-link'
import { ConnectWizard } from './connect-wizard'

export const metadata = { title: 'Connect Stripe' }

export default async function ConnectStripePage() {
  await requirePageContext('manage_stripe')
  const permissions = permissionSpecs.map(({ id, resource, access, level, without }) => ({ id, resource, access, level, without: without ?? null }))
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/settings/stripe" className="text-slate-500 hover:text-slate-800">
          ← Stripe connections
        </Link>
      </p>
      <PageHeader title="Connect Stripe" description="Three steps: a restricted key, how Stripe fields become contact attributes, and what to import." />
      <ConnectWizard permissions={permissions} sandboxAvailable={sandboxUrl() !== null} />
    </>
  )
}
