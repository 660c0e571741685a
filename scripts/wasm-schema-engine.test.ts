// The wasm schema-engine fallback, exercised through the real Prisma CLI (forced with
// CHURNLESS_SCHEMA_ENGINE=wasm) against a fresh PostgreSQL database (TEST_DATABASE_URL's server,
// PostgreSQL 15 in CI) and against PGlite (PostgreSQL 18).
import { PrismaPg } from '@prisma/adapter-pg'
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pgFieldsFromUrl, withDatabase } from './lib/pg-url.mjs'
import { assertDisposableShadowDatabase, queryOnce, UnsafeShadowDatabaseError, withCharColumns } from './lib/wasm-schema-engine.mjs'
import { createPgliteDatabase, createServerDatabase, type ThrowawayDatabase } from '../test/support/databases'
import { createScratchProject, type ScratchProject } from '../test/support/scratch-project'

const WORKSPACE_MODELS = `
enum Role {
  admin
  marketer
}

model Workspace {
  id        String   @id @default(cuid())
  name      String
  createdAt DateTime @default(now())
  members   Member[]
}

model Member {
  id          String    @id @default(cuid())
  email       String
  role        Role      @default(marketer)
  workspaceId String
  workspace   Workspace @relation(fields: [workspaceId], references: [id], onDelete: Cascade)

  @@unique([workspaceId, email])
}
`
// A change that needs no confirmation (migrate dev prompts on data-loss warnings).
const WITH_PLAN = WORKSPACE_MODELS.replace('  createdAt DateTime @default(now())', '  createdAt DateTime @default(now())\n  plan      String?')

const serverUrl = process.env.TEST_DATABASE_URL
const targets: Array<{ name: string; skip: boolean; create: () => Promise<ThrowawayDatabase> }> = [
  { name: 'PostgreSQL server (TEST_DATABASE_URL)', skip: !serverUrl, create: () => createServerDatabase(serverUrl ?? '', 'churnless_wasm') },
  { name: 'PGlite', skip: false, create: createPgliteDatabase },
]

async function migrationHistory(url: string) {
  const { rows } = await queryOnce(pgFieldsFromUrl(url), 'select migration_name from _prisma_migrations where finished_at is not null order by migration_name')
  return rows.map((row) => row.migration_name as string)
}

async function columnsOf(url: string, table: string) {
  const { rows } = await queryOnce(pgFieldsFromUrl(url), `select column_name from information_schema.columns where table_name = $1 order by column_name`, [table])
  return rows.map((row) => row.column_name as string)
}

