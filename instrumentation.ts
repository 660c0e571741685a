// Runs once when the Next.js server starts: validate the configuration and resolve the Inngest
// mode now, so a misconfigured server fails at boot with a message naming the variable (not on
// its first request), and local mode prints its banner and starts its cron timer.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { env } = await import('./lib/env')
  env()
  const { inngestMode } = await import('./inngest/client')
  // Without an Inngest server, scheduled functions (gap repair, health checks, segment edges)
  // run from a timer in this process, once per process.
  const holder = globalThis as typeof globalThis & { __churnlessSchedules?: boolean }
  if (inngestMode.mode === 'local' && !holder.__churnlessSchedules) {
    holder.__churnlessSchedules = true
    const { startLocalSchedules } = await import('./inngest/local-dispatch')
    startLocalSchedules({ loadFunctions: async () => (await import('./inngest/functions')).functions })
  }
}
