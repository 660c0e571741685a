// Money helpers shared by MRR and attributes. Stripe amounts are integers in the currency's
// minor unit (cents); `*_decimal` fields are minor units as decimal strings with up to 12 places.

// Stripe's zero-decimal list (docs.stripe.com/currencies#zero-decimal): 1 JPY is `1`, not `100`.
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
])
// Three-decimal currencies (docs.stripe.com/currencies#three-decimal): 1 KWD is `1000`.
// ISK, HUF and TWD are "special cases" that Stripe still represents with two decimals.
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd'])

/** Digits after the decimal point in Stripe's minor-unit representation of `currency`. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase()
  if (ZERO_DECIMAL.has(c)) return 0
  if (THREE_DECIMAL.has(c)) return 3
  return 2
}

/** A Stripe `Decimal` (SDK ≥ 22 parses `*_decimal` into an object), a string from JSON, or a number. */
export type DecimalLike = string | number | { toString(): string }

/** Parses a minor-unit amount that may be fractional ("0.5"); null when not a finite number. */
export function parseDecimal(value: DecimalLike | null | undefined): number | null {
  if (value === null || value === undefined) return null
  const n = typeof value === 'number' ? value : Number(String(value).trim())
  return Number.isFinite(n) && String(value).trim() !== '' ? n : null
}

/**
 * Minor units → major units as an exact decimal string, by moving the point (no floating
 * point): usd 4900 → "49.00", jpy 500 → "500", kwd 1234 → "1.234", usd "0.5" → "0.005".
 * At least `exponent` digits are kept after the point; extra fractional digits are kept
 * (trailing zeros trimmed). Returns null for input that is not a plain decimal number.
 */
export function minorToDecimalString(minor: DecimalLike, currency: string): string | null {
  const raw = typeof minor === 'number' ? numberToPlainString(minor) : String(minor).trim()
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(raw)
  if (!match) return null
  const [, sign, intPart, fracPart = ''] = match
  const exp = currencyExponent(currency)
  let digits = intPart + fracPart
  let point = intPart.length - exp
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits
    point = 1
  }
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '')
  let frac = digits.slice(point)
  while (frac.length > exp && frac.endsWith('0')) frac = frac.slice(0, -1)
  const isZero = /^0*$/.test(whole + frac)
  const out = frac ? `${whole}.${frac}` : whole
  return sign === '-' && !isZero ? `-${out}` : out
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) return 'NaN'
  // toFixed avoids exponent notation for the magnitudes money takes (|n| < 1e21).
  const s = Number.isInteger(n) ? n.toFixed(0) : n.toFixed(12)
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

/**
 * Round half to even ("banker's rounding"), the IEEE 754 default, so ties do not drift money
 * upwards when many rounded amounts are summed. Values within 1e-9 of a .5 tie count as a tie,
 * to absorb binary floating-point noise (4333.4999999999 from 1000 × 52 ÷ 12 arithmetic).
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value)
  const diff = value - floor
  const EPS = 1e-9
  if (Math.abs(diff - 0.5) < EPS) return floor % 2 === 0 ? floor : floor + 1
  if (diff < EPS) return floor
  if (1 - diff < EPS) return floor + 1
  return diff < 0.5 ? floor : floor + 1
}