describe.each(targets)('wasm schema engine through the Prisma CLI: $name', ({ skip, create }) => {
  let db: ThrowawayDatabase
  let project: ScratchProject
  const wasm = () => ({ DATABASE_URL: db.url, CHURNLESS_SCHEMA_ENGINE: 'wasm' })

  beforeAll(async () => {
    if (skip) return
    db = await create()
    project = createScratchProject(WORKSPACE_MODELS)
  })
  afterAll(async () => {
    await db?.drop()
    project?.remove()
  })

  test.skipIf(skip)('migrate dev --create-only, deploy, diff, a second migration, status', { timeout: 180_000 }, async () => {
    const created = await project.prisma(['migrate', 'dev', '--create-only', '--name', 'init'], wasm())
    expect(created.stderr).toContain('schema engine: wasm (CHURNLESS_SCHEMA_ENGINE=wasm)')
    const [init] = project.migrations()
    expect(init).toMatch(/^\d{14}_init$/)
    expect(project.migrationSql(init)).toContain('CREATE TABLE "Workspace"')
    expect(project.migrationSql(init)).toContain(`CREATE TYPE "Role" AS ENUM ('admin', 'marketer')`)
    expect(await columnsOf(db.url, 'Workspace')).toEqual([]) // --create-only applied nothing

    await project.prisma(['migrate', 'deploy'], wasm())
    expect(await migrationHistory(db.url)).toEqual([init])
    expect(await columnsOf(db.url, 'Workspace')).toEqual(['createdAt', 'id', 'name'])

    project.writeModels(WITH_PLAN)
    const diff = await project.prisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--script'], wasm())
    expect(diff.stdout).toMatch(/ALTER TABLE "Workspace" ADD COLUMN\s+"plan" TEXT;/)

    await project.prisma(['migrate', 'dev', '--create-only', '--name', 'add_plan'], wasm())
    const names = project.migrations()
    expect(names).toHaveLength(2)
    expect(project.migrationSql(names[1])).toMatch(/ADD COLUMN\s+"plan" TEXT/)

    await project.prisma(['migrate', 'deploy'], wasm())
    expect(await migrationHistory(db.url)).toEqual(names)
    expect(await columnsOf(db.url, 'Workspace')).toContain('plan')

    const status = await project.prisma(['migrate', 'status'], wasm())
    expect(status.stdout).toContain('Database schema is up to date!')
  })

  test.skipIf(skip)('a shadow database that has _prisma_migrations is refused and left intact', { timeout: 120_000 }, async () => {
    const before = await migrationHistory(db.url)
    expect(before.length).toBeGreaterThan(0) // the previous test migrated it
    project.writeModels(`${WITH_PLAN}\nmodel Tag {\n  id String @id\n}\n`)
    const scratch = await create()
    try {
      const attempt = project.prisma(['migrate', 'dev', '--create-only', '--name', 'tag'], { ...wasm(), DATABASE_URL: scratch.url, SHADOW_DATABASE_URL: db.url })
      await expect(attempt).rejects.toThrow(/Refusing to use .* as the shadow database/)
      expect(await migrationHistory(db.url)).toEqual(before)
      expect(await columnsOf(db.url, 'Workspace')).toContain('plan')
    } finally {
      await scratch.drop()
    }
  })
})

describe.skipIf(!serverUrl)('shadow database guard (PostgreSQL server)', () => {
  test('accepts an empty database and refuses one with migration history', async () => {
    const db = await createServerDatabase(serverUrl ?? '', 'churnless_shadow')
    try {
      const fields = pgFieldsFromUrl(db.url)
      await expect(assertDisposableShadowDatabase(fields)).resolves.toBeUndefined()
      await queryOnce(fields, 'create table "_prisma_migrations" (id text primary key)')
      await expect(assertDisposableShadowDatabase(fields)).rejects.toThrow(UnsafeShadowDatabaseError)
      await expect(assertDisposableShadowDatabase(fields)).rejects.toThrow(/has a _prisma_migrations table/)
    } finally {
      await db.drop()
    }
  })
})

describe('shadow database guard (PGlite)', () => {
  test('refuses a name the single-database server does not really serve', async () => {
    const db = await createPgliteDatabase()
    try {
      const other = pgFieldsFromUrl(withDatabase(db.url, 'shadow'))
      await expect(assertDisposableShadowDatabase(other)).rejects.toThrow(/answered from database "postgres"/)
    } finally {
      await db.drop()
    }
  })
})

describe('"char" columns through adapter-pg', () => {
  let db: ThrowawayDatabase
  beforeAll(async () => {
    db = serverUrl ? await createServerDatabase(serverUrl, 'churnless_char') : await createPgliteDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  })

  const query = { sql: `select relkind from pg_class where relname = 'pg_class'`, args: [], argTypes: [] }

  test('plain adapter-pg rejects OID 18 (the reason for the patch)', async () => {
    const adapter = await new PrismaPg({ connectionString: db.url }).connect()
    try {
      await expect(adapter.queryRaw(query)).rejects.toThrow(/UnsupportedNativeDataType/)
    } finally {
      await adapter.dispose()
    }
  })

  test('withCharColumns reports them as Character, also inside transactions', async () => {
    const adapter = withCharColumns(await new PrismaPg({ connectionString: db.url }).connect())
    try {
      const result = await adapter.queryRaw(query)
      expect(result.columnTypes).toEqual([ColumnTypeEnum.Character])
      expect(result.rows).toEqual([['r']])
      const tx = await adapter.startTransaction()
      const inTx = await tx.queryRaw(query)
      await tx.rollback()
      expect(inTx.columnTypes).toEqual([ColumnTypeEnum.Character])
    } finally {
      await adapter.dispose()
    }
  })
})
