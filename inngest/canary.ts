import type { CanaryFannedOut, CanaryRequested } from './events'

// The canary's "product logic": small, pure where it can be, and kept out of the functions so
// they stay orchestration only. Results live in process memory (no database needed): enough
// for a test or a health check in the same process, and deliberately nothing more.

export type CanaryResult = CanaryFannedOut & { recordedBy: string }

export function summarizeCanary(input: CanaryRequested): { canaryId: string; message: string; wordCount: number } {
  const message = input.message.trim()
  return { canaryId: input.canaryId, message, wordCount: message ? message.split(/\s+/).length : 0 }
}

// On globalThis so that every copy of this module (Next.js dev can load one per bundle) shares it.
const store = globalThis as typeof globalThis & { __churnlessCanaryResults?: Map<string, CanaryResult> }
store.__churnlessCanaryResults ??= new Map()
const results = store.__churnlessCanaryResults

export function recordCanaryResult(result: CanaryResult): CanaryResult {
  results.set(result.canaryId, result)
  return result
}

export function getCanaryResult(canaryId: string): CanaryResult | undefined {
  return results.get(canaryId)
}
