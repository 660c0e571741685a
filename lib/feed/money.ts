import { currencyExponent } from '../sync/currency'

/** Minor units as a person reads them: usd 4900 → "$49.00", jpy 500 → "¥500", eur 1999 → "€19.99". */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency)
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(minor / 10 ** exponent)
  } catch {
    return `${(minor / 10 ** exponent).toFixed(exponent)} ${currency.toUpperCase()}`
  }
}
