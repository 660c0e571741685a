// POST /api/stripe/connections/:connectionId/webhook-secret — save the signing secret `stripe listen` prints, for a connection Stripe cannot reach
import { z } from 'zod'
import { connectionDeps } from '@/lib/connections/deps'
import { forwardedWebhookSecretSchema, saveForwardedWebhookSecret } from '@/lib/connections/forwarded-webhook-secret'
import { withWorkspace } from '@/lib/server/route'

export const POST = withWorkspace({ permission: 'manage_stripe', params: z.object({ connectionId: z.string() }), body: forwardedWebhookSecretSchema }, ({ context, params, body }) =>
  saveForwardedWebhookSecret(connectionDeps(), { workspaceId: context.workspaceId, connectionId: params.connectionId, secret: body.secret }),
)
