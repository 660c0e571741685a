// The launcher behind `npm run dev` / `npm start` (scripts/lib/launcher.mjs), run for real in a
// scratch project: embedded database, secrets, migrations, the app process, clean shutdown.
// The "app" is a small Node script standing in for Next.js.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { launch } from './lib/launcher.mjs'
import { createScratchProject } from '../test/support/scratch-project'

const project = createScratchProject('model Workspace {\n  id String @id\n}')
afterAll(() => project.remove())

const migrationDir = path.join(project.dir, 'prisma', 'migrations', '20260101000000_init')
fs.mkdirSync(migrationDir, { recursive: true })
fs.writeFileSync(path.join(project.dir, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n')
fs.writeFileSync(path.join(migrationDir, 'migration.sql'), 'CREATE TABLE "Workspace" ("id" TEXT NOT NULL PRIMARY KEY);\n')

const reportFile = path.join(project.dir, 'app-saw.json')
// Writes what it was given and what the database holds, then exits with code 7.
const fakeApp = `
  const pg = require('pg')
  const c = new pg.Client(process.env.DATABASE_URL)
  c.connect()
    .then(() => c.query('select migration_name from _prisma_migrations'))
    .then(async (r) => {
      await c.end()
      require('fs').writeFileSync(${JSON.stringify(reportFile)}, JSON.stringify({
        databaseUrl: process.env.DATABASE_URL,
        encryptionKey: process.env.APP_ENCRYPTION_KEY,
        authSecret: process.env.AUTH_SECRET,
        migrations: r.rows.map((row) => row.migration_name),
      }))
      process.exit(7)
    })
`

async function freePort() {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function baseEnv(port: number) {
  const env: Record<string, string | undefined> = { ...process.env, EMBEDDED_DB_PORT: String(port) }
  for (const name of ['DATABASE_URL', 'APP_ENCRYPTION_KEY', 'AUTH_SECRET', 'PRISMA_SCHEMA_ENGINE_BINARY', 'CHURNLESS_SCHEMA_ENGINE']) delete env[name]
  return env
}

describe('launch (embedded mode)', () => {
  test('starts the database, migrates, runs the app with secrets, then stops the database', { timeout: 120_000 }, async () => {
    const port = await freePort()
    const lines: string[] = []
    const code = await launch({ cwd: project.dir, command: [process.execPath, '-e', fakeApp], env: baseEnv(port), services: [], log: (line) => lines.push(line) })

    expect(code).toBe(7)
    const saw = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
    expect(saw.databaseUrl).toBe(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`)
    expect(saw.migrations).toEqual(['20260101000000_init'])
    expect(Buffer.from(saw.encryptionKey, 'base64')).toHaveLength(32)
    expect(Buffer.from(saw.authSecret, 'base64')).toHaveLength(32)
    expect(fs.readFileSync(path.join(project.dir, '.data', 'encryption-key'), 'utf8').trim()).toBe(saw.encryptionKey)

    expect(lines).toContain(`Database: embedded PostgreSQL (PGlite) in .data/pglite at 127.0.0.1:${port} (set DATABASE_URL to use your own)`)
    expect(lines).toContain('Migrations: applied 20260101000000_init.')
    // stopped: the port is free again and the data folder unlocked
    expect(fs.existsSync(path.join(project.dir, '.data', 'pglite.lock'))).toBe(false)
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once('error', reject)
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
    })
  })

  test('a second start keeps the data, the secrets, and a key given in the environment', { timeout: 120_000 }, async () => {
    const keyBefore = fs.readFileSync(path.join(project.dir, '.data', 'encryption-key'), 'utf8')
    const authBefore = fs.readFileSync(path.join(project.dir, '.data', 'auth-secret'), 'utf8')
    const lines: string[] = []
    const env = { ...baseEnv(await freePort()), APP_ENCRYPTION_KEY: 'from-the-environment' }
    const code = await launch({ cwd: project.dir, command: [process.execPath, '-e', fakeApp], env, services: [], log: (line) => lines.push(line) })

    expect(code).toBe(7)
    const saw = JSON.parse(fs.readFileSync(reportFile, 'utf8'))
    expect(saw.encryptionKey).toBe('from-the-environment')
    expect(saw.authSecret).toBe(authBefore.trim())
    expect(saw.migrations).toEqual(['20260101000000_init']) // same database, nothing re-applied
    expect(lines).toContain('Migrations: up to date.')
    expect(fs.readFileSync(path.join(project.dir, '.data', 'encryption-key'), 'utf8')).toBe(keyBefore)
  })

  test('with DATABASE_URL set it prints where, without the password, and starts no embedded database', async () => {
    const lines: string[] = []
    const env = { ...baseEnv(await freePort()), DATABASE_URL: 'postgresql://app:s3cret@127.0.0.1:1/nowhere' }
    const code = await launch({ cwd: project.dir, command: [process.execPath, '-e', 'process.exit(0)'], env, services: [], log: (line) => lines.push(line) })

    expect(code).toBe(1) // nothing listens on port 1: migrations fail, the app is not started
    expect(lines[0]).toBe('Database: PostgreSQL at 127.0.0.1:1/nowhere (DATABASE_URL)')
    expect(lines.join('\n')).toContain('The database could not be migrated, so the app was not started.')
    expect(lines.join('\n')).not.toContain('s3cret')
  })
})
