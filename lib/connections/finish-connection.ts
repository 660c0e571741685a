import type Stripe from 'stripe'
import { z } from 'zod'
import { AppError } from '../errors'
import { permissionSpecs } from '../stripe/permissions'
import { churnlessEndpointMetadata, handledStripeEvents } from '../stripe/webhook-events'
import { type ConnectionDeps, getConnectionOrThrow, stripeForConnection } from './connection-deps'

export const finishConnectionSchema = z.object({
  connectionId: z.string().min(1),
  importChoice: z.enum(['all', 'changes_only'], 'Choose whether to import existing customers or only changes from now on.'),
})

const requiredIds = new Set(permissionSpecs.filter((p) => p.level === 'required').map((p) => p.id))

export type ConnectionConnectedEvent = { name: 'stripe/connection.connected'; data: { connectionId: string; workspaceId: string; importChoice: 'all' | 'changes_only' } }


/** Whether Stripe's servers can reach a URL: not localhost, a loopback or a private address. */
export function isPubliclyReachable(appUrl: string): boolean {
  const host = new URL(appUrl).hostname
  return !(host === 'localhost' || host.endsWith('.localhost') || /^127\.|^10\.|^192\.168\.|^172\.(1[6-9]|2\d|3[01])\.|^\[?::1\]?$/.test(host))
}

/**
 * Whether a webhook endpoint of this connection can receive deliveries at APP_URL. The local
 * sandbox (apiBase set) delivers from this machine, so it reaches localhost; real Stripe, in
 * test mode as in live mode, refuses to create an endpoint whose URL it cannot reach.
 */
export function canStripeDeliverTo(connection: { apiBase: string | null }, appUrl: string): boolean {
  return connection.apiBase !== null || isPubliclyReachable(appUrl)
}

/** What an admin reads when Churnless made no webhook endpoint because Stripe cannot reach it. */
export function unreachableWebhookWarning(appUrl: string, connectionId: string): string {
  const url = webhookUrlFor(appUrl, connectionId)
  return [
    `Stripe cannot reach ${new URL(appUrl).origin} from the internet, so Churnless created no webhook endpoint and live updates are off; imports and the gap repair every 15 minutes still bring changes in.`,
    'To get live updates, either expose Churnless with a tunnel, set APP_URL to its public address, restart, and click "Repair endpoint" on the sync health page;',
    `or run \`stripe listen --forward-to ${url}\` with the Stripe CLI and save the signing secret it prints (whsec_…) on the Stripe settings page.`,
  ].join(' ')
}

export function webhookUrlFor(appUrl: string, connectionId: string) {
  return new URL(`/api/webhooks/stripe/${connectionId}`, appUrl).toString()
}

/**
 * Our webhook endpoint as we create it, both when connecting and when repairing (F21): exactly
 * the events we handle, tagged as ours so disconnect and repair never touch anyone else's.
 */
export function webhookEndpointParamsFor(args: { connectionId: string; url: string }): Stripe.WebhookEndpointCreateParams {
  return {
    url: args.url,
    enabled_events: [...handledStripeEvents],
    description: 'Churnless: keeps contacts, segments and automations in sync',
    metadata: churnlessEndpointMetadata(args.connectionId),
  }
}

/**
 * Wizard step 3: create our webhook endpoint in the connected account (subscribed to exactly the
 * events we handle, tagged as ours), store its signing secret sealed, record the import choice,
 * and announce the connection so the sync can start.
 */
export async function finishConnection(
  deps: ConnectionDeps & { appUrl: string; emit: (event: ConnectionConnectedEvent) => Promise<unknown> },
  args: { workspaceId: string; connectionId: string; importChoice: 'all' | 'changes_only' },
) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  if (connection.status !== 'draft') throw new AppError('conflict', 'This connection is already set up.')
  const permissions = z.array(z.object({ id: z.string(), status: z.string() })).parse(connection.permissions)
  if (permissions.some((p) => requiredIds.has(p.id) && p.status !== 'granted')) {
    throw new AppError('invalid_input', 'A required permission is still missing. Add it to the key in Stripe and check again.')
  }

  const url = webhookUrlFor(deps.appUrl, connection.id)
  let endpoint: Stripe.WebhookEndpoint | undefined
  let webhookWarning: string | undefined
  if (!canStripeDeliverTo(connection, deps.appUrl)) {
    webhookWarning = unreachableWebhookWarning(deps.appUrl, connection.id)
  } else {
    endpoint = await stripeForConnection(deps, connection).webhookEndpoints.create(webhookEndpointParamsFor({ connectionId: connection.id, url }))
  }

  const hasPrimary = await deps.db.stripeConnection.count({ where: { workspaceId: args.workspaceId, isPrimary: true } })
  const updated = await deps.db.stripeConnection.update({
    where: { id: connection.id },
    data: {
      // "Changes only" has no import to wait for: it is live from now on.
      status: args.importChoice === 'all' ? 'waiting_to_sync' : 'active',
      importChoice: args.importChoice,
      connectedAt: (deps.now ?? (() => new Date()))(),
      isPrimary: hasPrimary === 0,
      mapping: connection.mapping ?? undefined,
      webhookEndpointId: endpoint?.id ?? null,
      webhookSecretSealed: endpoint?.secret ? deps.box.seal(endpoint.secret) : null,
      webhookUrl: endpoint ? url : null,
    },
  })
  await deps.emit({ name: 'stripe/connection.connected', data: { connectionId: updated.id, workspaceId: updated.workspaceId, importChoice: args.importChoice } })
  return { connectionId: updated.id, webhookWarning }
}
