// Secrets for the embedded default, generated once per checkout and kept in .data/ (git-ignored).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Returns the secret stored in `file`, creating it first (32 random bytes, base64) if it does not
 * exist. An existing file is never overwritten: data encrypted with the key must stay readable.
 * @param {string} file
 */
export function ensureSecretFile(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  try {
    // 'wx' fails if the file exists, so two launchers racing cannot overwrite each other.
    fs.writeFileSync(file, `${crypto.randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if (/** @type {any} */ (error).code !== 'EEXIST') throw error
  }
  const secret = fs.readFileSync(file, 'utf8').trim()
  if (!secret) throw new Error(`${file} is empty. Delete it to generate a new secret (anything encrypted with the old one becomes unreadable).`)
  return secret
}
