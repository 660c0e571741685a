import { tmpdir } from 'node:os'
import path from 'node:path'

// The app server's stdout and stderr, copied into a file by the launcher (APP_LOG_FILE in
// playwright.config.ts), so a test can read what the server logged. Emptied at each start.
export const appLogFile = process.env.E2E_APP_LOG ?? path.join(tmpdir(), `churnless-e2e-app-${process.env.E2E_PORT ?? 3100}.log`)
