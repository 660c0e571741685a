// POST /api/webhooks/stripe/:connectionId — verify Stripe's signature, store the event, acknowledge; Inngest processes it
import { inngest } from '@/inngest/client'
import { stripeEventReceived } from '@/inngest/events'
import { secretBox } from '@/lib/crypto'
import { db } from '@/lib/db'
import { createBatchDispatcher } from '@/lib/webhooks/batch-dispatch'
import { createStripeWebhookHandler } from '@/lib/webhooks/stripe-webhook-handler'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Received = { connectionId: string; stripeEventId: string; customerKey: string }
// The Stripe event id (scoped by connection: the same evt_ id may exist in two accounts) is
// the Inngest event id, so Inngest drops a second send of the same event.
const handOff = createBatchDispatcher<Received>({
  send: (events) => inngest.send(events.map((data) => stripeEventReceived.create(data, { id: `${data.connectionId}:${data.stripeEventId}` }))),
})

export const POST = createStripeWebhookHandler(() => ({
  db: db(),
  openSecret: (sealed) => secretBox().open(sealed),
  dispatch: handOff.dispatch,
}))
