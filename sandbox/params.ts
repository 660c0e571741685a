// Stripe's form encoding (`a[b][0][c]=v`) into nested objects, and Stripe-shaped errors.

export type Params = { [key: string]: ParamValue }
export type ParamValue = string | ParamValue[] | Params

/** Parses `application/x-www-form-urlencoded` or a query string the way Stripe reads it. */
export function parseParams(encoded: string): Params {
  const root: Params = {}
  if (!encoded) return root
  for (const pair of encoded.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq))
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1))
    const path = splitKey(rawKey)
    assign(root, path, value)
  }
  return normalizeArrays(root) as Params
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[')
  if (first === -1) return [key]
  const parts = [key.slice(0, first)]
  const re = /\[([^\]]*)\]/g
  let m: RegExpExecArray | null
  re.lastIndex = first
  // biome-ignore lint/suspicious/noAssignInExpressions: the usual regex loop
  while ((m = re.exec(key)) !== null) parts.push(m[1] as string)
  return parts
}

function assign(target: Params, path: string[], value: string): void {
  let node: Params = target
  for (let i = 0; i < path.length - 1; i++) {
    let segment = path[i] as string
    // `a[]=x` appends: give it the next free numeric slot.
    if (segment === '') segment = String(Object.keys(node).length)
    const nextSegment = path[i + 1] as string
    let child = node[segment]
    if (typeof child !== 'object' || Array.isArray(child)) {
      child = {}
      node[segment] = child
    }
    if (nextSegment === '') {
      const c = child as Params
      const slot = String(Object.keys(c).length)
      if (i + 1 === path.length - 1) {
        c[slot] = value
        return
      }
    }
    node = child as Params
  }
  let last = path[path.length - 1] as string
  if (last === '') last = String(Object.keys(node).length)
  node[last] = value
}

/** Objects whose keys are all 0..n-1 become arrays. */
function normalizeArrays(value: ParamValue): ParamValue {
  if (typeof value === 'string' || Array.isArray(value)) return value
  const keys = Object.keys(value)
  for (const k of keys) value[k] = normalizeArrays(value[k] as ParamValue)
  if (keys.length > 0 && keys.every((k, i) => k === String(i) || /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k] as ParamValue)
  }
  return value
}

export function str(params: Params, key: string): string | undefined {
  const v = params[key]
  return typeof v === 'string' ? v : undefined
}

export function strList(params: Params, key: string): string[] {
  const v = params[key]
  if (v === undefined) return []
  if (typeof v === 'string') return [v]
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string')
  return Object.values(v).filter((x): x is string => typeof x === 'string')
}

export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error',
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  toJSON(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message }
    if (this.code) {
      error.code = this.code
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`
    }
    if (this.param) error.param = this.param
    return { error }
  }
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid_empty'): StripeError {
  return new StripeError(400, 'invalid_request_error', message, code, param)
}

export function noSuch(kind: string, id: string, param = 'id'): StripeError {
  return new StripeError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param)
}
