'use server'

import { AuthError } from 'next-auth'
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { z } from 'zod'
import { auth, signIn, signOut } from '@/lib/auth/next-auth'
import { db } from '@/lib/db'
import { AppError } from '@/lib/errors'
import { formAction } from '@/lib/server/action'
import { getWorkspaceContext, workspaceCookie } from '@/lib/server/session'
import { acceptInvitation } from '@/lib/workspaces/invitations'
import { createOwnWorkspace, signUp, signUpSchema, workspaceNameSchema } from '@/lib/workspaces/sign-up'

// Sign-up, sign-in and invitations: the only actions that run before a workspace exists.

/** Only same-site paths may be redirect targets (no open redirects). */
const safePath = z
  .string()
  .optional()
  .transform((p) => (p?.startsWith('/') && !p.startsWith('//') ? p : '/contacts'))

async function rememberWorkspace(workspaceId: string) {
  ;(await cookies()).set(workspaceCookie, workspaceId, { httpOnly: true, sameSite: 'lax', path: '/' })
}

/** Signs in and redirects; one message for unknown email and wrong password, so it reveals no account. */
async function signInWithPassword(email: string, password: string, redirectTo: string): Promise<never> {
  try {
    await signIn('credentials', { email, password, redirectTo })
  } catch (error) {
    if (error instanceof AuthError) throw new AppError('unauthenticated', 'Wrong email or password.')
    throw error
  }
  redirect(redirectTo)
}

export const signInAction = formAction(
  z.object({
    email: z.string().trim().min(1, 'Enter your email address.'),
    password: z.string().min(1, 'Enter your password.'),
    callbackUrl: safePath,
  }),
  (input) => signInWithPassword(input.email, input.password, input.callbackUrl),
  { public: true },
)

export const signUpAction = formAction(
  signUpSchema.extend({ inviteToken: z.string().optional() }),
  async ({ inviteToken, ...input }) => {
    // With an invite, the account and the membership are created in one transaction: a bad
    // token leaves no half-made account behind.
    const { workspaceId } = await signUp(
      db(),
      input,
      inviteToken ? (tx, userId) => acceptInvitation(tx, { token: inviteToken, userId, now: new Date() }) : undefined,
    )
    await rememberWorkspace(workspaceId)
    return signInWithPassword(input.email, input.password, '/contacts')
  },
  { public: true },
)

export const acceptInviteAction = formAction(z.object({ token: z.string().min(1, 'This invite link is not valid.') }), async ({ token }, context) => {
  const joined = await db().$transaction((tx) => acceptInvitation(tx, { token, userId: context!.userId, now: new Date() }))
  await rememberWorkspace(joined.workspaceId)
  redirect('/contacts')
})

/** For a signed-in person who belongs to no workspace (see the sign-in page). */
export const createOwnWorkspaceAction = formAction(
  z.object({ name: workspaceNameSchema }),
  async ({ name }) => {
    const userId = (await auth())?.user?.id
    if (!userId) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.')
    const { workspaceId } = await createOwnWorkspace(db(), { userId, name })
    await rememberWorkspace(workspaceId)
    redirect('/contacts')
  },
  { public: true },
)

export async function switchWorkspaceAction(form: FormData) {
  const context = await getWorkspaceContext()
  const target = String(form.get('workspaceId') ?? '')
  if (context?.workspaces.some((w) => w.id === target)) await rememberWorkspace(target)
  redirect('/contacts')
}

export async function signOutAction() {
  ;(await cookies()).delete(workspaceCookie)
  await signOut({ redirectTo: '/sign-in' })
}
