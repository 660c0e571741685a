import type { Db } from '../db'
import { healthFactsSelect, readHealthFacts } from './facts'
import { computeSyncHealth, type HealthState, type SyncHealth } from './state'
import { readHealthThresholds } from './thresholds'

// Computes a connection's health from its recorded facts, stores it, and alerts on the edges
// of an incident: entering failing or needs re-auth notifies every admin once (in-app and by
// email); leaving it for a working state sends one recovery notice. Moving between the two
// alerting states is the same incident and stays quiet. A pause is an admin's decision, not a
// change in what is broken: it neither ends an incident nor starts one, so what is stored (and
// alerted on) is the state under the pause.

const alerting = new Set<HealthState>(['failing', 'needs_reauth'])

export type HealthNotice = {
  workspaceId: string
  connectionId: string
  kind: 'incident' | 'recovery'
  title: string
  body: string
  href: string
}

export type EvaluateDeps = {
  db: Db
  now: () => Date
  notify: (notice: HealthNotice) => Promise<unknown>
  /** Asks gap repair (F14) to look for the events missed while the connection was failing. */
  requestGapRepair?: (args: { connectionId: string; reason: 'recovered' }) => Promise<unknown>
}

export async function evaluateConnectionHealth(deps: EvaluateDeps, args: { connectionId: string }): Promise<SyncHealth & { previous: HealthState | null; notified: HealthNotice['kind'] | null }> {
  const { db } = deps
  const now = deps.now()
  const connection = await db.stripeConnection.findUniqueOrThrow({
    where: { id: args.connectionId },
    select: { ...healthFactsSelect, workspaceId: true, accountName: true, accountId: true, healthState: true, workspace: { select: { healthThresholds: true } } },
  })
  const facts = await readHealthFacts(db, { connection, now })
  const health = computeSyncHealth(facts, readHealthThresholds(connection.workspace.healthThresholds), now)
  const previous = (connection.healthState as HealthState | null) ?? null
  const state = health.state === 'paused' ? (health.reasons.find((r) => r.severity !== 'paused')?.severity ?? 'healthy') : health.state
  const reason = health.reasons.find((r) => r.severity === state)?.message ?? health.summary

  // Claimed with a conditional update so two evaluations racing on one transition notify once.
  const changed = await db.stripeConnection.updateMany({
    where: { id: connection.id, healthState: previous },
    data: { healthState: state, healthReason: reason, ...(previous !== state && { healthChangedAt: now }) },
  })
  let notified: HealthNotice['kind'] | null = null
  if (changed.count === 1 && previous !== state) {
    const name = connection.accountName ?? connection.accountId ?? 'Stripe account'
    const href = `/settings/stripe/${connection.id}/health`
    if (alerting.has(state) && !(previous && alerting.has(previous))) {
      notified = 'incident'
      const title = state === 'needs_reauth' ? `Stripe sync stopped: ${name} needs a new key` : `Stripe sync failing for ${name}`
      await deps.notify({ workspaceId: connection.workspaceId, connectionId: connection.id, kind: 'incident', title, body: reason, href })
    } else if (previous && alerting.has(previous) && !alerting.has(state)) {
      notified = 'recovery'
      await deps.notify({
        workspaceId: connection.workspaceId,
        connectionId: connection.id,
        kind: 'recovery',
        title: `Stripe sync recovered for ${name}`,
        body: `${health.summary} (It was ${previous === 'needs_reauth' ? 'waiting for a new key' : 'failing'}.)`,
        href,
      })
      // Whatever Stripe could not deliver (or we could not apply) while it was failing is in
      // its Events API for 30 days: look now rather than at the next scheduled pass.
      await deps.requestGapRepair?.({ connectionId: connection.id, reason: 'recovered' })
    }
  }
  return { ...health, previous, notified }
}
