import type { Db } from '../db'
import { normalizeEmail } from '../email'

// The one writer of the Stripe mirror tables (F12, F13), generic over the object types: typed
// columns per table, the object as Stripe sent it in `data`, and the newer-wins guard
// `excluded.data_as_of >= t.data_as_of` so a delivery older than what we hold never moves an
// object back in time. Equal `data_as_of` applies (a re-fetched truth is written with the
// stored `data_as_of` or later); callers that must not trust a same-second event re-fetch it
// first (lib/sync/apply-event). Batched: one statement per chunk, for the backfill and webhooks
// alike.
//
// Deletions (stripe-shapes trap 4) arrive as a `{ id, object, deleted: true }` stub or as the
// full object; the caller says which (`deleted`). A stub keeps the data we had and only sets
// `deleted_at`; a stub for an object we never saw is stored so an older, late `*.updated`
// cannot bring it back.

export const mirrorTypes = ['customer', 'subscription', 'invoice', 'charge', 'price', 'product', 'checkout_session'] as const
export type MirrorType = (typeof mirrorTypes)[number]

/** The mirror type of a Stripe `object` value, or null for objects we do not mirror. */
export function mirrorTypeOf(stripeObject: unknown): MirrorType | null {
  switch (stripeObject) {
    case 'customer':
    case 'subscription':
    case 'invoice':
    case 'charge':
    case 'price':
    case 'product':
      return stripeObject
    case 'plan':
      return 'price'
    case 'checkout.session':
      return 'checkout_session'
    default:
      return null
  }
}

export type MirrorObject = { id: string; [key: string]: unknown }
export type MirrorWrite = { object: MirrorObject; dataAsOf: Date; deleted?: boolean; livemode?: boolean }

type Columns = Record<string, string | number | boolean | null>
type TableSpec = { table: string; columns: Record<string, 'text' | 'boolean' | 'bigint' | 'timestamp'>; extract: (o: MirrorObject) => Columns }

const idOf = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null)
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const isoOf = (seconds: unknown): string | null => (typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : null)

const tables: Record<MirrorType, TableSpec> = {
  customer: {
    table: 'stripe_customers',
    columns: { email: 'text' },
    extract: (o) => ({ email: typeof o.email === 'string' && o.email.trim() ? normalizeEmail(o.email) : null }),
  },
  subscription: {
    table: 'stripe_subscriptions',
    columns: { customer_id: 'text', status: 'text' },
    extract: (o) => ({ customer_id: idOf(o.customer) ?? '', status: str(o.status) ?? 'unknown' }),
  },
  invoice: {
    table: 'stripe_invoices',
    columns: { customer_id: 'text', subscription_id: 'text', status: 'text' },
    extract: (o) => {
      // Basil moved `subscription` under `parent.subscription_details` (trap 3).
      const parent = o.parent as { subscription_details?: { subscription?: unknown } | null } | null | undefined
      return { customer_id: idOf(o.customer), subscription_id: idOf(o.subscription) ?? idOf(parent?.subscription_details?.subscription), status: str(o.status) }
    },
  },
  charge: {
    table: 'stripe_charges',
    columns: { customer_id: 'text', status: 'text', amount: 'bigint', currency: 'text' },
    extract: (o) => ({ customer_id: idOf(o.customer), status: str(o.status) ?? 'unknown', amount: typeof o.amount === 'number' ? o.amount : 0, currency: str(o.currency) ?? '' }),
  },
  price: {
    table: 'stripe_prices',
    columns: { product_id: 'text' },
    extract: (o) => ({ product_id: idOf(o.product) }),
  },
  product: {
    table: 'stripe_products',
    columns: { name: 'text' },
    extract: (o) => ({ name: str(o.name) }),
  },
  checkout_session: {
    table: 'stripe_checkout_sessions',
    columns: { customer_id: 'text', status: 'text' },
    extract: (o) => ({ customer_id: idOf(o.customer), status: str(o.status) }),
  },
}

const CHUNK = 500

