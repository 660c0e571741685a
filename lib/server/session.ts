import { cookies } from 'next/headers'
import { forbidden, notFound, redirect } from 'next/navigation'
import { auth } from '../auth/next-auth'
import { can, type Permission } from '../auth/roles'
import { resolveWorkspaceContext, type WorkspaceContext } from '../auth/workspace-context'
import { db } from '../db'
import { AppError } from '../errors'

// Next.js glue between the session cookie and lib/auth. Everything that decides lives in lib/auth.

export const workspaceCookie = 'churnless_workspace'

/** The signed-in person's workspace context, or null when signed out. */
export async function getWorkspaceContext(): Promise<WorkspaceContext | null> {
  const session = await auth()
  const userId = session?.user?.id
  if (!userId) return null
  const preferred = (await cookies()).get(workspaceCookie)?.value
  return resolveWorkspaceContext(db(), userId, preferred)
}

/**
 * For pages: signed-out people go to sign-in; people whose role lacks `permission` get the
 * 403 page (app/forbidden.tsx). Every page calls this, not only the layout.
 */
export async function requirePageContext(permission: Permission = 'use_product'): Promise<WorkspaceContext> {
  const context = await getWorkspaceContext()
  if (!context) redirect('/sign-in')
  if (!can(context.role, permission)) forbidden()
  return context
}

/**
 * For pages: a record that is missing, or belongs to another workspace (services answer both
 * with AppError 'not_found'), renders the 404 page. An id that is not even well-formed
 * ('invalid_input') is treated the same: to a person it is just a page that does not exist.
 */
export function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  return lookup.catch((error: unknown) => {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'invalid_input')) notFound()
    throw error
  })
}
