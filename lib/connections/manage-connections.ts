import { z } from 'zod'
import { assertCan, type Role } from '../auth/roles'
import type { Db } from '../db'
import { AppError } from '../errors'
import { checkStripeKey } from '../stripe/check-permissions'
import { classifyStripeKey, maskStripeKey } from '../stripe/key'
import { type ConnectionDeps, getConnectionOrThrow, stripeClientFor, stripeForConnection } from './connection-deps'
import { unreachableWebhookWarning } from './finish-connection'
import { removeImportedData } from './imported-data'

/**
 * Connections as the browser may see them: masked key, never a secret. `appUrl` (APP_URL) lets
 * a connection without a webhook endpoint say why and what to do about it.
 */
export async function listConnections(db: Db, workspaceId: string, options: { appUrl: string }) {
  const rows = await db.stripeConnection.findMany({ where: { workspaceId, status: { not: 'draft' } }, orderBy: { createdAt: 'asc' } })
  return rows.map((c) => ({
    id: c.id,
    accountId: c.accountId,
    accountName: c.accountName,
    mode: c.mode,
    keyHint: c.keyHint,
    keyKind: c.keyKind,
    status: c.status,
    isPrimary: c.isPrimary,
    importChoice: c.importChoice,
    hasWebhook: c.webhookEndpointId !== null,
    /** No endpoint of ours, but a signing secret saved for `stripe listen` forwarding. */
    isForwarded: c.webhookEndpointId === null && c.webhookSecretSealed !== null,
    webhookWarning: c.webhookEndpointId === null && c.webhookSecretSealed === null ? unreachableWebhookWarning(options.appUrl, c.id) : null,
    isSandbox: c.apiBase !== null,
    connectedAt: c.connectedAt?.toISOString() ?? null,
  }))
}
export type ConnectionSummary = Awaited<ReturnType<typeof listConnections>>[number]

/**
 * Makes one connection the workspace's primary (SPEC F4: the account automations act on, e.g.
 * for checkout links). Admin-only, checked here as well as in the route: the role travels with the call.
 */
export async function setPrimaryConnection(db: Db, args: { workspaceId: string; role: Role; connectionId: string }) {
  assertCan(args.role, 'manage_stripe')
  const connection = await getConnectionOrThrow(db, args.workspaceId, args.connectionId)
  if (connection.status === 'draft') throw new AppError('conflict', 'Finish connecting this account before making it primary.')
  await db.$transaction([
    db.stripeConnection.updateMany({ where: { workspaceId: args.workspaceId, isPrimary: true }, data: { isPrimary: false } }),
    db.stripeConnection.update({ where: { id: connection.id }, data: { isPrimary: true } }),
  ])
}

export const rotateKeySchema = z.object({ key: z.string().trim().max(300, 'That is too long to be a Stripe key.') })

/**
 * Swaps the key of a connection without re-importing: the new key must belong to the same
 * account and hold every required permission. A rejected-key state (needs_reauth, keyError)
 * ends here, since the new key has just been verified.
 */
export async function rotateConnectionKey(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string; key: string }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  const classification = classifyStripeKey(args.key)
  if (!classification.ok) throw new AppError('invalid_input', classification.message, { key: classification.message })
  if (classification.mode !== connection.mode) {
    throw new AppError('invalid_input', `This is a ${classification.mode}-mode key; this connection is in ${connection.mode} mode. Use a ${connection.mode} key of the same account.`)
  }
  const key = args.key.trim()
  const check = await checkStripeKey(stripeClientFor(deps)(key, connection.apiBase))
  if (!check.ok) throw new AppError('invalid_input', check.message)
  if (check.account.id !== connection.accountId) {
    throw new AppError('invalid_input', `This key belongs to another Stripe account (${check.account.id ?? 'unknown'}). Use a key of ${connection.accountId}.`)
  }
  const missing = check.checks.filter((c) => c.level === 'required' && c.status !== 'granted')
  if (missing.length) throw new AppError('invalid_input', `The new key is missing required permissions: ${missing.map((m) => m.stripeName ?? m.resource).join(', ')}.`)
  await deps.db.stripeConnection.update({
    where: { id: connection.id },
    data: {
      keySealed: deps.box.seal(key),
      keyHint: maskStripeKey(key),
      keyKind: classification.kind,
      permissions: check.checks.map(({ id, status, stripeName }) => ({ id, status, ...(stripeName && { stripeName }) })),
      // The new key was just accepted by Stripe: that is a passing key probe (F21).
      keyError: null,
      keyCheckedAt: (deps.now ?? (() => new Date()))(),
      ...(connection.status === 'needs_reauth' && { status: 'active' }),
    },
  })
  return { keyHint: maskStripeKey(key), warning: classification.ok ? classification.warning : undefined }
}

export const disconnectSchema = z.object({ data: z.enum(['keep', 'anonymise', 'delete'], 'Choose what happens to the imported Stripe data.') })

/**
 * Removes a connection: deletes only our own webhook endpoint in Stripe and the stored key.
 * A missing endpoint (already deleted in Stripe) or a revoked key does not block disconnecting.
 */
export async function disconnectConnection(deps: ConnectionDeps, args: { workspaceId: string; connectionId: string; data: 'keep' | 'anonymise' | 'delete' }) {
  const connection = await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId)
  let endpointRemoved = false
  if (connection.webhookEndpointId) {
    try {
      const stripe = stripeForConnection(deps, connection)
      const endpoint = await stripe.webhookEndpoints.retrieve(connection.webhookEndpointId)
      if (endpoint.metadata?.managed_by === 'churnless' && endpoint.metadata?.churnless_connection_id === connection.id) {
        await stripe.webhookEndpoints.del(connection.webhookEndpointId)
        endpointRemoved = true
      }
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if (status !== 404 && status !== 401 && status !== 403) throw error
    }
  }
  const data = await removeImportedData(deps.db, { workspaceId: args.workspaceId, connectionId: connection.id, choice: args.data, mapping: connection.mapping })
  await deps.db.$transaction(async (tx) => {
    await tx.stripeConnection.delete({ where: { id: connection.id } })
    if (connection.isPrimary) {
      const next = await tx.stripeConnection.findFirst({ where: { workspaceId: args.workspaceId, status: { not: 'draft' } }, orderBy: { createdAt: 'asc' } })
      if (next) await tx.stripeConnection.update({ where: { id: next.id }, data: { isPrimary: true } })
    }
  })
  return { endpointRemoved, choice: args.data, ...data }
}
