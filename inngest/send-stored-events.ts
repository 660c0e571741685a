import type { StoredEventDispatch } from '@/lib/health/redispatch-events'
import { inngest } from './client'
import { stripeEventReceived } from './events'

/** Hands stored Stripe events to process-stripe-event again, each send under its own id. */
export const sendStoredEvents: StoredEventDispatch = (events) => inngest.send(events.map(({ dispatchId, ...data }) => stripeEventReceived.create(data, { id: dispatchId })))
