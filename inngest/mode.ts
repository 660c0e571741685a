// Decides how Inngest events are executed in this process. The only place that reads Inngest
// configuration: callers pass `process.env` (or a literal in tests), so the decision is a pure
// function of its input and the whole matrix is unit-tested in mode.test.ts.

export type InngestMode = 'local' | 'dev-server' | 'cloud'

export type InngestModeResolution = {
  mode: InngestMode
  /** One sentence for logs and the startup banner: why this mode was chosen. */
  reason: string
  /** Print the local-dispatch banner: local mode in a process that will run events (not `next build`). */
  announce: boolean
}

export type InngestEnvLike = Readonly<Record<string, string | undefined>>

export class InngestConfigError extends Error {
  override name = 'InngestConfigError'
}

const REAL_INNGEST_HELP =
  'For a local Inngest Dev Server run `npm run dev:inngest` and start the app with INNGEST_DEV=1; ' +
  'for Inngest Cloud (or a self-hosted `inngest start`, plus INNGEST_BASE_URL) set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY.'

const LOCAL_LIMITS = 'no retries, no durability, concurrency limits only'

export function resolveInngestMode(env: InngestEnvLike): InngestModeResolution {
  const eventKey = nonEmpty(env.INNGEST_EVENT_KEY)
  const signingKey = nonEmpty(env.INNGEST_SIGNING_KEY)
  const hasKeys = Boolean(eventKey || signingKey)
  const devServer = parseInngestDev(env.INNGEST_DEV)
  const baseUrl = nonEmpty(env.INNGEST_BASE_URL)
  const localDispatch = parseLocalDispatch(env.INNGEST_LOCAL_DISPATCH)
  const isProduction = env.NODE_ENV === 'production'
  // `next build` loads route modules (NODE_ENV=production) but never sends events; the server
  // that later runs the build resolves the mode again with its own environment.
  const isBuild = env.NEXT_PHASE === 'phase-production-build'

  if (localDispatch === 'forced') {
    if (hasKeys) {
      const set = [eventKey && 'INNGEST_EVENT_KEY', signingKey && 'INNGEST_SIGNING_KEY'].filter(Boolean).join(' and ')
      throw new InngestConfigError(
        `INNGEST_LOCAL_DISPATCH=1 cannot be combined with ${set}: with keys set, events belong to a real Inngest ` +
          `and running them in-process as well would run every function twice. Remove INNGEST_LOCAL_DISPATCH to use ` +
          `Inngest, or remove the Inngest keys to keep the in-process dispatch.`,
      )
    }
    if (devServer || baseUrl) {
      throw new InngestConfigError(
        `INNGEST_LOCAL_DISPATCH=1 cannot be combined with ${devServer ? 'INNGEST_DEV' : 'INNGEST_BASE_URL'}: ` +
          `choose one. Remove INNGEST_LOCAL_DISPATCH to use the Inngest server, or remove ` +
          `${devServer ? 'INNGEST_DEV' : 'INNGEST_BASE_URL'} to keep the in-process dispatch.`,
      )
    }
    return {
      mode: 'local',
      reason: `INNGEST_LOCAL_DISPATCH=1 is set: events run in-process (${LOCAL_LIMITS})`,
      announce: !isBuild,
    }
  }

  if (devServer) {
    return {
      mode: 'dev-server',
      reason:
        devServer === 'url'
          ? `INNGEST_DEV points at an Inngest Dev Server (${env.INNGEST_DEV?.trim()})`
          : 'INNGEST_DEV=1: events go to the Inngest Dev Server (default http://localhost:8288)',
      announce: false,
    }
  }

  if (hasKeys) {
    if (!eventKey || !signingKey) {
      const [present, missing] = eventKey
        ? ['INNGEST_EVENT_KEY', 'INNGEST_SIGNING_KEY']
        : ['INNGEST_SIGNING_KEY', 'INNGEST_EVENT_KEY']
      throw new InngestConfigError(
        `${present} is set but ${missing} is missing. Inngest needs both: the event key to send events, the ` +
          `signing key to verify Inngest's calls to /api/inngest. Set ${missing} (Inngest dashboard → your ` +
          `environment → Keys), or unset ${present}.`,
      )
    }
    return {
      mode: 'cloud',
      reason: baseUrl
        ? `Inngest keys are set: events go to the Inngest server at INNGEST_BASE_URL (${baseUrl})`
        : 'Inngest keys are set: events go to Inngest Cloud',
      announce: false,
    }
  }

  if (baseUrl) {
    throw new InngestConfigError(
      `INNGEST_BASE_URL is set without INNGEST_DEV or Inngest keys. For a Dev Server add INNGEST_DEV=1; ` +
        `for a self-hosted Inngest (\`inngest start\`) add INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY.`,
    )
  }

  if (localDispatch === 'disabled') {
    throw new InngestConfigError(
      `INNGEST_LOCAL_DISPATCH=0 turns off the in-process dispatch, but no Inngest is configured. ${REAL_INNGEST_HELP}`,
    )
  }

  if (isProduction && isBuild) {
    return {
      mode: 'local',
      reason: '`next build` without Inngest configuration: checked again when the server starts',
      announce: false,
    }
  }

  if (isProduction) {
    throw new InngestConfigError(
      `Inngest is not configured for production (NODE_ENV=production). Set INNGEST_EVENT_KEY and ` +
        `INNGEST_SIGNING_KEY (Inngest Cloud, or a self-hosted Inngest with INNGEST_BASE_URL), or set INNGEST_DEV=1 ` +
        `with an Inngest Dev Server. To run background jobs in-process instead (${LOCAL_LIMITS}; for demos and ` +
        `CI only) set INNGEST_LOCAL_DISPATCH=1.`,
    )
  }

  return {
    mode: 'local',
    reason: `no Inngest server or keys are configured: events run in-process (${LOCAL_LIMITS})`,
    announce: !isBuild,
  }
}

