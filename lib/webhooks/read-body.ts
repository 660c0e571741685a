// Reads a request body up to a byte cap without buffering more: the stream is read chunk by
// chunk and cancelled as soon as the cap is passed (F13: 1 MB → 413). Stripe's own payloads
// stay far below it; anything larger is not Stripe.

export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' }

export async function readBodyCapped(req: Request, limit = WEBHOOK_BODY_LIMIT_BYTES): Promise<BodyRead> {
  const declared = Number(req.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel().catch(() => undefined)
    return { ok: false, reason: 'too_large' }
  }
  if (!req.body) return { ok: true, bytes: new Uint8Array(0) }
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      return { ok: false, reason: 'too_large' }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes }
}
