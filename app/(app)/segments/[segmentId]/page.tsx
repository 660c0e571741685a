import { Alert, Badge, ButtonLink, PageHeader } from '@/components/ui'
import { db } from '@/lib/db'
import { getSegment } from '@/lib/segments/segments-service'
import { orNotFound, requirePageContext } from '@/lib/server/session'
import { MembersTable } from '../_components/members-table'
import { RecomputeProgress, ResetButton } from '../_components/segment-actions'

export const metadata = { title: 'Segment' }

export default async function SegmentPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const context = await requirePageContext()
  const { segmentId } = await params
  const segment = await orNotFound(getSegment(db(), context.workspaceId, segmentId))
  return (
    <>
      <PageHeader
        title={segment.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            {segment.builtinKey ? <Badge tone="brand">built-in</Badge> : null}
            <span data-testid="segment-member-count">{segment.memberCount.toLocaleString('en-US')} members</span>
            {segment.description ? <span>· {segment.description}</span> : null}
          </span>
        }
        actions={
          <>
            {segment.builtinKey && segment.isDefaultRule === false ? <ResetButton segmentId={segment.id} /> : null}
            <ButtonLink variant="secondary" href={`/api/segments/${segment.id}/members.csv`} prefetch={false}>
              Export CSV
            </ButtonLink>
            <ButtonLink href={`/segments/${segment.id}/edit`}>Edit rule</ButtonLink>
          </>
        }
      />
      {segment.ruleProblem ? (
        <div className="mb-6">
          <Alert>{segment.ruleProblem.message} Members are kept as they were until the rule is fixed.</Alert>
        </div>
      ) : null}
      {segment.recomputeProgress !== null ? <RecomputeProgress progress={segment.recomputeProgress} /> : null}
      <MembersTable segmentId={segment.id} total={segment.memberCount} />
    </>
  )
}
