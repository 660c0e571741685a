// PUT /api/stripe/connections/:connectionId/request-rate — the Stripe requests per second this connection may use
import { z } from 'zod'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'
import { requestRateSchema, setConnectionRequestRate } from '@/lib/sync/backfill/request-rate'

export const PUT = withWorkspace({ permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: requestRateSchema }, ({ context, params, body }) =>
  setConnectionRequestRate(db(), { workspaceId: context.workspaceId, connectionId: params.connectionId, ratePerSecond: body.ratePerSecond }),
)
