import Link from 'next/link'
import { PageHeader } from '@/components/ui'
import { db } from '@/lib/db'
import { getSegment } from '@/lib/segments/segments-service'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { SegmentEditor } from '../../_components/segment-editor'

export const metadata = { title: 'Edit segment' }

export default async function EditSegmentPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const context = await requirePageContext()
  const { segmentId } = await params
  const segment = await orNotFound(getSegment(db(), context.workspaceId, segmentId))
  return (
    <>
      <PageHeader
        title={`Edit “${segment.name}”`}
        description={
          <>
            Before you save, the panel on the right shows how many contacts would enter and leave. <Link href={`/segments/${segment.id}`} className="text-brand-700 hover:underline">Back to members</Link>
          </>
        }
      />
      <SegmentEditor segment={{ id: segment.id, name: segment.name, description: segment.description, rule: segment.rule }} />
    </>
  )
}
