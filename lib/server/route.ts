import { NextResponse } from 'next/server'
import type { z } from 'zod'
import { assertCan, type Permission } from '../auth/roles'
import type { WorkspaceContext } from '../auth/workspace-context'
import { AppError, httpStatusOf, toFailure } from '../errors'
import { getWorkspaceContext } from './session'

type RouteParams = { params: Promise<Record<string, string | string[]>> }

type Handler<B, P> = (args: { req: Request; context: WorkspaceContext; body: B; params: P }) => Promise<unknown>

/**
 * The one wrapper every signed-in API route goes through: session → workspace → role →
 * zod-validated params and JSON body → service → JSON. Every failure, expected or not, is
 * answered by `errorResponse`, so no route invents its own error shape.
 */
export function withWorkspace<B = undefined, P = Record<string, string>>(
  options: { permission?: Permission; body?: z.ZodType<B>; params?: z.ZodType<P> },
  handler: Handler<B, P>,
) {
  return async (req: Request, route: RouteParams) => {
    try {
      const context = await getWorkspaceContext()
      if (!context) throw new AppError('unauthenticated', 'Sign in to use this API.')
      assertCan(context.role, options.permission ?? 'use_product')
      const params = (options.params ? options.params.parse(await route.params) : await route.params) as P
      const body = (options.body ? options.body.parse(await readJson(req)) : undefined) as B
      const result = await handler({ req, context, body, params })
      return result instanceof Response ? result : NextResponse.json(result ?? { ok: true })
    } catch (error) {
      return errorResponse(error)
    }
  }
}

export function errorResponse(error: unknown) {
  const failure = toFailure(error)
  return NextResponse.json({ error: { code: failure.code, message: failure.message, ...(failure.fieldErrors && { fields: failure.fieldErrors }) } }, { status: httpStatusOf(failure) })
}

/** Reads a JSON body; a malformed one is the caller's mistake and says so. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text()
  if (!text.trim()) throw new AppError('invalid_input', 'The request body is empty; send a JSON object.')
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('invalid_input', 'The request body is not valid JSON.')
  }
}
