import { currencyExponent, minorToDecimalString } from '../sync/currency'

// Display helpers shared by the contact pages (server and browser). Dates are shown in UTC so
// the server's and the browser's renderings agree.

/** 4900 usd → "$49.00", 500 jpy → "¥500", 1234 kwd → "KWD 1.234". */
export function formatMoney(minor: number | null | undefined, currency: string | null | undefined): string {
  if (minor === null || minor === undefined) return '—'
  if (!currency) return String(minor)
  const decimal = minorToDecimalString(Math.round(minor), currency)
  const exp = currencyExponent(currency)
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: exp, maximumFractionDigits: exp }).format(Number(decimal))
  } catch {
    return `${decimal} ${currency.toUpperCase()}`
  }
}

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' })
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '—'
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${dateTimeFormat.format(new Date(iso))} UTC` : '—'
}

/** "month", "3 months", "year". */
export function formatInterval(interval: string | null, count = 1): string {
  if (!interval) return 'one-time'
  return count === 1 ? interval : `${count} ${interval}s`
}

export const statusLabels: Record<string, string> = {
  active: 'Active',
  past_due: 'Past due',
  trialing: 'Trialing',
  unpaid: 'Unpaid',
  incomplete: 'Incomplete',
  paused: 'Paused',
  canceled: 'Canceled',
  incomplete_expired: 'Incomplete expired',
}

export function statusTone(status: string | null): 'green' | 'amber' | 'red' | 'neutral' | 'brand' {
  switch (status) {
    case 'active':
      return 'green'
    case 'trialing':
      return 'brand'
    case 'past_due':
    case 'unpaid':
    case 'incomplete':
      return 'amber'
    case 'canceled':
    case 'incomplete_expired':
      return 'red'
    default:
      return 'neutral'
  }
}
