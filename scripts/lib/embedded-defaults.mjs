// Where the embedded database listens by default. Kept apart from embedded-db.mjs so that
// prisma.config.ts and the launcher can know the URL without loading PGlite.


/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export const EMBEDDED_DB_DEFAULT_PORT = 54329
export const EMBEDDED_DB_HOST = '127.0.0.1'

/**
 * The embedded database's port: EMBEDDED_DB_PORT, else 54329.
 * @param {Env} [env]
 */
export function embeddedDbPort(env = process.env) {
  const raw = env.EMBEDDED_DB_PORT
  if (raw === undefined || raw === '') return EMBEDDED_DB_DEFAULT_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EMBEDDED_DB_PORT must be a TCP port number (0-65535), got "${raw}".`)
  }
  return port
}

/**
 * Connection URL of the embedded database. PGlite accepts any user and password; these are
 * fixed and not secret (it only listens on 127.0.0.1).
 * @param {number} port
 */
export function embeddedDbUrl(port) {
  return `postgresql://postgres:postgres@${EMBEDDED_DB_HOST}:${port}/postgres`
}
