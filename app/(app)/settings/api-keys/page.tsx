import { PageHeader } from '@/components/ui'
import { listApiKeys } from '@/lib/activity/api-keys'
import { db } from '@/lib/db'
import { requirePageContext } from '@/lib/server/session'
import { ApiKeysManager } from './api-keys-manager'

export const metadata = { title: 'API keys' }

export default async function ApiKeysPage() {
  const context = await requirePageContext('manage_api_keys')
  const keys = await listApiKeys(db(), context.workspaceId)
  return (
    <>
      <PageHeader title="API keys" description="Keys let your product tell Churnless what people do, so “last activity” and slipping-customer segments mean something." />
      <ApiKeysManager initialKeys={keys} />
    </>
  )
}
