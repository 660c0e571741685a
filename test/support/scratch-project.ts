// A throw-away copy of the project's Prisma setup in a temp folder: the real prisma.config.ts,
// scripts/ and node_modules/ (linked), with a schema and migrations of the test's own. Lets tests
// run the real Prisma CLI through our engine selection without touching prisma/ of the repo.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PROJECT_ROOT, runPrisma } from '../../scripts/lib/prisma-cli.mjs'

const SCHEMA_HEADER = `generator client {
  provider = "prisma-client"
  output   = "../lib/generated/prisma"
}

datasource db {
  provider = "postgresql"
}
`

const OUTER_SETTINGS = ['PRISMA_SCHEMA_ENGINE_BINARY', 'CHURNLESS_SCHEMA_ENGINE', 'SHADOW_DATABASE_URL', 'DATABASE_URL']

export interface ScratchProject {
  dir: string
  /** Replaces the models of prisma/schema.prisma. */
  writeModels: (models: string) => void
  /** Names of the migration folders, oldest first. */
  migrations: () => string[]
  /** SQL of one migration. */
  migrationSql: (name: string) => string
  /** Runs the Prisma CLI in the project with DATABASE_URL and extra env. */
  prisma: (args: string[], env: Record<string, string | undefined>) => Promise<{ stdout: string; stderr: string; output: string }>
  remove: () => void
}

export function createScratchProject(models: string): ScratchProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churnless-prisma-'))
  fs.mkdirSync(path.join(dir, 'prisma'))
  fs.copyFileSync(path.join(PROJECT_ROOT, 'prisma.config.ts'), path.join(dir, 'prisma.config.ts'))
  fs.copyFileSync(path.join(PROJECT_ROOT, 'package.json'), path.join(dir, 'package.json'))
  fs.symlinkSync(path.join(PROJECT_ROOT, 'scripts'), path.join(dir, 'scripts'))
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  const migrationsDir = path.join(dir, 'prisma', 'migrations')

  const project: ScratchProject = {
    dir,
    writeModels: (next) => fs.writeFileSync(path.join(dir, 'prisma', 'schema.prisma'), `${SCHEMA_HEADER}\n${next}\n`),
    migrations: () =>
      fs.existsSync(migrationsDir)
        ? fs
            .readdirSync(migrationsDir, { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => entry.name)
            .sort()
        : [],
    migrationSql: (name) => fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8'),
    prisma: (args, env) => {
      // Nothing from the outer environment may choose the engine or the database for us.
      const base: Record<string, string | undefined> = { ...process.env }
      for (const name of OUTER_SETTINGS) delete base[name]
      return runPrisma(args, { cwd: dir, env: { ...base, ...env }  })
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
  project.writeModels(models)
  return project
}
