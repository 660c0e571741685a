import Link from 'next/link'
import { ModeBadge } from '@/components/mode-badge'
import { PageHeader } from '@/components/ui'
import { getConnectionOrThrow } from '@/lib/connections/connection-deps'
import { db } from '@/lib/db'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { MappingEditor } from './mapping-editor'

export const metadata = { title: 'Field mapping' }

export default async function ConnectionMappingPage({ params }: { params: Promise<{ connectionId: string }> }) {
  const context = await requirePageContext('manage_stripe')
  const { connectionId } = await params
  const connection = await orNotFound(getConnectionOrThrow(db(), context.workspaceId, connectionId))
  const productsReadable = (connection.permissions as { id: string; status: string }[]).some((p) => p.id === 'products_read' && p.status === 'granted')
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/settings/stripe/${connection.id}`} className="text-slate-500 hover:text-slate-800">
          ← {connection.accountName ?? connection.accountId ?? 'Connection'}
        </Link>
      </p>
      <PageHeader
        title="Field mapping"
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            Which Stripe fields become which contact attributes. Saving re-maps every contact of this connection from the data already imported, without calling Stripe.
            <ModeBadge mode={connection.mode} isSandbox={connection.apiBase !== null} />
          </span>
        }
      />
      <MappingEditor connectionId={connection.id} productsReadable={productsReadable} />
    </>
  )
}
