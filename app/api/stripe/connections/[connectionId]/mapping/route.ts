// GET|PUT /api/stripe/connections/:connectionId/mapping — the field mapping with its catalog, metadata keys and samples; save it
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { getMappingSetup, saveMapping } from '@/lib/connections/mapping-service'
import { withWorkspace } from '@/lib/server/route'
import { inngest } from '@/inngest/client'
import { contactsRemapRequested } from '@/inngest/events'
import { mappingSchema } from '@/lib/sync/mapping'

const params = z.object({ connectionId: z.string() })

export const GET = withWorkspace({ permission: 'manage_stripe', params }, ({ context, params }) =>
  getMappingSetup(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId }),
)

export const PUT = withWorkspace({ permission: 'manage_stripe', params, body: z.object({ mapping: mappingSchema }) }, async ({ context, params, body }) => {
  const saved = await saveMapping(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, mapping: body.mapping })
  // A connected account's contacts follow the new mapping at once (the wizard's draft has none yet).
  if (saved.status !== 'draft') await inngest.send(contactsRemapRequested.create({ connectionId: params.connectionId, afterCustomerId: null }))
  return { ok: true }
})
