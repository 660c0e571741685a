// Which schema engine the Prisma CLI runs: the one place that decides.
//
// Prisma 7's CLI (generate, migrate *, db push) runs a native `schema-engine` binary. npm install
// downloads it into node_modules/@prisma/engines (postinstall of @prisma/engines, failing
// silently offline), and the CLI downloads it again on use if it is missing or stale. Where
// binaries.prisma.sh is unreachable that download fails, so we point PRISMA_SCHEMA_ENGINE_BINARY
// at scripts/schema-engine-shim.mjs, which runs the same engine compiled to WebAssembly.
//
//   CHURNLESS_SCHEMA_ENGINE=auto (default) | native | wasm
//   auto:   PRISMA_SCHEMA_ENGINE_BINARY set by you         -> used as is ("custom")
//           database is the embedded PGlite                -> wasm (see below)
//           native binary on disk, right version           -> native
//           otherwise                                      -> wasm
//   native: the native binary; if it is not on disk the CLI downloads it (needs internet)
//   wasm:   the shim, always
//
// Why the embedded PGlite always gets wasm: PGlite serves one database whatever name a client
// asks for, so the native engine's temporary shadow database (CREATE DATABASE, then connect to
// it) would land in the main database. The shim knows and uses a private in-memory PGlite.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EMBEDDED_DB_HOST, embeddedDbPort } from './embedded-defaults.mjs'


/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export const ENGINE_OVERRIDE_VAR = 'CHURNLESS_SCHEMA_ENGINE'
export const SHIM_PATH = fileURLToPath(new URL('../schema-engine-shim.mjs', import.meta.url))

const OVERRIDE_VALUES = ['auto', 'native', 'wasm']

/**
 * @typedef {{ engine: 'native' | 'wasm' | 'custom', binary: string | undefined, reason: string }} SchemaEngineChoice
 *   binary: what PRISMA_SCHEMA_ENGINE_BINARY must be; undefined = unset it and let the CLI resolve
 *   (and if needed download) the native engine itself.
 */

/**
 * The decision, without any I/O.
 * @param {{
 *   requested?: string,
 *   customBinary?: string,
 *   native: { path: string } | { missing: string },
 *   isEmbeddedDb?: boolean,
 *   shimPath?: string,
 * }} input
 *   requested: value of CHURNLESS_SCHEMA_ENGINE; customBinary: a PRISMA_SCHEMA_ENGINE_BINARY that
 *   is not our shim; native: result of findNativeSchemaEngine().
 * @returns {SchemaEngineChoice}
 */
export function chooseSchemaEngine({ requested, customBinary, native, isEmbeddedDb = false, shimPath = SHIM_PATH }) {
  const mode = (requested ?? '').trim().toLowerCase() || 'auto'
  if (!OVERRIDE_VALUES.includes(mode)) {
    throw new Error(`${ENGINE_OVERRIDE_VAR} must be one of ${OVERRIDE_VALUES.join(', ')}; got "${requested}".`)
  }
  const nativePath = 'path' in native ? native.path : undefined
  const missing = 'missing' in native ? native.missing : ''

  if (mode === 'wasm') return { engine: 'wasm', binary: shimPath, reason: `${ENGINE_OVERRIDE_VAR}=wasm` }
  if (mode === 'native') {
    return nativePath
      ? { engine: 'native', binary: nativePath, reason: `${ENGINE_OVERRIDE_VAR}=native` }
      : { engine: 'native', binary: undefined, reason: `${ENGINE_OVERRIDE_VAR}=native; ${missing}, so Prisma will download it` }
  }
  if (customBinary) return { engine: 'custom', binary: customBinary, reason: 'PRISMA_SCHEMA_ENGINE_BINARY is set' }
  if (isEmbeddedDb) {
    return { engine: 'wasm', binary: shimPath, reason: 'embedded PGlite: one database per server, only the wasm engine gives it a shadow database' }
  }
  if (nativePath) return { engine: 'native', binary: nativePath, reason: 'native engine found' }
  return { engine: 'wasm', binary: shimPath, reason: missing }
}

