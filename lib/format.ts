// Numbers and durations as the pages show them (server and browser alike: fixed locale).

const number = new Intl.NumberFormat('en-US')

/** 12,345 */
export const formatCount = (n: number) => number.format(n)

/** "under a second", "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second'
  if (seconds < 60) return `${Math.round(seconds)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}
