import type { z } from 'zod'
import { assertCan, type Permission } from '../auth/roles'
import type { WorkspaceContext } from '../auth/workspace-context'
import { AppError, type Failure, toFailure } from '../errors'
import { getWorkspaceContext } from './session'

/** A failed form submission, with what the person typed (never a password) to refill the form. */
export type FormFailure = Failure & { values?: Record<string, string | undefined> }

/** Turns FormData into a plain object; empty strings become undefined so zod defaults apply. */
export function formToObject(form: FormData): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of form.entries()) if (typeof value === 'string') out[key] = value === '' ? undefined : value
  return out
}

/**
 * The one wrapper for server actions behind forms (`useActionState`): FormData → zod → handler,
 * with the session and role checked unless the action is `public` (sign-in, sign-up). Every
 * failure comes back as a value the form renders next to its fields, in the one error mapping
 * of lib/errors.ts; success is the handler's redirect, which passes through to Next.js.
 */
export function formAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, context: WorkspaceContext | null) => Promise<never>,
  options: { public?: boolean; permission?: Permission } = {},
) {
  return async (_previous: unknown, form: FormData): Promise<FormFailure> => {
    const raw = formToObject(form)
    try {
      const context = await getWorkspaceContext()
      if (!options.public) {
        if (!context) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.')
        assertCan(context.role, options.permission ?? 'use_product')
      }
      return await handler(schema.parse(raw), context)
    } catch (error) {
      rethrowNextControlFlow(error)
      return { ...toFailure(error), values: { ...raw, password: undefined } }
    }
  }
}

/** redirect() and notFound() work by throwing; those must reach Next.js untouched. */
function rethrowNextControlFlow(error: unknown) {
  const digest = (error as { digest?: unknown })?.digest
  if (typeof digest === 'string' && /^(NEXT_REDIRECT|NEXT_HTTP_ERROR_FALLBACK|NEXT_NOT_FOUND)/.test(digest)) throw error
}
