import { z } from 'zod'

// Every variable the app reads, validated once. Messages name the variable and the fix,
// because the person reading them is setting up a server, not debugging our code.

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL connection string (postgresql://user:password@host:5432/db)'),
    APP_URL: z
      .url({ protocol: /^https?$/, error: 'must be the absolute http(s) URL people open, e.g. https://churnless.example.com' })
     .default('http://localhost:3000'),
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters; generate one with `openssl rand -base64 32`'),
    APP_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64; generate one with `openssl rand -base64 32`')
      .optional(),
    AUTH_GITHUB_ID: optionalString,
    AUTH_GITHUB_SECRET: optionalString,
    AUTH_GOOGLE_ID: optionalString,
    AUTH_GOOGLE_SECRET: optionalString,
    APP_ENCRYPTION_KEY_PREVIOUS: z
      .string()
      .refine(
        (v) => v.split(',').filter(Boolean).every((k) => Buffer.from(k, 'base64').length === 32),
        'must be a comma-separated list of the old 32-byte base64 keys (each as APP_ENCRYPTION_KEY was)',
      )
      .optional(),
    SMTP_URL: optionalString,
    EMAIL_FROM: z.string().default('Churnless <no-reply@localhost>'),
  })
  .superRefine((env, ctx) => {
    for (const provider of ['GITHUB', 'GOOGLE'] as const) {
      const id = env[`AUTH_${provider}_ID`]
      const secret = env[`AUTH_${provider}_SECRET`]
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: 'custom',
          path: [id ? `AUTH_${provider}_SECRET` : `AUTH_${provider}_ID`],
          message: `is needed together with ${id ? `AUTH_${provider}_ID` : `AUTH_${provider}_SECRET`} to enable ${provider.toLowerCase()} sign-in; set both or neither`,
        })
      }
    }
  })

export type Env = z.infer<typeof envSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses an environment-like object; throws a ConfigError listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment')
    const missing = issue.code === 'invalid_type' && source[name] === undefined
    return `  - ${name} ${missing ? 'is missing' : issue.message}`
  })
  throw new ConfigError(`Churnless configuration is invalid:\n${lines.join('\n')}\nSee .env.example for every variable.`)
}

let cached: Env | undefined

/** The validated process environment (parsed on first use). */
export function env(): Env {
  cached ??= parseEnv(process.env)
  return cached
}

/**
 * A tuning knob read outside `env()` (which needs the whole server configuration): a whole
 * number of at least `min`, or `fallback` when unset. A bad value stops with a message naming
 * the variable instead of silently running with the default.
 */
export function intSetting(name: string, fallback: number, { min = 1, source = process.env }: { min?: number; source?: Record<string, string | undefined> } = {}): number {
  const raw = source[name]?.trim()
  if (!raw) return fallback
  const parsed = z.coerce.number().int().min(min).safeParse(raw)
  if (!parsed.success) throw new ConfigError(`Churnless configuration is invalid:\n  - ${name} must be a whole number of at least ${min} (got "${raw}"); unset it to use ${fallback}.`)
  return parsed.data
}
