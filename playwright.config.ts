import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { sandboxPort } from './e2e/support/sandbox'
import { appLogFile } from './e2e/support/server-log'

// E2E runs against a production build (`npm run build` first) started by our own launcher, on
// the database scripts/test.mjs prepared (DATABASE_URL) or an embedded one.
const port = Number(process.env.E2E_PORT ?? 3100)
// Auth.js builds its redirects on the host it is called with: use localhost everywhere.
const baseURL = `http://localhost:${port}`

/** Debian's Chromium when installed (CI, these machines); Playwright's own browser otherwise. */
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // Chromium's own lookups of Google hosts fail on a closed network; keep it to this machine.
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'node scripts/run.mjs start',
    url: `${baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    // APP_LOG_FILE: the launcher copies the server's output there for specs to read (e2e/secret-leaks.spec.ts).
    env: { PORT: String(port), APP_URL: baseURL, AUTH_URL: baseURL, NEXT_TELEMETRY_DISABLED: '1', STRIPE_SANDBOX: '1', STRIPE_SANDBOX_PORT: String(sandboxPort), APP_LOG_FILE: appLogFile },
  },
})
