import type Stripe from 'stripe'
import type { SecretBox } from '../crypto/secret-box'
import type { Db } from '../db'
import { AppError } from '../errors'
import { createStripeClient } from '../stripe/client'

/** What connection services need; tests pass real ones (PostgreSQL, the sandbox over HTTP). */
export type ConnectionDeps = {
  db: Db
  box: SecretBox
  stripeFor?: (apiKey: string, apiBase: string | null) => Stripe
  now?: () => Date
}

export const stripeClientFor = (deps: ConnectionDeps) => deps.stripeFor ?? ((key: string, apiBase: string | null) => createStripeClient(key, { apiBase }))

/** Loads a connection of this workspace or answers 404: ids of other workspaces do not exist here. */
export async function getConnectionOrThrow(db: Db, workspaceId: string, connectionId: string) {
  const connection = await db.stripeConnection.findFirst({ where: { id: connectionId, workspaceId } })
  if (!connection) throw new AppError('not_found', 'No Stripe connection with this id in your workspace.')
  return connection
}

/** A Stripe client for a stored connection (the key is opened only in memory). */
export function stripeForConnection(deps: ConnectionDeps, connection: { keySealed: string; apiBase: string | null }) {
  return stripeClientFor(deps)(deps.box.open(connection.keySealed), connection.apiBase)
}
