import { httpStatusOf, toFailure } from '../errors'
import { receiveStripeWebhook, type WebhookDeps } from './receive-stripe-webhook'

/**
 * The route handler of POST /api/webhooks/stripe/:connectionId, built from its dependencies so
 * tests call it with a real Request and their own database (including an unreachable one).
 * Not behind the session wrapper: Stripe calls it, the signature is the authentication. Errors
 * are mapped by lib/errors like every other route; nothing internal reaches the answer.
 */
export function createStripeWebhookHandler(deps: () => WebhookDeps) {
  return async (req: Request, route: { params: Promise<{ connectionId: string }> }): Promise<Response> => {
    try {
      const { connectionId } = await route.params
      const answer = await receiveStripeWebhook(deps(), { connectionId, req })
      return Response.json(answer.body, { status: answer.status })
    } catch (error) {
      const failure = toFailure(error)
      return Response.json({ error: { code: failure.code, message: failure.message } }, { status: httpStatusOf(failure) })
    }
  }
}
