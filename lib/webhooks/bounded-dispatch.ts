// For the in-process Inngest dispatch only (no Inngest server): it has no flow control, so a
// burst of 500 deliveries/s would start 500 runs/s in the web server's own event loop and starve
// the acknowledgements. This queue hands events over while fewer than `limit` local runs are in
// flight. The events are already stored as `pending`, so anything still queued when the process
// stops is re-sent by gap repair (stuck pending events). With an Inngest server this is not used:
// Inngest's own concurrency keys do the job.

export function createBoundedDispatcher<E>(args: { send: (event: E) => Promise<unknown>; inFlight: () => number; limit: number; log?: Pick<Console, 'error'> }) {
  const queue: E[] = []
  let pumping = false
  const pump = async () => {
    if (pumping) return
    pumping = true
    try {
      while (queue.length) {
        if (args.inFlight() >= args.limit) {
          await new Promise((r) => setTimeout(r, 5))
          continue
        }
        const event = queue.shift() as E
        await args.send(event).catch((error) => (args.log ?? console).error('[webhooks] local hand-off failed; the event stays pending', error))
      }
    } finally {
      pumping = false
    }
  }
  return {
    dispatch: async (event: E) => {
      queue.push(event)
      void pump()
    },
    queued: () => queue.length,
  }
}
