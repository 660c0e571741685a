// `.env` loading without a dotenv dependency. Variables already in the environment win, which
// is what process.loadEnvFile does (Node >= 20.12).
import fs from 'node:fs'
import path from 'node:path'

/**
 * Loads `<dir>/.env` into process.env if the file exists.
 * @param {string} [dir] project root; defaults to the current directory
 * @returns {boolean} whether a file was loaded
 */
export function loadDotEnv(dir = process.cwd()) {
  const file = path.join(dir, '.env')
  if (!fs.existsSync(file)) return false
  if (typeof process.loadEnvFile !== 'function') {
    throw new Error(`Found ${file} but this Node.js (${process.version}) cannot load it: Churnless needs Node.js 20.19 or newer.`)
  }
  process.loadEnvFile(file)
  return true
}
