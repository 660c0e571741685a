// Splitting one object type into `created` ranges that can be fetched in parallel. Pure.
//
// Every range costs at most one partly filled page more than its share of ⌈N/100⌉, so the
// number of ranges is the overhead: we split only types big enough to gain from it, into
// ranges of at least `minPerRange` estimated objects, and never more than `maxRanges`.
//
// Ranges are half-open [start, end) in Stripe `created` seconds. The newest range has no end
// and continues from the first page already fetched (its cursor); the oldest has no start, so
// an object older than the estimated lower bound is still fetched, only with less parallelism.

export type CreatedRange = { start: number | null; end: number | null; expected: number }

export type PlanInput = {
  /** Objects on the first page (newest first) and its `created` values. */
  firstPage: { count: number; newest: number; oldest: number; hasMore: boolean }
  /** Oldest `created` the account is believed to have (e.g. its oldest customer). */
  lowerBound: number
  maxRanges?: number
  minPerRange?: number
}

/**
 * Estimates the size of a type from the first page's density over [oldest, newest] and the
 * span back to `lowerBound`. Only a guess for splitting and ETAs; never used for correctness.
 */
export function estimateCount(input: Pick<PlanInput, 'firstPage' | 'lowerBound'>): number {
  const { count, newest, oldest, hasMore } = input.firstPage
  if (!hasMore) return count
  const sampled = Math.max(1, newest - oldest)
  const remainingSpan = Math.max(0, oldest - input.lowerBound)
  return count + Math.round((count / sampled) * remainingSpan)
}

export function planRanges(input: PlanInput): CreatedRange[] {
  const { firstPage } = input
  const maxRanges = input.maxRanges ?? 8
  const minPerRange = input.minPerRange ?? 2_000
  const estimate = estimateCount(input)
  if (!firstPage.hasMore) return [{ start: null, end: null, expected: firstPage.count }]
  // The first page's last `created` bounds what is left: everything else is at or before it.
  const top = firstPage.oldest
  const span = top - input.lowerBound
  const count = Math.max(1, Math.min(maxRanges, Math.floor(estimate / minPerRange), span))
  if (count === 1) return [{ start: null, end: null, expected: estimate }]
  const width = span / count
  const bounds = Array.from({ length: count - 1 }, (_, i) => Math.floor(input.lowerBound + width * (i + 1)))
  const remaining = estimate - firstPage.count
  const ranges: CreatedRange[] = []
  for (let i = 0; i < count; i++) {
    const start = i === 0 ? null : (bounds[i - 1] as number)
    const end = i === count - 1 ? null : (bounds[i] as number)
    const share = Math.round(remaining / count)
    ranges.push({ start, end, expected: i === count - 1 ? share + firstPage.count : share })
  }
  return ranges
}

/**
 * Refines a stream's expected size after a page: what was fetched plus the unfetched part of
 * its range at the density seen so far. A range without a start (the oldest) keeps its planned
 * estimate until it is passed. Done → exactly what was fetched.
 */
export function refineExpected(args: { fetched: number; isDone: boolean; rangeStart: number | null; rangeTop: number; oldestSeen: number; previous: number | null }): number {
  if (args.isDone) return args.fetched
  // Never claim completion while the list says there is more.
  const floor = args.fetched + 1
  if (args.rangeStart === null) return Math.max(args.previous ?? floor, floor)
  const covered = Math.max(1, args.rangeTop - args.oldestSeen)
  const left = Math.max(0, args.oldestSeen - args.rangeStart)
  return Math.max(args.fetched + Math.round((args.fetched / covered) * left), floor)
}
