// Which schema engine the Prisma CLI runs (scripts/lib/schema-engine.mjs).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { chooseSchemaEngine, configureSchemaEngine, findNativeSchemaEngine, SHIM_PATH } from './lib/schema-engine.mjs'

const NATIVE = '/x/node_modules/@prisma/engines/schema-engine-debian-openssl-3.0.x'
const present = { path: NATIVE }
const absent = { missing: 'no native schema engine in /x' }

describe('chooseSchemaEngine', () => {
  test.each([
    { case: 'native present -> native', requested: undefined, native: present, expected: { engine: 'native', binary: NATIVE } },
    { case: 'native absent -> wasm', requested: undefined, native: absent, expected: { engine: 'wasm', binary: SHIM_PATH } },
    { case: '"auto" is the default', requested: 'auto', native: present, expected: { engine: 'native', binary: NATIVE } },
    { case: 'override wasm beats a present native', requested: 'wasm', native: present, expected: { engine: 'wasm', binary: SHIM_PATH } },
    { case: 'override native uses the binary on disk', requested: 'native', native: present, expected: { engine: 'native', binary: NATIVE } },
    { case: 'override native without a binary lets Prisma download it', requested: 'native', native: absent, expected: { engine: 'native', binary: undefined } },
    { case: 'override is case-insensitive', requested: ' WASM ', native: present, expected: { engine: 'wasm', binary: SHIM_PATH } },
    { case: 'a binary set by hand is kept', requested: undefined, native: present, customBinary: '/opt/se', expected: { engine: 'custom', binary: '/opt/se' } },
    { case: 'override wasm beats a binary set by hand', requested: 'wasm', native: present, customBinary: '/opt/se', expected: { engine: 'wasm', binary: SHIM_PATH } },
    { case: 'embedded PGlite -> wasm even with native present', requested: undefined, native: present, isEmbeddedDb: true, expected: { engine: 'wasm', binary: SHIM_PATH } },
    { case: 'override native beats the embedded rule', requested: 'native', native: present, isEmbeddedDb: true, expected: { engine: 'native', binary: NATIVE } },
  ])('$case', ({ requested, native, customBinary, isEmbeddedDb, expected }) => {
    expect(chooseSchemaEngine({ requested, native, customBinary, isEmbeddedDb })).toMatchObject(expected)
  })

  test('an unknown override is an error naming the variable and the choices', () => {
    expect(() => chooseSchemaEngine({ requested: 'binary', native: present })).toThrow('CHURNLESS_SCHEMA_ENGINE must be one of auto, native, wasm; got "binary"')
  })
})

describe('findNativeSchemaEngine', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churnless-engines-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const executable = (name: string, script: string) => {
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
    return path.join(dir, name)
  }

  test('nothing on disk', () => {
    expect(findNativeSchemaEngine({ enginesDir: dir, expectedVersion: 'abc123' })).toEqual({ missing: `no native schema engine in ${dir}` })
  })

  test('a binary of another engine version is not used (the CLI would re-download it)', () => {
    executable('schema-engine-debian-openssl-3.0.x', 'echo "schema-engine-cli 0000old"')
    const found = findNativeSchemaEngine({ enginesDir: dir, expectedVersion: 'abc123' })
    expect(found).toEqual({ missing: expect.stringContaining('schema-engine-debian-openssl-3.0.x is another version') })
  })

  test('a binary that runs and reports the expected version is used', () => {
    const file = executable('schema-engine-debian-openssl-3.0.x', 'echo "schema-engine-cli abc123"')
    expect(findNativeSchemaEngine({ enginesDir: dir, expectedVersion: 'abc123' })).toEqual({ path: file })
  })

  test('the installed @prisma/engines is inspected by default', () => {
    // Offline machines have none; with internet npm install puts one there. Either way the answer
    // names the real folder.
    const found = findNativeSchemaEngine()
    if ('path' in found) expect(found.path).toMatch(/@prisma[/\\]engines[/\\]schema-engine-/)
    else expect(found.missing).toMatch(/@prisma[/\\]engines/)
  })
})

describe('configureSchemaEngine', () => {
  const quiet = () => {}

  test('forced wasm points PRISMA_SCHEMA_ENGINE_BINARY at the shim and disables the update check', () => {
    const env: Record<string, string | undefined> = { CHURNLESS_SCHEMA_ENGINE: 'wasm' }
    expect(configureSchemaEngine({ env, databaseUrl: 'postgresql://u@db.example.com:5432/app', log: quiet }).engine).toBe('wasm')
    expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBe(SHIM_PATH)
    expect(env.CHECKPOINT_DISABLE).toBe('1')
    expect(fs.statSync(SHIM_PATH).mode & 0o111).not.toBe(0) // the CLI executes it directly
  })

  test('a shim path inherited from a parent process is not mistaken for a hand-set binary', () => {
    const env: Record<string, string | undefined> = { PRISMA_SCHEMA_ENGINE_BINARY: SHIM_PATH, CHURNLESS_SCHEMA_ENGINE: 'native' }
    const choice = configureSchemaEngine({ env, databaseUrl: 'postgresql://u@db.example.com:5432/app', log: quiet })
    expect(choice.engine).toBe('native')
    expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBe(choice.binary) // the native path, or unset to download
  })

  test('the embedded database URL (DATABASE_URL unset) selects wasm', () => {
    const env: Record<string, string | undefined> = { EMBEDDED_DB_PORT: '54329' }
    expect(configureSchemaEngine({ env, databaseUrl: 'postgresql://postgres:postgres@127.0.0.1:54329/postgres', log: quiet })).toMatchObject({
      engine: 'wasm',
      reason: expect.stringContaining('embedded PGlite'),
    })
  })
})
