// Compact in-memory records. Full Stripe objects are built from them on read (objects.ts), so
// 100,000 customers with two years of history fit in memory and generate fast.

export interface Ordered {
  id: string
  created: number
  /** Creation order inside the account: the tiebreak for equal `created`. */
  seq: number
}

export interface AddressRec {
  line1: string
  city: string
  state: string | null
  postal_code: string
  country: string
}

export interface CustomerRec extends Ordered {
  email: string | null
  name: string | null
  phone: string | null
  description: string | null
  address: AddressRec | null
  currency: string | null
  balance: number
  delinquent: boolean
  metadata: Record<string, string>
  defaultPaymentMethod: string | null
  invoicePrefix: string
  nextInvoiceSequence: number
  deleted: boolean
}

export interface PaymentMethodRec extends Ordered {
  customer: string | null
  brand: 'visa' | 'mastercard' | 'amex'
  last4: string
  expMonth: number
  expYear: number
  country: string
  fingerprint: string
}

export interface ItemRec {
  id: string
  created: number
  price: string
  /** null for metered items, which have no quantity. */
  quantity: number | null
}

export type SubStatus =
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'unpaid'
  | 'canceled'
  | 'incomplete'
  | 'incomplete_expired'
  | 'paused'

export interface SubscriptionRec extends Ordered {
  customer: string
  status: SubStatus
  currency: string
  items: ItemRec[]
  startDate: number
  billingCycleAnchor: number
  periodStart: number
  periodEnd: number
  trialStart: number | null
  trialEnd: number | null
  cancelAtPeriodEnd: boolean
  cancelAt: number | null
  canceledAt: number | null
  endedAt: number | null
  cancellationReason: 'cancellation_requested' | 'payment_failed' | 'payment_disputed' | null
  /** Coupon applied to the subscription, and when the discount started/ends. */
  discount: DiscountRec | null
  latestInvoice: string | null
  defaultPaymentMethod: string | null
  metadata: Record<string, string>
}

export interface DiscountRec {
  id: string
  coupon: string
  start: number
  end: number | null
}

/** Line ids derive from the invoice id and position; periods are the invoice's. */
export interface InvoiceLineRec {
  itemId: string | null
  price: string
  quantity: number
  amount: number
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void'

export interface InvoiceRec extends Ordered {
  customer: string
  subscription: string | null
  number: string | null
  currency: string
  status: InvoiceStatus
  billingReason: 'subscription_create' | 'subscription_cycle' | 'subscription_update' | 'manual'
  periodStart: number
  periodEnd: number
  lines: InvoiceLineRec[]
  subtotal: number
  discountAmount: number
  discountId: string | null
  couponId: string | null
  total: number
  amountPaid: number
  attemptCount: number
  finalizedAt: number | null
  paidAt: number | null
  voidedAt: number | null
  markedUncollectibleAt: number | null
  nextPaymentAttempt: number | null
  /** Charges for this invoice, oldest first; the last one is the latest attempt. */
  charges: string[]
  customerEmail: string | null
  customerName: string | null
}

export interface ChargeRec extends Ordered {
  customer: string | null
  invoice: string | null
  amount: number
  currency: string
  status: 'succeeded' | 'failed'
  failureCode: string | null
  failureMessage: string | null
  amountRefunded: number
  /** null until the first refund: most charges never have one. */
  refunds: string[] | null
  paymentMethod: string | null
  description: string | null
  receiptEmail: string | null
}

export interface RefundRec extends Ordered {
  charge: string
  amount: number
  currency: string
  reason: 'requested_by_customer' | 'duplicate' | 'fraudulent' | null
}

export interface CheckoutSessionRec extends Ordered {
  customer: string | null
  customerEmail: string | null
  mode: 'subscription' | 'payment'
  status: 'open' | 'complete' | 'expired'
  lineItems: { price: string; quantity: number }[]
  subscription: string | null
  invoice: string | null
  amountTotal: number
  currency: string
  successUrl: string | null
  cancelUrl: string | null
  expiresAt: number
  discounts: { coupon: string }[]
  metadata: Record<string, string>
}

export type ObjectType =
  | 'customer'
  | 'subscription'
  | 'invoice'
  | 'charge'
  | 'refund'
  | 'payment_method'
  | 'checkout.session'
  | 'price'
  | 'product'
  | 'coupon'

export interface EventRec extends Ordered {
  type: string
  objectType: ObjectType
  objectId: string
  /** A full snapshot taken when the event happened (lifecycle actions at runtime). */
  snapshot: unknown | null
  /**
   * For generated history: a copy of the object's record as it was when the event happened,
   * built into `data.object` on read (cheaper than a JSON snapshot for 100,000 customers).
   */
  state: RecordState | null
  previousAttributes: Record<string, unknown> | null
  /** Endpoints still to be delivered to successfully (Stripe's `pending_webhooks`). */
  pendingWebhooks: number
  /** false while a delivery is pending or has failed; Stripe's `delivery_success` filter reads it. */
  deliverySuccess: boolean | null
  requestId: string | null
}

export interface WebhookEndpointRec extends Ordered {
  url: string
  enabledEvents: string[]
  secret: string
  description: string | null
  metadata: Record<string, string>
  status: 'enabled' | 'disabled'
  apiVersion: string | null
}

/** A record copied at one moment; only the kinds whose fields change over their life. */
export type RecordState =
  | { type: 'subscription'; rec: SubscriptionRec }
  | { type: 'invoice'; rec: InvoiceRec }
  | { type: 'charge'; rec: ChargeRec }
  | { type: 'customer'; rec: CustomerRec }
