// APP_LOG_FILE (scripts/lib/launcher.mjs): the app's stdout and stderr still reach the terminal
// and are also copied into the file, complete when the app has exited. The end-to-end tests
// read the server's log from there.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { runApp } from './lib/launcher.mjs'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churnless-app-log-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const app = `
  console.log('ready on port 1')
  console.error('[churnless] something failed')
  for (let i = 0; i < 2000; i++) process.stdout.write('line ' + i + '\\n')
  process.exitCode = 3
`

test('copies stdout and stderr into APP_LOG_FILE, emptying it first, and keeps the exit code', async () => {
  const file = path.join(dir, 'app.log')
  fs.writeFileSync(file, 'from an earlier run\n')
  const code = await runApp({ command: [process.execPath, '-e', app], cwd: dir, env: { ...process.env, APP_LOG_FILE: file } })
  expect(code).toBe(3)
  const log = fs.readFileSync(file, 'utf8')
  expect(log).toContain('ready on port 1\n')
  expect(log).toContain('[churnless] something failed\n')
  expect(log).toContain('line 1999\n')
  expect(log).not.toContain('from an earlier run')
})

test('without APP_LOG_FILE nothing is written', async () => {
  const env = { ...process.env }
  delete env.APP_LOG_FILE
  expect(await runApp({ command: [process.execPath, '-e', 'process.exit(0)'], cwd: dir, env })).toBe(0)
  expect(fs.readdirSync(dir).filter((f) => f !== 'app.log')).toEqual([])
})
