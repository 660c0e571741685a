import { z } from 'zod'
import { passwordSchema, hashPassword } from '../auth/password'
import type { Db, Tx } from '../db'
import { normalizeEmail } from '../email'
import { AppError } from '../errors'

export const signUpSchema = z.object({
  name: z.string().trim().min(1, 'Tell us your name.').max(100, 'Use at most 100 characters.'),
  email: z.string().trim().pipe(z.email('Enter a valid email address.')).transform(normalizeEmail),
  password: passwordSchema,
  workspaceName: z.string().trim().max(100, 'Use at most 100 characters.').optional(),
})
export type SignUpInput = z.input<typeof signUpSchema>

const emailTaken = 'An account with this email already exists. Sign in instead.'

/**
 * Creates a person. Without an invitation they get a workspace of their own as its admin;
 * with one, `joinWorkspace` runs in the same transaction so nothing is half-created.
 */
export async function signUp(
  db: Db,
  input: SignUpInput,
  joinWorkspace?: (tx: Tx, userId: string) => Promise<{ workspaceId: string }>,
): Promise<{ userId: string; workspaceId: string }> {
  const data = signUpSchema.parse(input)
  const existing = await db.user.findUnique({ where: { email: data.email }, select: { id: true } })
  if (existing) throw new AppError('conflict', emailTaken, { email: emailTaken })
  const passwordHash = await hashPassword(data.password)
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: data.email, name: data.name, passwordHash } })
      if (joinWorkspace) return { userId: user.id, ...(await joinWorkspace(tx, user.id)) }
      const workspace = await tx.workspace.create({
        data: {
          name: data.workspaceName || `${data.name.split(' ')[0]}'s workspace`,
          memberships: { create: { userId: user.id, role: 'admin' } },
        },
      })
      return { userId: user.id, workspaceId: workspace.id }
    })
  } catch (error) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets the same message.
    if ((error as { code?: string }).code === 'P2002') {
      throw new AppError('conflict', emailTaken, { email: emailTaken })
    }
    throw error
  }
}

export const workspaceNameSchema = z.string({ error: 'Name your workspace.' }).trim().min(1, 'Name your workspace.').max(100, 'Use at most 100 characters.')

/**
 * A workspace of their own for a person who belongs to none: someone arriving through OAuth
 * (Auth.js creates the user, then this runs), or someone removed from their only workspace.
 * They become its admin.
 */
export async function createOwnWorkspace(db: Db, args: { userId: string; name: string }): Promise<{ workspaceId: string }> {
  const name = workspaceNameSchema.parse(args.name)
  const workspace = await db.workspace.create({ data: { name, memberships: { create: { userId: args.userId, role: 'admin' } } } })
  return { workspaceId: workspace.id }
}
