import { createHmac, timingSafeEqual } from 'node:crypto'

// Stripe-Signature verification (F13), pure: the raw bytes, the header, the secret and `now` in,
// a verdict out. Stripe signs `${t}.${rawBody}` with HMAC-SHA256 and sends `t=…,v1=…[,v1=…]`;
// during a signing-secret roll it sends one `v1` per active secret, so any matching `v1` passes.
// Stripe's default tolerance is 300 s: older timestamps are refused so a captured delivery
// cannot be replayed later. Comparison is constant-time over equal-length digests.

export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureVerdict =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing_header' | 'malformed_header' | 'no_v1_signature' | 'timestamp_outside_tolerance' | 'signature_mismatch' }

export function parseSignatureHeader(header: string): { timestamp: number | null; v1: string[] } {
  let timestamp: number | null = null
  const v1: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase())
  }
  return { timestamp, v1 }
}

export function computeSignature(rawBody: Uint8Array, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex')
}

export function verifyStripeSignature(args: {
  rawBody: Uint8Array
  header: string | null
  secret: string
  nowSeconds: number
  toleranceSeconds?: number
}): SignatureVerdict {
  if (!args.header) return { ok: false, reason: 'missing_header' }
  const { timestamp, v1 } = parseSignatureHeader(args.header)
  if (timestamp === null) return { ok: false, reason: 'malformed_header' }
  if (v1.length === 0) return { ok: false, reason: 'no_v1_signature' }
  const tolerance = args.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS
  if (Math.abs(args.nowSeconds - timestamp) > tolerance) return { ok: false, reason: 'timestamp_outside_tolerance' }
  const expected = Buffer.from(computeSignature(args.rawBody, args.secret, timestamp), 'hex')
  // Check every candidate (no early exit) so timing does not reveal which one matched.
  let matched = false
  for (const candidate of v1) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' }
}

/** `t=…,v1=…` for tests, benchmarks and the sandbox-free tools; one `v1` per secret. */
export function signStripePayload(rawBody: string | Uint8Array, secrets: readonly string[], timestamp: number): string {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${computeSignature(bytes, s, timestamp)}`)].join(',')
}