/** The startup banner for local mode: what it is, its limits, and how to switch to a real Inngest. */
export function formatLocalDispatchBanner(resolution: InngestModeResolution): string {
  const lines = [
    'INNGEST: IN-PROCESS DISPATCH (no Inngest server)',
    `Why: ${resolution.reason}.`,
    'Events sent with inngest.send() / step.sendEvent() run the matching functions inside this process,',
    "through the Inngest SDK's own execution engine (@inngest/test). Limits:",
    '  - no retries: a failed step fails the run; the error is logged as [inngest:local]',
    '  - no durability: runs in flight are lost when the process stops',
    '  - flow control: concurrency limits are honoured; throttle, rate limit, debounce, batching, idempotency are ignored',
    '  - cron triggers run from a minute timer in this process; no `if` trigger expressions',
    '  - step.sleep, step.waitForEvent, step.invoke, step.fetch, step.ai.infer need a server:',
    '    a run that reaches one fails with a message saying so',
    'Use a real Inngest:',
    '  - Dev Server: `npm run dev:inngest`, then start the app with INNGEST_DEV=1',
    '  - Inngest Cloud: set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY',
  ]
  const width = Math.max(...lines.map((line) => line.length))
  const rule = '='.repeat(width + 4)
  return [rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule].join('\n')
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

// Mirrors the SDK's reading of INNGEST_DEV: a boolean-ish flag or the Dev Server's URL.
// `INNGEST_DEV=0` means "not the Dev Server" (the SDK then runs in Cloud mode).
function parseInngestDev(raw: string | undefined): 'flag' | 'url' | undefined {
  const value = nonEmpty(raw)?.toLowerCase()
  if (!value || ['0', 'false', 'no', 'off'].includes(value)) return undefined
  if (['1', 'true', 'yes', 'on'].includes(value)) return 'flag'
  return 'url'
}

function parseLocalDispatch(raw: string | undefined): 'forced' | 'disabled' | 'default' {
  const value = nonEmpty(raw)
  if (value === undefined) return 'default'
  if (value === '1') return 'forced'
  if (value === '0') return 'disabled'
  throw new InngestConfigError(
    `INNGEST_LOCAL_DISPATCH must be 1 (run events in-process) or 0 (never); got "${raw}". Unset it for the default.`,
  )
}
