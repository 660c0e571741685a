import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../db'
import { AppError } from '../errors'

// Workspace API keys for the activity API (F16). A key is shown once; only its SHA-256 is
// stored (a key is 192 random bits, so a fast hash is enough — there is nothing to brute-force).

export const createApiKeySchema = z.object({ name: z.string().trim().min(1, 'Give the key a name, e.g. "Production app".').max(80, 'Keep the name under 80 characters.') })
export const apiKeyIdSchema = z.string().trim().min(1).max(64)

const KEY_PREFIX = 'chk_'
const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')

export type ApiKeySummary = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

export async function createApiKey(db: Db, args: { workspaceId: string; userId: string; name: string }): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const { name } = createApiKeySchema.parse({ name: args.name })
  const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`
  const row = await db.apiKey.create({ data: { workspaceId: args.workspaceId, name, keyHash: hashKey(key), prefix: key.slice(0, 12), createdById: args.userId } })
  return { key, apiKey: summary(row) }
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({ where: { workspaceId }, orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }] })
  return rows.map(summary)
}

export async function revokeApiKey(db: Db, args: { workspaceId: string; keyId: string }): Promise<ApiKeySummary> {
  const row = await db.apiKey.findFirst({ where: { id: args.keyId, workspaceId: args.workspaceId } })
  if (!row) throw new AppError('not_found', 'No API key with this id in your workspace.')
  if (row.revokedAt) return summary(row)
  return summary(await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } }))
}

/** The workspace of a bearer key, or 401 naming what is wrong. Revoked keys stop at once. */
export async function authenticateApiKey(db: Db, authorization: string | null, now: Date): Promise<{ workspaceId: string; keyId: string }> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i)
  if (!match) throw new AppError('unauthenticated', 'Send your workspace API key as `Authorization: Bearer chk_…` (Settings → API keys).')
  const row = await db.apiKey.findUnique({ where: { keyHash: hashKey(match[1]!) }, select: { id: true, workspaceId: true, revokedAt: true, lastUsedAt: true } })
  if (!row) throw new AppError('unauthenticated', 'This API key is not valid. Create one in Settings → API keys.')
  if (row.revokedAt) throw new AppError('unauthenticated', 'This API key was revoked. Create a new one in Settings → API keys.')
  // "Last used" to the minute is enough, and saves a write per call.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } })
  return { workspaceId: row.workspaceId, keyId: row.id }
}

function summary(row: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeySummary {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null }
}
