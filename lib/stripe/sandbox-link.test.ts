import { describe, expect, it } from 'vitest'
import { sandboxAppEnv, sandboxWanted } from '../../scripts/lib/stripe-sandbox-service.mjs'
import { sandboxUrl } from './sandbox-link'

// Who sees "Try with a sandbox account": the launcher decides what it tells the app
// (scripts/lib/stripe-sandbox-service.mjs), sandboxUrl decides from that and the build.

const URL_ = 'http://127.0.0.1:12111'

/** What the app process sees after the launcher, in a build of `nodeEnv`. */
function appEnv(launcherEnv: Record<string, string | undefined>, nodeEnv: 'development' | 'production') {
  const started = sandboxWanted(launcherEnv) ? sandboxAppEnv(launcherEnv, URL_) : {}
  return { ...launcherEnv, ...started, NODE_ENV: nodeEnv }
}

describe('sandboxUrl', () => {
  it('is null without a sandbox URL, in any build', () => {
    expect(sandboxUrl({ NODE_ENV: 'development' })).toBeNull()
    expect(sandboxUrl({ NODE_ENV: 'production', STRIPE_SANDBOX_ENABLED: '1' })).toBeNull()
  })

  it('offers the URL in development and test builds', () => {
    expect(sandboxUrl({ NODE_ENV: 'development', STRIPE_SANDBOX_URL: URL_ })).toBe(URL_)
    expect(sandboxUrl({ NODE_ENV: 'test', STRIPE_SANDBOX_URL: URL_ })).toBe(URL_)
  })

  it('hides it in production builds unless STRIPE_SANDBOX_ENABLED=1', () => {
    expect(sandboxUrl({ NODE_ENV: 'production', STRIPE_SANDBOX_URL: URL_ })).toBeNull()
    expect(sandboxUrl({ NODE_ENV: 'production', STRIPE_SANDBOX_URL: URL_, STRIPE_SANDBOX_ENABLED: 'true' })).toBeNull()
    expect(sandboxUrl({ NODE_ENV: 'production', STRIPE_SANDBOX_URL: URL_, STRIPE_SANDBOX_ENABLED: '1' })).toBe(URL_)
  })
})

describe('the launcher and sandboxUrl together', () => {
  const embedded = { CHURNLESS_EMBEDDED_DB: '1' }

  it('npm run dev on the embedded defaults offers the sandbox', () => {
    expect(sandboxUrl(appEnv(embedded, 'development'))).toBe(URL_)
    expect(sandboxUrl(appEnv({ ...embedded, CHURNLESS_RUN_MODE: 'dev' }, 'development'))).toBe(URL_)
  })

  it('npm start on the embedded defaults neither starts nor offers it, without an explicit opt-in', () => {
    expect(sandboxWanted({ ...embedded, CHURNLESS_RUN_MODE: 'start' })).toBe(false)
    expect(sandboxUrl(appEnv({ ...embedded, CHURNLESS_RUN_MODE: 'start' }, 'production'))).toBeNull()
    expect(sandboxUrl(appEnv({ ...embedded, CHURNLESS_RUN_MODE: 'start', STRIPE_SANDBOX: '1' }, 'production'))).toBe(URL_)
  })

  it('STRIPE_SANDBOX=1 offers it in a production build (the e2e suite), with or without the embedded database', () => {
    expect(sandboxUrl(appEnv({ ...embedded, STRIPE_SANDBOX: '1' }, 'production'))).toBe(URL_)
    expect(sandboxUrl(appEnv({ DATABASE_URL: 'postgresql://db/app', STRIPE_SANDBOX: '1' }, 'production'))).toBe(URL_)
  })

  it('STRIPE_SANDBOX=0 never starts it; an own database without STRIPE_SANDBOX=1 does not either', () => {
    expect(sandboxWanted({ ...embedded, STRIPE_SANDBOX: '0' })).toBe(false)
    expect(sandboxUrl(appEnv({ ...embedded, STRIPE_SANDBOX: '0' }, 'development'))).toBeNull()
    expect(sandboxWanted({ DATABASE_URL: 'postgresql://db/app' })).toBe(false)
  })

  it('a sandbox you run yourself (STRIPE_SANDBOX_URL) is not started again; production needs STRIPE_SANDBOX_ENABLED=1', () => {
    const own = { STRIPE_SANDBOX_URL: 'http://127.0.0.1:9999' }
    expect(sandboxWanted({ ...embedded, ...own, STRIPE_SANDBOX: '1' })).toBe(false)
    expect(sandboxUrl(appEnv(own, 'development'))).toBe(own.STRIPE_SANDBOX_URL)
    expect(sandboxUrl(appEnv(own, 'production'))).toBeNull()
    expect(sandboxUrl(appEnv({ ...own, STRIPE_SANDBOX_ENABLED: '1' }, 'production'))).toBe(own.STRIPE_SANDBOX_URL)
  })
})
