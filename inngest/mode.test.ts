import { describe, expect, test } from 'vitest'
import { formatLocalDispatchBanner, InngestConfigError, type InngestEnvLike, resolveInngestMode } from './mode'

const keys = { INNGEST_EVENT_KEY: 'evt_key', INNGEST_SIGNING_KEY: 'signkey-prod-abc' }
const prod = { NODE_ENV: 'production' }
const build = { NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }

describe('resolveInngestMode: resolved modes', () => {
  test.each<[string, InngestEnvLike, 'local' | 'dev-server' | 'cloud', boolean, RegExp]>([
    ['nothing set (embedded default)', {}, 'local', true, /no Inngest server or keys/],
    ['NODE_ENV=development, nothing else', { NODE_ENV: 'development' }, 'local', true, /no Inngest server or keys/],
    ['NODE_ENV=test, nothing else', { NODE_ENV: 'test' }, 'local', true, /in-process/],
    ['empty strings count as unset', { INNGEST_EVENT_KEY: '', INNGEST_DEV: ' ' }, 'local', true, /no Inngest/],
    ['INNGEST_DEV=0 means "not the Dev Server"', { INNGEST_DEV: '0' }, 'local', true, /no Inngest/],
    ['forced in development', { INNGEST_LOCAL_DISPATCH: '1' }, 'local', true, /INNGEST_LOCAL_DISPATCH=1/],
    ['forced in production (explicit opt-in)', { ...prod, INNGEST_LOCAL_DISPATCH: '1' }, 'local', true, /INNGEST_LOCAL_DISPATCH=1/],
    ['production build without config: deferred to start, no banner', build, 'local', false, /next build/],
    ['INNGEST_DEV=1', { INNGEST_DEV: '1' }, 'dev-server', false, /Dev Server/],
    ['INNGEST_DEV=true', { INNGEST_DEV: 'true' }, 'dev-server', false, /Dev Server/],
    ['INNGEST_DEV=<url>', { INNGEST_DEV: 'http://inngest:8288' }, 'dev-server', false, /http:\/\/inngest:8288/],
    ['INNGEST_DEV=1 wins over keys (as in the SDK)', { ...keys, INNGEST_DEV: '1' }, 'dev-server', false, /Dev Server/],
    ['INNGEST_DEV=1 in production', { ...prod, INNGEST_DEV: '1' }, 'dev-server', false, /Dev Server/],
    ['both keys', keys, 'cloud', false, /Inngest Cloud/],
    ['both keys in production', { ...prod, ...keys }, 'cloud', false, /Inngest Cloud/],
    ['keys + INNGEST_BASE_URL (self-hosted)', { ...keys, INNGEST_BASE_URL: 'http://inngest.internal:8288' }, 'cloud', false, /inngest\.internal/],
    ['INNGEST_LOCAL_DISPATCH=0 with keys', { ...keys, INNGEST_LOCAL_DISPATCH: '0' }, 'cloud', false, /Inngest Cloud/],
  ])('%s → %s', (_name, env, mode, announce, reason) => {
    const resolved = resolveInngestMode(env)
    expect(resolved.mode).toBe(mode)
    expect(resolved.announce).toBe(announce)
    expect(resolved.reason).toMatch(reason)
  })
})

describe('resolveInngestMode: refused configurations', () => {
  test.each<[string, InngestEnvLike, RegExp[]]>([
    ['production with nothing set', prod, [/NODE_ENV=production/, /INNGEST_EVENT_KEY/, /INNGEST_SIGNING_KEY/, /INNGEST_LOCAL_DISPATCH=1/, /INNGEST_DEV=1/]],
    ['forced while both keys are set', { ...keys, INNGEST_LOCAL_DISPATCH: '1' }, [/INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY/, /twice/, /Remove INNGEST_LOCAL_DISPATCH/]],
    ['forced while only the event key is set', { INNGEST_EVENT_KEY: 'k', INNGEST_LOCAL_DISPATCH: '1' }, [/cannot be combined with INNGEST_EVENT_KEY:/]],
    ['forced while only the signing key is set', { INNGEST_SIGNING_KEY: 'k', INNGEST_LOCAL_DISPATCH: '1' }, [/cannot be combined with INNGEST_SIGNING_KEY:/]],
    ['forced in production while keys are set', { ...prod, ...keys, INNGEST_LOCAL_DISPATCH: '1' }, [/cannot be combined/]],
    ['forced while INNGEST_DEV=1', { INNGEST_DEV: '1', INNGEST_LOCAL_DISPATCH: '1' }, [/cannot be combined with INNGEST_DEV/]],
    ['forced while INNGEST_BASE_URL is set', { INNGEST_BASE_URL: 'http://x', INNGEST_LOCAL_DISPATCH: '1' }, [/cannot be combined with INNGEST_BASE_URL/]],
    ['event key without signing key', { INNGEST_EVENT_KEY: 'k' }, [/INNGEST_EVENT_KEY is set but INNGEST_SIGNING_KEY is missing/]],
    ['signing key without event key', { ...prod, INNGEST_SIGNING_KEY: 'k' }, [/INNGEST_SIGNING_KEY is set but INNGEST_EVENT_KEY is missing/]],
    ['INNGEST_BASE_URL alone', { INNGEST_BASE_URL: 'http://localhost:8288' }, [/add INNGEST_DEV=1/, /INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY/]],
    ['local dispatch disabled with nothing configured', { INNGEST_LOCAL_DISPATCH: '0' }, [/INNGEST_LOCAL_DISPATCH=0/, /npm run dev:inngest/]],
    ['INNGEST_LOCAL_DISPATCH=true (only 1 or 0)', { INNGEST_LOCAL_DISPATCH: 'true' }, [/must be 1 .* or 0/, /"true"/]],
  ])('%s', (_name, env, messages) => {
    let caught: unknown
    try {
      resolveInngestMode(env)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InngestConfigError)
    for (const message of messages) expect((caught as Error).message).toMatch(message)
  })
})

test('the banner states what local mode is, its limits, and how to use a real Inngest', () => {
  const banner = formatLocalDispatchBanner(resolveInngestMode({}))
  for (const expected of [
    /IN-PROCESS DISPATCH/,
    /no retries/,
    /no durability/,
    /concurrency limits are honoured; throttle, rate limit, debounce, batching, idempotency are ignored/,
    /step\.sleep/,
    /npm run dev:inngest/,
    /INNGEST_DEV=1/,
    /INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY/,
  ]) {
    expect(banner).toMatch(expected)
  }
  const widths = new Set(banner.split('\n').map((line) => line.length))
  expect(widths.size).toBe(1)
})