/**
 * Upserts objects of one type; returns the ids actually written (an id missing from the answer
 * was refused by the guard: we already hold newer data). Within one call, the last write of an
 * id wins only if it is not older than the earlier ones.
 */
export async function writeMirror(db: Db, args: { connectionId: string; type: MirrorType; writes: readonly MirrorWrite[] }): Promise<{ written: string[] }> {
  const spec = tables[args.type]
  const written: string[] = []
  // One row per id per statement (ON CONFLICT cannot touch a row twice): keep the newest.
  const byId = new Map<string, MirrorWrite>()
  for (const w of args.writes) {
    const seen = byId.get(w.object.id)
    if (!seen || w.dataAsOf >= seen.dataAsOf) byId.set(w.object.id, w)
  }
  const all = [...byId.values()]
  const typed = Object.entries(spec.columns)
  const names = typed.map(([c]) => c)
  const recordset = ['id text', 'created timestamp', 'livemode boolean', 'data jsonb', 'data_as_of timestamp', 'deleted_at timestamp', ...typed.map(([c, t]) => `${c} ${t}`)].join(', ')
  const insert = `insert into ${spec.table} as t (connection_id, id, created, livemode, data, data_as_of, deleted_at, synced_at${names.map((n) => `, ${n}`).join('')})
       select $1, x.id, x.created, x.livemode, x.data, x.data_as_of, x.deleted_at, (now() at time zone 'utc')${names.map((n) => `, x.${n}`).join('')}
       from jsonb_to_recordset($2::jsonb) as x(${recordset})`
  // Full objects replace what we hold; a deletion stub only marks it deleted (keeps its data).
  const fullUpdate = ['created', 'livemode', 'data', ...names, 'data_as_of', 'deleted_at'].map((c) => `${c} = excluded.${c}`).join(', ')
  const stubUpdate = 'data_as_of = excluded.data_as_of, deleted_at = excluded.deleted_at'
  const rows = all.map((w) => rowOf(spec, w))
  for (const [stub, update] of [[false, fullUpdate], [true, stubUpdate]] as const) {
    const part = rows.filter((r) => r.is_stub === stub)
    for (let i = 0; i < part.length; i += CHUNK) {
      const result = await db.$queryRawUnsafe<{ id: string }[]>(
        `${insert}
         on conflict (connection_id, id) do update set ${update}, synced_at = (now() at time zone 'utc')
         where excluded.data_as_of >= t.data_as_of
         returning id`,
        args.connectionId,
        JSON.stringify(part.slice(i, i + CHUNK)),
      )
      for (const r of result) written.push(r.id)
    }
  }
  return { written }
}

function rowOf(spec: TableSpec, w: MirrorWrite) {
  const o = w.object
  const isStub = Boolean(w.deleted) && o.deleted === true && typeof o.created !== 'number'
  return {
    id: o.id,
    created: isoOf(o.created) ?? w.dataAsOf.toISOString(),
    livemode: typeof o.livemode === 'boolean' ? o.livemode : (w.livemode ?? false),
    data: o,
    data_as_of: w.dataAsOf.toISOString(),
    deleted_at: w.deleted ? w.dataAsOf.toISOString() : null,
    is_stub: isStub,
    ...spec.extract(o),
  }
}

export type MirrorRow = { id: string; data: unknown; dataAsOf: Date; deletedAt: Date | null }

/** The rows we hold for these ids (for the previous state of a transition and the guard). */
export async function readMirror(db: Db, args: { connectionId: string; type: MirrorType; ids: readonly string[] }): Promise<Map<string, MirrorRow>> {
  if (args.ids.length === 0) return new Map()
  const rows = await db.$queryRawUnsafe<{ id: string; data: unknown; data_as_of: Date; deleted_at: Date | null }[]>(
    `select id, data, data_as_of, deleted_at from ${tables[args.type].table} where connection_id = $1 and id = any($2::text[])`,
    args.connectionId,
    [...args.ids],
  )
  return new Map(rows.map((r) => [r.id, { id: r.id, data: r.data, dataAsOf: r.data_as_of, deletedAt: r.deleted_at }]))
}
