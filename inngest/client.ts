import { Inngest, Middleware } from 'inngest'
import { parseEventData } from './events'
import { createLocalDispatchMiddleware, type LoadFunctions, type LocalDispatchLogger } from './local-dispatch'
import { formatLocalDispatchBanner, type InngestModeResolution, resolveInngestMode } from './mode'

// The one Inngest client. Typing lives with the events (inngest/events.ts): trigger functions
// with an `eventType` and send `eventType.create(data)` for typed data in and out.

/** Validates every outgoing event (inngest.send and step.sendEvent) against inngest/events.ts. */
class EventValidationMiddleware extends Middleware.BaseMiddleware {
  readonly id = 'churnless:event-validation'

  override transformSendEvent(arg: Middleware.TransformSendEventArgs): Middleware.TransformSendEventArgs {
    return { ...arg, events: arg.events.map((event) => ({ ...event, data: parseEventData(event.name, event.data) })) }
  }
}

export function createInngestClient({
  id,
  mode,
  loadFunctions,
  logger,
}: {
  id: string
  mode: InngestModeResolution
  /** Functions the local dispatch may run; only called in local mode. */
  loadFunctions: LoadFunctions
  logger?: LocalDispatchLogger
}) {
  const isLocal = mode.mode === 'local'
  return new Inngest({
    id,
    // Local mode has no event key; dev mode keeps the SDK from refusing to send without one.
    // /api/inngest refuses to execute in local mode, so skipped signature checks expose nothing.
    ...(isLocal && { isDev: true }),
    middleware: isLocal
      ? [EventValidationMiddleware, createLocalDispatchMiddleware({ loadFunctions, logger })]
      : [EventValidationMiddleware],
  })
}

/** Resolved once per process from its environment; throws a clear InngestConfigError if inconsistent. */
export const inngestMode: InngestModeResolution = resolveInngestMode(process.env)

export const inngest = createInngestClient({
  id: 'churnless',
  mode: inngestMode,
  // Imported lazily: functions/*.ts import this module, so a static import would be circular.
  loadFunctions: async () => (await import('./functions')).functions,
})

announceOnce(inngestMode)

function announceOnce(mode: InngestModeResolution) {
  const holder = globalThis as typeof globalThis & { __churnlessInngestAnnounced?: boolean }
  if (!mode.announce || holder.__churnlessInngestAnnounced) return
  holder.__churnlessInngestAnnounced = true
  console.warn(formatLocalDispatchBanner(mode))
}
