import { z } from 'zod'

// What we require of a Stripe event before storing it. Everything else in the payload is kept
// as sent (any API version's shape, stripe-shapes trap 1). Snapshot events carry `data.object`
// and a `created` in unix seconds; thin (v2) events carry no object and an ISO `created` (trap 9).
export const stripeEventEnvelopeSchema = z.looseObject({
  id: z.string().regex(/^evt_[A-Za-z0-9_]+$/, 'must be a Stripe event id (evt_…)').max(255),
  type: z.string().min(1).max(255),
  created: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]),
  livemode: z.boolean(),
  api_version: z.string().nullish(),
  data: z.looseObject({ object: z.looseObject({ id: z.string().optional(), object: z.string().optional() }).optional() }).optional(),
  related_object: z.looseObject({ id: z.string(), type: z.string() }).nullish(),
})
export type StripeEventEnvelope = z.infer<typeof stripeEventEnvelopeSchema>

export function createdAtOf(envelope: Pick<StripeEventEnvelope, 'created'>): Date {
  return typeof envelope.created === 'number' ? new Date(envelope.created * 1000) : new Date(envelope.created)
}
