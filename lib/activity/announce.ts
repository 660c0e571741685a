/** Contact ids grouped for `contact/updated` (at most 500 per event). */
export function contactUpdateBatches(contactIds: readonly string[]): string[][] {
  const unique = [...new Set(contactIds)]
  const out: string[][] = []
  for (let i = 0; i < unique.length; i += 500) out.push(unique.slice(i, i + 500))
  return out
}
