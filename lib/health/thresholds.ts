import { z } from 'zod'

// Per-workspace thresholds of the sync-health state (F21), editable by admins on the health
// page. Stored as JSON on the workspace; what is missing or no longer valid falls back to the
// default, so a stored value never breaks the page.

export const healthThresholdsSchema = z.object({
  /** Webhook lag (p95 over the last hour, seconds) above which the connection is degraded. */
  lagSeconds: z.coerce.number({ error: 'Enter a number.' }).int('Use whole seconds.').min(5, 'Use at least 5 seconds.').max(86_400, 'Use at most a day (86,400 seconds).'),
  /** Stripe 429 answers in the last hour at or above which the connection is degraded. */
  throttledPerHour: z.coerce.number({ error: 'Enter a number.' }).int('Use a whole number.').min(1, 'Use at least 1.').max(100_000, 'Use at most 100,000.'),
  /** Unresolved failed events at or above which the connection is failing (any failure degrades). */
  failedEvents: z.coerce.number({ error: 'Enter a number.' }).int('Use a whole number.').min(1, 'Use at least 1.').max(100_000, 'Use at most 100,000.'),
  /** Minutes without a webhook, while Stripe has newer events, after which deliveries count as stopped. */
  silenceMinutes: z.coerce.number({ error: 'Enter a number.' }).int('Use whole minutes.').min(5, 'Use at least 5 minutes.').max(10_080, 'Use at most a week (10,080 minutes).'),
})

export type HealthThresholds = z.infer<typeof healthThresholdsSchema>

export const defaultHealthThresholds: HealthThresholds = { lagSeconds: 300, throttledPerHour: 20, failedEvents: 25, silenceMinutes: 30 }

/** The stored thresholds, each invalid or missing one replaced by its default. */
export function readHealthThresholds(stored: unknown): HealthThresholds {
  const value = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>
  const out = { ...defaultHealthThresholds }
  for (const key of Object.keys(defaultHealthThresholds) as (keyof HealthThresholds)[]) {
    const parsed = healthThresholdsSchema.shape[key].safeParse(value[key])
    if (parsed.success) out[key] = parsed.data
  }
  return out
}
