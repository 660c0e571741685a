import { z } from 'zod'
import { getConnectionOrThrow } from '../../connections/connection-deps'
import type { Db } from '../../db'
import { AppError } from '../../errors'
import { ensureConnectionBudget, stripeRateLimit } from '../../stripe/request-budget'

// The Stripe request rate an admin allows a connection (SPEC: "configurable per connection").
// Stripe's limits are per account, so the account's bucket runs at the lowest rate any of its
// connections allows: setting it here also slows another workspace's import of the same account.

export const requestRateSchema = z.object({
  /** Requests per second; null goes back to the default (half of Stripe's limit). */
  ratePerSecond: z
    .number('Enter a number of requests per second.')
    .min(1, 'Allow at least 1 request per second.')
    .max(stripeRateLimit.live, `Stripe allows at most ${stripeRateLimit.live} requests per second.`)
    .nullable(),
})
export type RequestRateInput = z.infer<typeof requestRateSchema>

export async function setConnectionRequestRate(db: Db, args: { workspaceId: string; connectionId: string } & RequestRateInput) {
  const connection = await getConnectionOrThrow(db, args.workspaceId, args.connectionId)
  const limit = stripeRateLimit[connection.mode]
  if (args.ratePerSecond !== null && args.ratePerSecond > limit) {
    throw new AppError('invalid_input', `Stripe allows at most ${limit} requests per second in ${connection.mode} mode; stay under it so the account's own traffic still fits.`, {
      ratePerSecond: `At most ${limit} in ${connection.mode} mode.`,
    })
  }
  await db.stripeConnection.update({ where: { id: connection.id }, data: { requestRate: args.ratePerSecond } })
  // Takes effect at once: running streams read the bucket's rate on every reservation.
  const budget = await ensureConnectionBudget(db, { connectionId: connection.id })
  return { configured: args.ratePerSecond, ratePerSecond: budget.ratePerSecond, sharedWith: budget.sharedWith }
}
