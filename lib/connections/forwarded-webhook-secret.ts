import { z } from 'zod'
import { AppError } from '../errors'
import { type ConnectionDeps, getConnectionOrThrow } from './connection-deps'

// When Stripe cannot reach APP_URL (a laptop, a private network) Churnless creates no webhook
// endpoint, and `stripe listen --forward-to <our webhook URL>` is the other way to get live
// updates: the Stripe CLI signs what it forwards with a secret of its own, printed when it
// starts. The admin saves that secret here; the webhook route then verifies against it like any
// endpoint secret. A connection with an endpoint of ours keeps the endpoint's secret.

export const forwardedWebhookSecretSchema = z.object({
  secret: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9]{16,200}$/, 'Paste the signing secret `stripe listen` printed when it started; it starts with whsec_.'),
})

export async function saveForwardedWebhookSecret(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string; secret: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this account first.')
  if (connection.webhookEndpointId !== null) {
    throw new AppError('conflict', 'This connection has its own webhook endpoint in Stripe, and Churnless keeps its signing secret. Forwarding is for installations Stripe cannot reach.')
  }
  const { secret } = forwardedWebhookSecretSchema.parse({ secret: args.secret })
  await deps.db.stripeConnection.update({ where: { id: connection.id }, data: { webhookSecretSealed: deps.box.seal(secret) } })
  return { isForwarded: true }
}
