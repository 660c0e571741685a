// PostgreSQL connection URLs: parsing into separate fields, and printing without secrets.
//
// Why separate fields: `pg` lets `connectionString` win over every other option, so
// `{ connectionString, database: 'other' }` silently connects to the database named in the string.
// Anything that has to reach a *different* database on the same server (shadow databases, the
// test database, CREATE/DROP DATABASE from the maintenance database) must start from fields.

/**
 * @typedef {{ host: string, port: number, user: string, password: string | undefined, database: string, ssl?: boolean | { rejectUnauthorized: boolean } }} PgConnectionFields
 */

/**
 * Splits a `postgres://` or `postgresql://` URL into the fields `pg.Client` accepts.
 * @param {string} url
 * @returns {PgConnectionFields}
 */
export function pgFieldsFromUrl(url) {
  let parsed
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`Not a valid PostgreSQL URL: ${redactUrl(url)}. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE`)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`Only PostgreSQL URLs are supported, got "${parsed.protocol}" in ${redactUrl(url)}`)
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres'
  const host = parsed.searchParams.get('host') ?? (parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1')
  const sslmode = parsed.searchParams.get('sslmode')
  /** @type {PgConnectionFields} */
  const fields = {
    host,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
  }
  if (sslmode === 'require' || sslmode === 'prefer') fields.ssl = { rejectUnauthorized: false }
  else if (sslmode === 'verify-ca' || sslmode === 'verify-full') fields.ssl = true
  return fields
}

/**
 * The same URL pointing at another database on the same server.
 * @param {string} url
 * @param {string} database
 */
export function withDatabase(url, database) {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

/**
 * The URL with its password replaced by `***`, safe for logs and error messages.
 * Falls back to a generic placeholder when the input is not a URL at all, so a malformed
 * secret never leaks through an error message.
 * @param {string | undefined} url
 */
export function redactUrl(url) {
  if (!url) return '(no URL)'
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}

/**
 * Quotes an identifier for SQL (`CREATE DATABASE "..."`). Identifiers cannot be bind parameters.
 * @param {string} name
 */
export function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`
}
