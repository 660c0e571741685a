// Per-key rate limit of the activity API: a token bucket per API key, in this process's memory.
// Why in memory: it answers without a database round trip (the limit exists to protect the
// database), and one process per deployment is the common shape here. With N app processes the
// effective limit is N × the configured rate — a known, bounded looseness; a shared bucket
// (PostgreSQL row or Redis) is the upgrade when that matters.

export type RateLimit = { ratePerSecond: number; burst: number }
export const defaultActivityRateLimit: RateLimit = { ratePerSecond: 20, burst: 100 }

type Bucket = { tokens: number; at: number }

export function createRateLimiter(limit: RateLimit = defaultActivityRateLimit) {
  const buckets = new Map<string, Bucket>()
  return {
    /** Takes one token; when none is left, says how many whole seconds until one is. */
    take(key: string, nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: nowMs }
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * limit.ratePerSecond)
      bucket.at = nowMs
      buckets.set(key, bucket)
      if (buckets.size > 10_000) for (const k of buckets.keys()) if (k !== key) buckets.delete(k)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return { ok: true }
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond)) }
    },
  }
}
