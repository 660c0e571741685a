// The local Stripe sandbox (sandbox/) as a companion of `npm run dev` / `npm start` on the
// embedded defaults, so "Try with a sandbox account" works offline. It runs in its own process
// (its request handling must not compete with Next.js's event loop) and announces itself with
// one JSON line on stdout.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))

const DEFAULT_PORT = 12111

// When the sandbox runs, and who sees "Try with a sandbox account". It is a demo: a production
// build must not offer it to people who did not ask for it.
// - STRIPE_SANDBOX=1: started anywhere and offered, production builds included (the e2e suite runs
//   a production build this way); the app gets STRIPE_SANDBOX_ENABLED=1.
// - otherwise, on the embedded database: started and offered by `npm run dev` only; `npm start`
//   neither starts nor offers it (lib/stripe/sandbox-link.ts hides it in production builds).
// - STRIPE_SANDBOX=0, or STRIPE_SANDBOX_URL already set (a sandbox you run yourself): not started.

/**
 * On with the embedded database under `npm run dev` unless STRIPE_SANDBOX=0; anywhere with
 * STRIPE_SANDBOX=1; never when STRIPE_SANDBOX_URL points at one already. `npm start` (a
 * production build, CHURNLESS_RUN_MODE=start) would not offer an unrequested sandbox, so it does
 * not start one either.
 * @param {Record<string, string | undefined>} env
 */
export function sandboxWanted(env) {
  if (env.STRIPE_SANDBOX_URL) return false
  if (env.STRIPE_SANDBOX === '1') return true
  return env.STRIPE_SANDBOX !== '0' && env.CHURNLESS_EMBEDDED_DB === '1' && env.CHURNLESS_RUN_MODE !== 'start'
}

/**
 * What the app is told about a sandbox started at `url`: always where it is; that production
 * builds may offer it only when STRIPE_SANDBOX=1 asked for it explicitly.
 * @param {Record<string, string | undefined>} env
 * @param {string} url
 * @returns {Record<string, string>}
 */
export function sandboxAppEnv(env, url) {
  return env.STRIPE_SANDBOX === '1' ? { STRIPE_SANDBOX_URL: url, STRIPE_SANDBOX_ENABLED: '1' } : { STRIPE_SANDBOX_URL: url }
}

/** @type {import('./launcher.mjs').CompanionService} */
export const stripeSandboxService = {
  name: 'the Stripe sandbox',
  enabled: sandboxWanted,
  start: (env) =>
    new Promise((resolve, reject) => {
      const port = env.STRIPE_SANDBOX_PORT || String(DEFAULT_PORT)
      // No default account: the wizard creates one per "Try with a sandbox account".
      const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', port, '--customers', '0'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'inherit'] })
      const fail = (/** @type {string} */ why) => reject(new Error(`The Stripe sandbox did not start on port ${port}: ${why}. Set STRIPE_SANDBOX_PORT to another port, or STRIPE_SANDBOX=0 to run without it.`))
      child.once('exit', (code) => fail(`it exited with code ${code}`))
      createInterface({ input: child.stdout }).once('line', (line) => {
        try {
          const { url } = JSON.parse(line)
          child.removeAllListeners('exit')
          child.stdout.resume()
          resolve({
            env: sandboxAppEnv(env, url),
            stop: () =>
              new Promise((done) => {
                if (child.exitCode !== null) return done()
                child.once('exit', () => done())
                child.kill('SIGTERM')
              }),
          })
        } catch {
          fail(`its first line was not JSON (${line.slice(0, 80)})`)
        }
      })
    }),
}
