// Hands stored events to Inngest in batches: a delivery is acknowledged once its event is
// stored, and the hand-off follows within a few milliseconds, many events per `send`. At
// hundreds of deliveries per second one HTTP call to Inngest per delivery would cost more than
// the delivery itself. Nothing waits on memory alone: events are stored as `pending` first, so
// whatever a crash loses here gap repair re-sends (stuck pending events).

export function createBatchDispatcher<E>(args: { send: (events: E[]) => Promise<unknown>; maxBatch?: number; waitMs?: number; log?: Pick<Console, 'error'> }) {
  const maxBatch = args.maxBatch ?? 100
  const waitMs = args.waitMs ?? 5
  let batch: E[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    const events = batch
    batch = []
    if (events.length) args.send(events).catch((error) => (args.log ?? console).error(`[webhooks] handing ${events.length} stored events to Inngest failed; they stay pending for gap repair`, error))
  }
  return {
    dispatch: async (event: E) => {
      batch.push(event)
      if (batch.length >= maxBatch) flush()
      else timer ??= setTimeout(flush, waitMs)
    },
  }
}
