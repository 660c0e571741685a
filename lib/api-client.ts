/** An API failure as the browser sees it: the server's message, and per-field messages when given. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** Browser-side fetch for our JSON API: throws an ApiError carrying the server's message. */
export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init
  const res = await fetch(path, {
    ...rest,
    headers: { ...(json !== undefined && { 'content-type': 'application/json' }), ...rest.headers },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  })
  const data = (await res.json().catch(() => null)) as { error?: { message?: string; fields?: Record<string, string> } } | null
  if (!res.ok) throw new ApiError(data?.error?.message ?? `The request failed (${res.status}). Try again.`, res.status, data?.error?.fields)
  return data as T
}
