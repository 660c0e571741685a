import { PageHeader } from '@/components/ui'
import { requirePageContext } from '@/lib/server/session'
import { SegmentEditor } from '../_components/segment-editor'

export const metadata = { title: 'New segment' }

export default async function NewSegmentPage() {
  await requirePageContext()
  return (
    <>
      <PageHeader title="New segment" description="Combine conditions on attributes, subscription status and events. The count on the right updates as you edit." />
      <SegmentEditor />
    </>
  )
}
