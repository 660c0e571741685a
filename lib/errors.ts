import { z } from 'zod'

// One error type for broken preconditions, one place that turns any error into what a person
// sees. Vendor and database messages never leave this file: they go to the log.

export const errorCodes = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const

export type ErrorCode = keyof typeof errorCodes

export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message)
  }
}

export type Failure = { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string> }
export type Result<T> = { ok: true; data: T } | Failure

/** zod issues as `{ "items.3.email": "Invalid email address" }`, for forms and API clients. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_'
    out[key] ??= issue.message
  }
  return out
}

/** Maps any thrown value to a safe failure; unknown errors are logged and hidden. */
export function toFailure(error: unknown): Failure {
  if (error instanceof AppError) {
    return { ok: false, code: error.code, message: error.message, ...(error.fieldErrors && { fieldErrors: error.fieldErrors }) }
  }
  if (error instanceof z.ZodError) {
    const fieldErrors = fieldErrorsOf(error)
    const [first] = Object.entries(fieldErrors)
    return { ok: false, code: 'invalid_input', message: first ? describeField(first[0], first[1]) : 'The input is invalid.', fieldErrors }
  }
  if (isDatabaseUnavailable(error)) {
    console.error('[churnless] database unavailable', error)
    return { ok: false, code: 'unavailable', message: 'The database is not reachable right now. Try again in a moment.' }
  }
  console.error('[churnless] unexpected error', error)
  return { ok: false, code: 'internal', message: 'Something went wrong on our side. It has been logged; try again.' }
}

export function httpStatusOf(failure: Failure): number {
  return errorCodes[failure.code]
}

function describeField(path: string, message: string) {
  return path === '_' ? message : `${path}: ${message}`
}

function isDatabaseUnavailable(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}` : ''
  return /ECONNREFUSED|ECONNRESET|P1001|P1017|DatabaseNotReachable|Connection terminated/i.test(text)
}
