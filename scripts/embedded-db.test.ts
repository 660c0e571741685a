// The embedded PostgreSQL (scripts/embedded-db.mjs): data survives a restart, the clear
// failures when the port or the data folder is taken, and many pooled connections at once.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { startEmbeddedDb } from './embedded-db.mjs'
import { pgFieldsFromUrl } from './lib/pg-url.mjs'
import { queryOnce } from './lib/wasm-schema-engine.mjs'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'churnless-embedded-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('startEmbeddedDb', () => {
  test('data written before stop() is there after a restart on the same folder', { timeout: 60_000 }, async () => {
    const dataDir = path.join(tmp, 'persist')
    const first = await startEmbeddedDb({ dataDir, port: 0 })
    expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/)
    await queryOnce(pgFieldsFromUrl(first.url), `create table note (body text); insert into note values ('kept across restarts')`)
    await first.stop()

    const second = await startEmbeddedDb({ dataDir, port: 0 })
    try {
      const { rows } = await queryOnce(pgFieldsFromUrl(second.url), 'select body from note')
      expect(rows).toEqual([{ body: 'kept across restarts' }])
    } finally {
      await second.stop()
    }
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false)
  })

  test('a port taken by another program fails fast with what to do', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const { port } = blocker.address() as net.AddressInfo
    try {
      const attempt = startEmbeddedDb({ dataDir: path.join(tmp, 'blocked'), port })
      await expect(attempt).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use by another program`)
      await expect(startEmbeddedDb({ dataDir: path.join(tmp, 'blocked'), port })).rejects.toThrow(/EMBEDDED_DB_PORT|DATABASE_URL/)
      expect(fs.existsSync(`${path.join(tmp, 'blocked')}.lock`)).toBe(false)
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })

  test('a data folder in use by a live process is refused; a stale lock is taken over', { timeout: 60_000 }, async () => {
    const dataDir = path.join(tmp, 'locked')
    fs.writeFileSync(`${dataDir}.lock`, String(process.ppid)) // a process that is certainly alive
    await expect(startEmbeddedDb({ dataDir, port: 0 })).rejects.toThrow(`already in use by process ${process.ppid}`)

    fs.writeFileSync(`${dataDir}.lock`, '2147483646') // no such process
    const db = await startEmbeddedDb({ dataDir, port: 0 })
    expect(fs.readFileSync(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid))
    await db.stop()
    await db.stop() // idempotent
  })

  test('pooled connections with transactions and parameterised queries at once: no cycle is interleaved with another', { timeout: 60_000 }, async () => {
    // pglite-socket alone interleaves protocol messages of different connections: here it gave
    // "bind message supplies 1 parameters, but prepared statement "" requires 2" and
    // "portal "" does not exist" in about one query of five.
    const db = await startEmbeddedDb({ dataDir: 'memory://', port: 0 })
    const pool = new pg.Pool({ connectionString: db.url, max: 8 })
    try {
      await pool.query('create table t (id int primary key, v text)')
      const errors: string[] = []
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          if (i % 5 === 0) {
            const client = await pool.connect()
            try {
              await client.query('BEGIN')
              await client.query('insert into t values ($1, $2)', [i, 'x'])
              await new Promise((resolve) => setTimeout(resolve, 2))
              await client.query('select v from t where id = $1', [i])
              await client.query('COMMIT')
            } catch (error) {
              errors.push((error as Error).message)
              await client.query('ROLLBACK').catch(() => undefined)
            } finally {
              client.release()
            }
            return
          }
          const params = Array.from({ length: (i % 3) + 1 }, (_, k) => k + i)
          const { rows } = await pool.query(`select ${params.map((_, k) => `$${k + 1}::int`).join(' + ')} as s`, params).catch((error: Error) => {
            errors.push(error.message)
            return { rows: [] }
          })
          if (rows[0] && rows[0].s !== params.reduce((a, b) => a + b, 0)) errors.push(`wrong sum for query ${i}`)
        }),
      )
      expect(errors).toEqual([])
      expect((await pool.query('select count(*)::int as n from t')).rows[0].n).toBe(40)
    } finally {
      await pool.end()
      await db.stop()
    }
  })

  test('messages larger than one TCP read (big batch writes) are handled whole and in order', { timeout: 60_000 }, async () => {
    // A Bind carrying a page of Stripe objects spans several socket reads. pglite-socket handles
    // each read in its own async call, so while a connection waited for its turn, a later read
    // could take its Describe/Execute ahead of its Bind: "portal "" does not exist" on every
    // backfill into the embedded database.
    const db = await startEmbeddedDb({ dataDir: 'memory://', port: 0 })
    const pool = new pg.Pool({ connectionString: db.url, max: 8 })
    try {
      await pool.query('create table page (id int primary key, body text)')
      const body = (i: number) => `${i}:`.padEnd(200_000 + i, 'x')
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => pool.query('insert into page values ($1, $2)', [i, body(i)])),
      )
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
      const { rows } = await pool.query('select id, length(body) as n from page order by id')
      expect(rows).toEqual(Array.from({ length: 40 }, (_, i) => ({ id: i, n: 200_000 + i })))
    } finally {
      await pool.end()
      await db.stop()
    }
  })
})
