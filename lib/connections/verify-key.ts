import { z } from 'zod'
import { AppError } from '../errors'
import { type KeyCheck, checkStripeKey } from '../stripe/check-permissions'
import { classifyStripeKey, maskStripeKey } from '../stripe/key'
import { type ConnectionDeps, getConnectionOrThrow, stripeClientFor } from './connection-deps'

export const verifyKeySchema = z
  .object({
    key: z.string().trim().max(300, 'That is too long to be a Stripe key.').optional(),
    /** Re-checking the key of a wizard already in progress (without a key: the stored one). */
    connectionId: z.string().optional(),
  })
  .refine((v) => v.key || v.connectionId, { message: 'Paste your Stripe restricted key (it starts with rk_live_ or rk_test_).', path: ['key'] })

export type VerifyKeyResult =
  | { ok: false; message: string }
  | {
      ok: true
      connectionId: string
      mode: 'live' | 'test'
      kind: 'restricted' | 'secret'
      keyHint: string
      warning?: string
      checks: Extract<KeyCheck, { ok: true }>['checks']
      canContinue: boolean
      account: { id: string | null; name: string | null }
    }

/**
 * Wizard step 1: classify the key, probe every permission against Stripe, and keep the key
 * (sealed) in a draft connection so the next steps never see it again. The same account
 * connected twice to one workspace is refused.
 */
export async function verifyKey(
  deps: ConnectionDeps,
  args: { workspaceId: string; userId: string; key?: string; apiBase: string | null; connectionId?: string },
): Promise<VerifyKeyResult> {
  const draft = args.connectionId ? await getConnectionOrThrow(deps.db, args.workspaceId, args.connectionId) : undefined
  if (draft && draft.status !== 'draft') throw new AppError('conflict', 'This connection is already set up; rotate its key from the connection page.')
  const key = args.key?.trim() || (draft ? deps.box.open(draft.keySealed) : '')
  const apiBase = draft ? draft.apiBase : args.apiBase
  const classification = classifyStripeKey(key)
  if (!classification.ok) return classification
  const check = await checkStripeKey(stripeClientFor(deps)(key, apiBase))
  if (!check.ok) return { ok: false, message: check.message }

  const accountId = check.account.id
  if (accountId) {
    const existing = await deps.db.stripeConnection.findFirst({ where: { workspaceId: args.workspaceId, accountId, status: { not: 'draft' } } })
    if (existing) {
      throw new AppError('conflict', `This Stripe account (${accountId}${check.account.name ? `, ${check.account.name}` : ''}) is already connected to this workspace. Rotate its key from the connection's page instead.`)
    }
  }

  const data = {
    accountId,
    accountName: check.account.name,
    mode: classification.mode,
    keyKind: classification.kind,
    keySealed: deps.box.seal(key),
    keyHint: maskStripeKey(key),
    apiBase,
    permissions: check.checks.map(({ id, status, stripeName }) => ({ id, status, ...(stripeName && { stripeName }) })),
  }
  const draftId = draft
    ? draft.id
    : accountId
      ? (await deps.db.stripeConnection.findFirst({ where: { workspaceId: args.workspaceId, accountId, status: 'draft' } }))?.id
      : undefined
  const connection = draftId
    ? await deps.db.stripeConnection.update({ where: { id: draftId }, data })
    : await deps.db.stripeConnection.create({ data: { ...data, workspaceId: args.workspaceId, connectedById: args.userId, status: 'draft' } })

  return {
    ok: true,
    connectionId: connection.id,
    mode: classification.mode,
    kind: classification.kind,
    keyHint: connection.keyHint,
    ...(classification.warning && { warning: classification.warning }),
    checks: check.checks,
    canContinue: check.canContinue,
    account: check.account,
  }
}
