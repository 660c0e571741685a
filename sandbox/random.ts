// Seeded pseudo-random numbers and Stripe-like ids: the same seed gives the same data, ids too.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const BASE62_CODES = Array.from(BASE62, (c) => c.charCodeAt(0))
const SCRATCH = Buffer.alloc(64)

/** sfc32: small, fast, good enough for test data; state is four 32-bit words. */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    this.a = 0x9e3779b9
    this.b = 0x243f6a88
    this.c = 0xb7e15162
    this.d = seed >>> 0
    for (let i = 0; i < 15; i++) this.next()
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0
    this.b >>>= 0
    this.c >>>= 0
    this.d >>>= 0
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Picks a key by weight; weights need not sum to 1. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][]
    let total = 0
    for (const [, w] of entries) total += w
    let r = this.next() * total
    for (const [k, w] of entries) {
      r -= w
      if (r < 0) return k
    }
    return (entries[entries.length - 1] as [K, number])[0]
  }

  /** Stripe ids look like `cus_` + 14 (customers) or 24 (most objects) base62 characters. */
  id(prefix: string, length = 24): string {
    return `${prefix}_${this.token(length)}`
  }

  /** Built from char codes in one go: `+=` would leave a rope of tiny strings per id. */
  token(length: number): string {
    const buf = length <= SCRATCH.length ? SCRATCH : Buffer.alloc(length)
    for (let i = 0; i < length; i++) buf[i] = BASE62_CODES[Math.floor(this.next() * 62)] as number
    return buf.toString('latin1', 0, length)
  }
}
