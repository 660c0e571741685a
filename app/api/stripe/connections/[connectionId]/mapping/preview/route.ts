// POST /api/stripe/connections/:connectionId/mapping/preview — apply a mapping to a real customer of the account
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { previewMapping, previewMappingSchema } from '@/lib/connections/mapping-service'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: previewMappingSchema }, ({ context, params, body }) =>
  previewMapping(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, mapping: body.mapping, customer: body.customer }),
)
