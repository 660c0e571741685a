// Stripe list semantics: newest first, `limit` 1–100, `starting_after`/`ending_before`,
// `created[gt|gte|lt|lte]`, and `expand[]` (with `data.` paths on lists; `data` counts as one of
// the 4 levels Stripe allows).

import { invalidParam, type Params, StripeError, str, strList } from './params'
import type { Ordered } from './records'
import type { SortedList } from './store'

export interface ListQuery {
  limit: number
  startingAfter: string | null
  endingBefore: string | null
  createdMin: number
  createdMax: number
}

function parseInteger(value: string, param: string): number {
  if (!/^-?\d+$/.test(value)) throw invalidParam(param, `Invalid integer: ${value}`, 'parameter_invalid_integer')
  return Number(value)
}

export function parseListQuery(params: Params): ListQuery {
  let limit = 10
  const rawLimit = str(params, 'limit')
  if (rawLimit !== undefined) {
    limit = parseInteger(rawLimit, 'limit')
    if (limit < 1) throw invalidParam('limit', 'This value must be greater than or equal to 1.', 'parameter_invalid_integer')
    if (limit > 100) throw invalidParam('limit', 'This value must be less than or equal to 100.', 'parameter_invalid_integer')
  }
  const startingAfter = str(params, 'starting_after') ?? null
  const endingBefore = str(params, 'ending_before') ?? null
  if (startingAfter && endingBefore) {
    throw new StripeError(400, 'invalid_request_error', 'You may only specify one of these parameters: ending_before, starting_after.', 'parameter_invalid_empty', 'ending_before')
  }
  let createdMin = Number.NEGATIVE_INFINITY
  let createdMax = Number.POSITIVE_INFINITY
  const created = params.created
  if (typeof created === 'string') {
    createdMin = createdMax = parseInteger(created, 'created')
  } else if (created && !Array.isArray(created)) {
    for (const [op, raw] of Object.entries(created)) {
      if (typeof raw !== 'string') continue
      const v = parseInteger(raw, `created[${op}]`)
      if (op === 'gt') createdMin = Math.max(createdMin, v + 1)
      else if (op === 'gte') createdMin = Math.max(createdMin, v)
      else if (op === 'lt') createdMax = Math.min(createdMax, v - 1)
      else if (op === 'lte') createdMax = Math.min(createdMax, v)
      else throw new StripeError(400, 'invalid_request_error', `Received unknown parameter: created[${op}]`, 'parameter_unknown', `created[${op}]`)
    }
  }
  return { limit, startingAfter, endingBefore, createdMin, createdMax }
}

function lowerBoundCreated<T extends Ordered>(items: T[], created: number): number {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((items[mid] as T).created < created) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * One page, newest first. `cursorOf` finds a cursor object even if it was deleted since, so
 * iteration continues from where it was; objects created meanwhile sort above every cursor
 * and never shift what lies below it: no duplicates, no gaps.
 */
export function paginate<T extends Ordered>(
  list: SortedList<T>,
  q: ListQuery,
  matches: (item: T) => boolean,
  cursorOf: (id: string) => Ordered | undefined,
  kind: string,
): { items: T[]; hasMore: boolean } {
  const items = list.items
  let lo = q.createdMin === Number.NEGATIVE_INFINITY ? 0 : lowerBoundCreated(items, q.createdMin)
  let hi = q.createdMax === Number.POSITIVE_INFINITY ? items.length : lowerBoundCreated(items, q.createdMax + 1)
  if (q.startingAfter) {
    const cursor = cursorOf(q.startingAfter)
    if (!cursor) throw new StripeError(404, 'invalid_request_error', `No such ${kind}: '${q.startingAfter}'`, 'resource_missing', 'starting_after')
    hi = Math.min(hi, list.lowerBound(cursor.created, cursor.seq))
  }
  if (q.endingBefore) {
    const cursor = cursorOf(q.endingBefore)
    if (!cursor) throw new StripeError(404, 'invalid_request_error', `No such ${kind}: '${q.endingBefore}'`, 'resource_missing', 'ending_before')
    let pos = list.lowerBound(cursor.created, cursor.seq)
    if (items[pos]?.id === cursor.id) pos += 1
    lo = Math.max(lo, pos)
    const found: T[] = []
    for (let i = lo; i < hi && found.length <= q.limit; i++) {
      const item = items[i] as T
      if (matches(item)) found.push(item)
    }
    const hasMore = found.length > q.limit
    return { items: found.slice(0, q.limit).reverse(), hasMore }
  }
  const found: T[] = []
  for (let i = hi - 1; i >= lo && found.length <= q.limit; i--) {
    const item = items[i] as T
    if (matches(item)) found.push(item)
  }
  const hasMore = found.length > q.limit
  if (hasMore) found.pop()
  return { items: found, hasMore }
}

export function expandPaths(params: Params): string[] {
  return strList(params, 'expand')
}

type Resolver = (id: string, path: string) => unknown
/** Fields left out unless expanded that are not ids (a price's `tiers`); null: not one. */
type Expandable = (node: Record<string, unknown>, field: string) => { value: unknown } | null

/** Stripe's limit: at most 4 levels, and on lists the `data.` prefix is one of them. */
export const MAX_EXPAND_DEPTH = 4

/** Applies `expand[]` paths, copying along each path so stored objects are never mutated. */
export function applyExpand(root: unknown, paths: string[], resolve: Resolver, expandable: Expandable = () => null): unknown {
  let out = root
  for (const path of paths) {
    const segments = path.split('.')
    if (segments.length > MAX_EXPAND_DEPTH) {
      throw new StripeError(400, 'invalid_request_error', `You cannot expand more than 4 levels of a property. Property: ${path}`, 'parameter_invalid_empty', 'expand')
    }
    out = expandAt(out, segments, path, resolve, expandable)
  }
  return out
}

function expandAt(node: unknown, segments: string[], path: string, resolve: Resolver, expandable: Expandable): unknown {
  if (segments.length === 0) return node
  if (Array.isArray(node)) return node.map((n) => expandAt(n, segments, path, resolve, expandable))
  if (node === null || typeof node !== 'object') return node
  const [head, ...rest] = segments as [string, ...string[]]
  const obj = node as Record<string, unknown>
  if (!(head in obj)) {
    const hidden = expandable(obj, head)
    if (!hidden) {
      throw new StripeError(400, 'invalid_request_error', `This property cannot be expanded (${path}).`, 'parameter_invalid_empty', 'expand')
    }
    if (hidden.value === undefined) return obj
    return { ...obj, [head]: expandAt(hidden.value, rest, path, resolve, expandable) }
  }
  const value = obj[head]
  const expandOne = (v: unknown): unknown => {
    if (typeof v === 'string' && rest.length === 0) return resolve(v, path)
    if (typeof v === 'string') return expandAt(resolve(v, path), rest, path, resolve, expandable)
    return expandAt(v, rest, path, resolve, expandable)
  }
  const next = Array.isArray(value) ? value.map(expandOne) : expandOne(value)
  return { ...obj, [head]: next }
}
