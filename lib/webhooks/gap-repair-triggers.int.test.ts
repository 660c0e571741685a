import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { evaluateConnectionHealth, type HealthNotice } from '../health/evaluate-health'
import { signUp } from '../workspaces/sign-up'
import { type ResyncEvent, resyncNow } from './resync-now'

// Gap repair (F14) runs on a schedule, and also when it matters most: when a connection leaves a
// failing state (what it missed is in Stripe's Events API) and when an admin asks for a re-sync.

async function connection(over: { status?: 'active' | 'paused'; healthState?: 'failing' | 'needs_reauth' | 'healthy' } = {}) {
  const { workspaceId } = await signUp(db, { name: 'Gail', email: `gail-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const c = await db.stripeConnection.create({
    data: { workspaceId, mode: 'test', keyKind: 'secret', keySealed: 'sealed', keyHint: 'sk_test_…x', status: over.status ?? 'active', accountId: `acct_${randomUUID().slice(0, 8)}`, connectedAt: new Date(), healthState: over.healthState ?? null },
  })
  return { workspaceId, connectionId: c.id }
}

describe('gap repair is requested', () => {
  test('when a failing connection recovers — once, with the recovery notice', async () => {
    const c = await connection({ healthState: 'failing' })
    const notices: HealthNotice[] = []
    const requests: unknown[] = []
    const deps = { db, now: () => new Date(), notify: async (n: HealthNotice) => void notices.push(n), requestGapRepair: async (r: unknown) => void requests.push(r) }
    const health = await evaluateConnectionHealth(deps, { connectionId: c.connectionId })
    expect(health).toMatchObject({ previous: 'failing', notified: 'recovery' })
    expect(notices.map((n) => n.kind)).toEqual(['recovery'])
    expect(requests).toEqual([{ connectionId: c.connectionId, reason: 'recovered' }])
    // Still healthy on the next check: nothing recovered, nothing requested.
    await evaluateConnectionHealth(deps, { connectionId: c.connectionId })
    expect(requests).toHaveLength(1)
  })

  test('when a connection that needed a new key works again', async () => {
    const c = await connection({ healthState: 'needs_reauth' })
    const requests: unknown[] = []
    await evaluateConnectionHealth({ db, now: () => new Date(), notify: async () => {}, requestGapRepair: async (r) => void requests.push(r) }, { connectionId: c.connectionId })
    expect(requests).toEqual([{ connectionId: c.connectionId, reason: 'recovered' }])
  })

  test('not when a healthy connection stays healthy', async () => {
    const c = await connection({ healthState: 'healthy' })
    const requests: unknown[] = []
    const health = await evaluateConnectionHealth({ db, now: () => new Date(), notify: async () => {}, requestGapRepair: async (r) => void requests.push(r) }, { connectionId: c.connectionId })
    expect(health.state).toBe('healthy')
    expect(requests).toEqual([])
  })

  test('by "Re-sync now", beside the backfill; not when the connection is paused', async () => {
    const c = await connection()
    const emitted: ResyncEvent[] = []
    expect(await resyncNow({ db, emit: async (e) => void emitted.push(e) }, c)).toEqual({ isRequested: true })
    expect(emitted).toEqual([
      { name: 'sync/backfill.requested', data: { connectionId: c.connectionId, reason: 'resync' } },
      { name: 'stripe/gap-repair.requested', data: { connectionId: c.connectionId, reason: 'manual' } },
    ])
    const paused = await connection({ status: 'paused' })
    const none: ResyncEvent[] = []
    await expect(resyncNow({ db, emit: async (e) => void none.push(e) }, paused)).rejects.toThrow(/paused/i)
    expect(none).toEqual([])
  })
})
