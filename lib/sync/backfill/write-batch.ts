import { z } from 'zod'
import type { Db, Tx } from '../../db'
import { normalizeEmail } from '../../email'
import type { BackfillObjectType, ListedObject } from '../../stripe/list-pages'

// Batched writes into the mirror tables: one multi-row INSERT … ON CONFLICT per page, its rows
// passed as one array per column through `unnest` (a fixed number of parameters whatever the
// page size). The newer-wins guard: a row is only replaced by data at least as recent
// (`data_as_of`), so a page fetched before a webhook was applied never moves an object back.

const idOf = z.union([z.string(), z.object({ id: z.string() })]).transform((v) => (typeof v === 'string' ? v : v.id))
const optionalIdOf = idOf.nullish().transform((v) => v ?? null)

type Column = { name: string; pg: 'text' | 'bigint' | 'boolean' }
type TypeSpec = { table: string; columns: Column[]; row: z.ZodType<Record<string, string | number | boolean | null>> }

const base = { id: z.string().min(1), created: z.number().int(), livemode: z.boolean().default(false) }


const specs: Record<BackfillObjectType, TypeSpec> = {
  customers: {
    table: 'stripe_customers',
    columns: [{ name: 'email', pg: 'text' }],
    row: z.object({ ...base, email: z.string().nullish().transform((email) => (email ? normalizeEmail(email) || null : null)) }),
  },
  subscriptions: {
    table: 'stripe_subscriptions',
    columns: [
      { name: 'customer_id', pg: 'text' },
      { name: 'status', pg: 'text' },
    ],
    row: z.object({ ...base, customer: idOf, status: z.string() }).transform(({ customer, ...r }) => ({ ...r, customer_id: customer })),
  },
  invoices: {
    table: 'stripe_invoices',
    columns: [
      { name: 'customer_id', pg: 'text' },
      { name: 'subscription_id', pg: 'text' },
      { name: 'status', pg: 'text' },
    ],
    // Basil and later: `parent.subscription_details.subscription`; earlier: `subscription`.
    row: z
      .object({
        ...base,
        customer: optionalIdOf,
        status: z.string().nullish().transform((v) => v ?? null),
        subscription: optionalIdOf,
        parent: z.object({ subscription_details: z.object({ subscription: optionalIdOf }).nullish() }).nullish(),
      })
      .transform(({ customer, subscription, parent, ...r }) => ({ ...r, customer_id: customer, subscription_id: parent?.subscription_details?.subscription ?? subscription })),
  },
  charges: {
    table: 'stripe_charges',
    columns: [
      { name: 'customer_id', pg: 'text' },
      { name: 'status', pg: 'text' },
      { name: 'amount', pg: 'bigint' },
      { name: 'currency', pg: 'text' },
    ],
    row: z.object({ ...base, customer: optionalIdOf, status: z.string(), amount: z.number().int(), currency: z.string() }).transform(({ customer, ...r }) => ({ ...r, customer_id: customer })),
  },
  prices: {
    table: 'stripe_prices',
    columns: [{ name: 'product_id', pg: 'text' }],
    row: z.object({ ...base, product: optionalIdOf }).transform(({ product, ...r }) => ({ ...r, product_id: product })),
  },
  products: {
    table: 'stripe_products',
    columns: [{ name: 'name', pg: 'text' }],
    row: z.object({ ...base, name: z.string().nullish().transform((v) => v ?? null) }),
  },
  checkout_sessions: {
    table: 'stripe_checkout_sessions',
    columns: [
      { name: 'customer_id', pg: 'text' },
      { name: 'status', pg: 'text' },
    ],
    row: z
      .object({ ...base, customer: optionalIdOf, status: z.string().nullish().transform((v) => v ?? null) })
      .transform(({ customer, ...r }) => ({ ...r, customer_id: customer })),
  },
}

export function mirrorTableOf(type: BackfillObjectType): string {
  return specs[type].table
}

