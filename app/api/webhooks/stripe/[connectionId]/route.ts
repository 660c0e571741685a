// POST /api/webhooks/stripe/:connectionId — verify Stripe's signature, store the event, acknowledge; Inngest processes it
import { inngest, inngestMode } from '@/inngest/client'
import { stripeEventReceived } from '@/inngest/events'
import { countLocalRunsInFlight } from '@/inngest/local-dispatch'
import { secretBox } from '@/lib/crypto'
import { db } from '@/lib/db'
import { createBoundedDispatcher } from '@/lib/webhooks/bounded-dispatch'
import { createStripeWebhookHandler } from '@/lib/webhooks/stripe-webhook-handler'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Received = { connectionId: string; stripeEventId: string; customerKey: string }
// The Stripe event id (scoped by connection: the same evt_ id may exist in two accounts) is
// the Inngest event id, so Inngest drops a second send of the same event.
const send = (data: Received) => inngest.send(stripeEventReceived.create(data, { id: `${data.connectionId}:${data.stripeEventId}` }))
const local = inngestMode.mode === 'local' ? createBoundedDispatcher({ send, inFlight: countLocalRunsInFlight, limit: 8 }) : null

export const POST = createStripeWebhookHandler(() => ({
  db: db(),
  openSecret: (sealed) => secretBox().open(sealed),
  dispatch: local ? local.dispatch : send,
}))
