// Runs once when the Next.js server starts: validate the configuration and resolve the Inngest
// mode now, so a misconfigured server fails at boot with a message naming the variable (not on
// its first request), and local mode prints its banner.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { env } = await import('./lib/env')
  env()
  await import('./inngest/client')
}
