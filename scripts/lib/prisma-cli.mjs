// Runs the project's Prisma CLI as a child process.
//
// Always asynchronous: the embedded database (and the test database under Vitest) is served by
// PGlite *in this process*, so a synchronous spawn would block the event loop that has to answer
// the CLI's queries, and both would wait forever.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'


/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Thrown when the CLI exits with a non-zero code; carries what it printed. */
export class PrismaCliError extends Error {
  name = 'PrismaCliError'
  /**
   * @param {string[]} args
   * @param {number | null} code
   * @param {string} output stdout and stderr, interleaved as printed
   */
  constructor(args, code, output) {
    super(`prisma ${args.join(' ')} failed (exit code ${code}):\n${output.trim()}`)
    this.code = code
    this.output = output
  }
}

/** Path of the CLI's entry script, resolved from the project (not from PATH). */
export function prismaCliPath(cwd = PROJECT_ROOT) {
  try {
    return createRequire(path.join(cwd, 'package.json')).resolve('prisma/build/index.js')
  } catch {
    throw new Error(`The Prisma CLI is not installed in ${cwd}: run "npm install" (it is a devDependency).`)
  }
}

/**
 * Runs `prisma <args>`, collecting its output; with `echo`, also forwards it to our stdout/stderr.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Env, echo?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string, output: string }>}
 */
export function runPrisma(args, { cwd = PROJECT_ROOT, env = process.env, echo = false, timeoutMs = 180_000 } = {}) {
  const cli = prismaCliPath(cwd)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let output = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      output += chunk
      if (echo) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      output += chunk
      if (echo) process.stderr.write(chunk)
    })
    const timer = setTimeout(() => {
      child.kill('SIGTERM')
      reject(new PrismaCliError(args, null, `${output}\n(timed out after ${timeoutMs} ms)`))
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve({ stdout, stderr, output })
      else reject(new PrismaCliError(args, code, output))
    })
  })
}
