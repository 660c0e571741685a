// Prisma CLI configuration (generate, migrate, db push, studio).
//
// DATABASE_URL unset means "the embedded database" (what `npm run dev` starts), so
// `npm run db:migrate` works against it while the app runs. The schema engine the CLI uses
// (native or wasm) is decided in scripts/lib/schema-engine.mjs; CHURNLESS_SCHEMA_ENGINE overrides.
import { defineConfig } from 'prisma/config'
import { embeddedDbPort, embeddedDbUrl } from './scripts/lib/embedded-defaults.mjs'
import { loadDotEnv } from './scripts/lib/env-file.mjs'
import { configureSchemaEngine } from './scripts/lib/schema-engine.mjs'

loadDotEnv()
const databaseUrl = process.env.DATABASE_URL || embeddedDbUrl(embeddedDbPort())
configureSchemaEngine({ databaseUrl })

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: databaseUrl,
    // Optional: where `migrate dev` replays history. Unset: a temporary database on the same
    // server (needs CREATEDB), or a private in-memory PGlite for the embedded database.
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL || undefined,
  },
})
