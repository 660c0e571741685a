import { describe, expect, test } from 'vitest'
import { ConfigError, intSetting, parseEnv } from './env'

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/churnless',
  AUTH_SECRET: 'x'.repeat(32),
}

describe('parseEnv', () => {
  test('fills defaults for a minimal valid environment', () => {
    const env = parseEnv(valid)
    expect(env.APP_URL).toBe('http://localhost:3000')
    expect(env.NODE_ENV).toBe('development')
    expect(env.AUTH_GITHUB_ID).toBeUndefined()
  })

  test.each([
    ['missing DATABASE_URL', { AUTH_SECRET: valid.AUTH_SECRET }, /DATABASE_URL is missing/],
    ['mysql DATABASE_URL', { ...valid, DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a PostgreSQL connection string/],
    ['short AUTH_SECRET', { ...valid, AUTH_SECRET: 'short' }, /AUTH_SECRET must be at least 32 characters; generate one with/],
    ['relative APP_URL', { ...valid, APP_URL: 'localhost:3000' }, /APP_URL must be the absolute http\(s\) URL/],
    ['bad encryption key', { ...valid, APP_ENCRYPTION_KEY: 'abc' }, /APP_ENCRYPTION_KEY must be 32 random bytes in base64/],
    ['previous key of the wrong size', { ...valid, APP_ENCRYPTION_KEY_PREVIOUS: `${Buffer.alloc(32).toString('base64')},abc` }, /APP_ENCRYPTION_KEY_PREVIOUS must be a comma-separated list of the old 32-byte base64 keys/],
    ['GitHub id without secret', { ...valid, AUTH_GITHUB_ID: 'id' }, /AUTH_GITHUB_SECRET is needed together with AUTH_GITHUB_ID/],
  ])('%s is refused with a message naming the variable', (_name, source, message) => {
    expect(() => parseEnv(source)).toThrowError(ConfigError)
    expect(() => parseEnv(source)).toThrowError(message)
  })

  test('lists every invalid variable at once', () => {
    expect(() => parseEnv({})).toThrowError(/DATABASE_URL is missing[\s\S]*AUTH_SECRET is missing/)
  })

  test('empty OAuth variables count as unset', () => {
    expect(parseEnv({ ...valid, AUTH_GOOGLE_ID: '', AUTH_GOOGLE_SECRET: '' }).AUTH_GOOGLE_ID).toBeUndefined()
  })
})

describe('intSetting', () => {
  test.each([
    ['unset', undefined, 8],
    ['blank', '  ', 8],
    ['a whole number', '3', 3],
  ])('%s → the value or the fallback', (_name, raw, expected) => {
    expect(intSetting('INNGEST_LOCAL_CONCURRENCY', 8, { source: { INNGEST_LOCAL_CONCURRENCY: raw } })).toBe(expected)
  })

  test.each(['0', '-2', '2.5', 'eight'])('"%s" stops with a message naming the variable, not a silent default', (raw) => {
    expect(() => intSetting('INNGEST_LOCAL_CONCURRENCY', 8, { source: { INNGEST_LOCAL_CONCURRENCY: raw } })).toThrowError(
      /INNGEST_LOCAL_CONCURRENCY must be a whole number of at least 1 \(got "/,
    )
  })
})
