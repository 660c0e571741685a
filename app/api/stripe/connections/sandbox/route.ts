// POST /api/stripe/connections/sandbox — "Try with a sandbox account": create sample data, then verify its key like any other
import { connectionDeps } from '@/lib/connections/deps'
import { verifyKey } from '@/lib/connections/verify-key'
import { AppError } from '@/lib/errors'
import { withWorkspace } from '@/lib/server/route'
import { createSandboxAccount, sandboxUrl } from '@/lib/stripe/sandbox-link'

export const POST = withWorkspace({ permission: 'manage_stripe' }, async ({ context }) => {
  const base = sandboxUrl()
  if (!base) throw new AppError('not_found', 'The Stripe sandbox is not enabled on this installation.')
  const account = await createSandboxAccount(base, { name: `${context.workspaceName} (sandbox)`, customers: 250, seed: Math.floor(Math.random() * 1e9) })
  return verifyKey(connectionDeps(), { workspaceId: context.workspaceId, userId: context.userId, key: account.restrictedKey, apiBase: base })
})
