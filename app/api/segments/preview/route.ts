// POST /api/segments/preview — live count, a sample of matching contacts and (for a saved segment) the enter/leave diff of an unsaved rule
import { z } from 'zod'
import { db } from '@/lib/db'
import { previewRule } from '@/lib/segments/preview'
import { withWorkspace } from '@/lib/server/route'

const bodySchema = z.object({ rule: z.unknown(), segmentId: z.string().min(1).optional() })

export const POST = withWorkspace({ body: bodySchema }, async ({ context, body }) =>
  previewRule({ db: db(), workspaceId: context.workspaceId, rule: body.rule, segmentId: body.segmentId, now: new Date() }),
)