const sqlCache = new Map<BackfillObjectType, string>()

function upsertSql(type: BackfillObjectType): string {
  const cached = sqlCache.get(type)
  if (cached) return cached
  const { table, columns } = specs[type]
  const extra = columns.map((c) => c.name)
  // $1 connection, $2 data_as_of, then arrays: id, created, livemode, data, …extra columns.
  const arrays = ['id text', 'created bigint', 'livemode boolean', 'data text', ...columns.map((c) => `${c.name} ${c.pg}`)]
  const unnestArgs = arrays.map((a, i) => `$${i + 3}::${a.split(' ')[1]}[]`).join(', ')
  const alias = arrays.map((a) => a.split(' ')[0]).join(', ')
  const updates = ['created', 'livemode', 'data', 'data_as_of', 'synced_at', ...extra].map((c) => `${c} = excluded.${c}`)
  const sql = `INSERT INTO ${table} (connection_id, id, created, livemode, data, data_as_of, synced_at${extra.map((c) => `, ${c}`).join('')})
    SELECT $1, u.id, to_timestamp(u.created) AT TIME ZONE 'UTC', u.livemode, u.data::jsonb,
           $2::timestamptz AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'${extra.map((c) => `, u.${c}`).join('')}
    FROM unnest(${unnestArgs}) AS u(${alias})
    ON CONFLICT (connection_id, id) DO UPDATE SET ${updates.join(', ')}, deleted_at = NULL
    WHERE excluded.data_as_of >= ${table}.data_as_of`
  sqlCache.set(type, sql)
  return sql
}

export type BatchResult = { written: number; failedIds: string[]; firstError: string | null }
export type PreparedBatch = { sql: string; params: unknown[]; rows: number; failedIds: string[]; firstError: string | null }

/**
 * Builds the upsert of one page of objects of `type` (`$1` connection, `$2` data_as_of, then one
 * array per column), so a caller can run it alone or inside a larger statement. An object we
 * cannot store (a shape we do not understand) is left out and named in `failedIds`, never
 * silently dropped.
 */
export function prepareMirrorBatch(args: { connectionId: string; type: BackfillObjectType; objects: readonly ListedObject[]; dataAsOf: Date }): PreparedBatch {
  const spec = specs[args.type]
  const seen = new Set<string>()
  const failedIds: string[] = []
  let firstError: string | null = null
  const columns: unknown[][] = Array.from({ length: 4 + spec.columns.length }, () => [])
  for (const object of args.objects) {
    if (seen.has(object.id)) continue
    seen.add(object.id)
    const parsed = spec.row.safeParse(object)
    if (!parsed.success) {
      failedIds.push(object.id)
      firstError ??= `${object.id}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(object)'} ${i.message}`).join('; ')}`
      continue
    }
    const row = parsed.data
    columns[0]?.push(row.id)
    columns[1]?.push(row.created)
    columns[2]?.push(row.livemode)
    columns[3]?.push(JSON.stringify(object))
    for (const [i, c] of spec.columns.entries()) columns[4 + i]?.push(c.pg === 'bigint' && row[c.name] !== null ? String(row[c.name]) : row[c.name])
  }
  return { sql: upsertSql(args.type), params: [args.connectionId, args.dataAsOf.toISOString(), ...columns], rows: columns[0]?.length ?? 0, failedIds, firstError }
}

/** Upserts one page; `written` counts rows stored (a row already holding newer data is left alone). */
export async function writeMirrorBatch(db: Db | Tx, args: { connectionId: string; type: BackfillObjectType; objects: readonly ListedObject[]; dataAsOf: Date }): Promise<BatchResult> {
  const batch = prepareMirrorBatch(args)
  const written = batch.rows === 0 ? 0 : await db.$executeRawUnsafe(batch.sql, ...batch.params)
  return { written, failedIds: batch.failedIds, firstError: batch.firstError }
}