/**
 * Looks for a native schema engine that the CLI would use without downloading anything: a file
 * `schema-engine-<binary target>` in @prisma/engines that runs here and reports the engine
 * version this Prisma expects (the CLI re-downloads a binary of another version).
 * @param {{ enginesDir?: string, expectedVersion?: string }} [where] defaults: the installed @prisma/engines
 * @returns {{ path: string } | { missing: string }}
 */
export function findNativeSchemaEngine(where = {}) {
  const installed = where.enginesDir && where.expectedVersion ? undefined : installedEngines()
  const enginesDir = where.enginesDir ?? installed?.enginesDir
  const expectedVersion = where.expectedVersion ?? installed?.expectedVersion
  if (!enginesDir || !expectedVersion) return { missing: 'the prisma package is not installed (run npm install)' }

  const candidates = fs.existsSync(enginesDir)
    ? fs.readdirSync(enginesDir).filter((name) => /^schema-engine-[\w.-]+$/.test(name) && !name.endsWith('.gz') && !name.endsWith('.sha256'))
    : []
  if (candidates.length === 0) return { missing: `no native schema engine in ${enginesDir}` }

  const rejected = []
  for (const name of candidates.sort()) {
    const file = path.join(enginesDir, name)
    const run = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000 })
    if (run.status === 0 && run.stdout.includes(expectedVersion)) return { path: file }
    rejected.push(run.status === 0 ? `${name} is another version` : `${name} does not run here`)
  }
  return { missing: `no usable native schema engine in ${enginesDir} (${rejected.join('; ')})` }
}

/** Location of @prisma/engines as the prisma CLI resolves it, and the engine version it pins. */
function installedEngines() {
  try {
    const fromHere = createRequire(import.meta.url)
    const fromCli = createRequire(fromHere.resolve('prisma/package.json'))
    const enginesDir = path.dirname(fromCli.resolve('@prisma/engines/package.json'))
    const fromEngines = createRequire(path.join(enginesDir, 'package.json'))
    const expectedVersion = fromEngines('@prisma/engines-version').enginesVersion
    return { enginesDir, expectedVersion }
  } catch {
    return undefined
  }
}

/**
 * True when the URL is the embedded database's (the launcher's default) address.
 * @param {string | undefined} url
 * @param {Env} [env]
 */
export function isEmbeddedDbUrl(url, env = process.env) {
  if (!url) return false
  try {
    const parsed = new URL(url)
    const host = parsed.hostname
    return (host === EMBEDDED_DB_HOST || host === 'localhost') && Number(parsed.port || 5432) === embeddedDbPort(env)
  } catch {
    return false
  }
}

/**
 * Applies the choice to `env` (process.env for the CLI) and returns it. Also turns off
 * Prisma's update check (CHECKPOINT_DISABLE), which calls checkpoint.prisma.io.
 * @param {{ env?: Env, databaseUrl?: string, log?: (line: string) => void }} [options]
 * @returns {SchemaEngineChoice}
 */
export function configureSchemaEngine({ env = process.env, databaseUrl, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  env.CHECKPOINT_DISABLE ??= '1'
  const current = env.PRISMA_SCHEMA_ENGINE_BINARY
  // A value pointing at our shim was inherited from an earlier choice, not set by a person.
  const customBinary = current && path.resolve(current) !== SHIM_PATH ? current : undefined
  const requested = env[ENGINE_OVERRIDE_VAR]
  const mode = (requested ?? '').trim().toLowerCase()
  // Skip the probe when it cannot change the outcome.
  const needsProbe = mode === 'native' || ((mode === '' || mode === 'auto') && !customBinary && !isEmbeddedDbUrl(databaseUrl, env))
  const native = needsProbe ? findNativeSchemaEngine() : { missing: 'not looked for' }
  const choice = chooseSchemaEngine({ requested, customBinary, native, isEmbeddedDb: isEmbeddedDbUrl(databaseUrl, env) })

  if (choice.binary) env.PRISMA_SCHEMA_ENGINE_BINARY = choice.binary
  else delete env.PRISMA_SCHEMA_ENGINE_BINARY
  if (choice.engine !== 'native') log(`schema engine: ${choice.engine} (${choice.reason})`)
  return choice
}
