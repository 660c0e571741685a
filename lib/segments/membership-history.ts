import type { Db } from '../db'

// A contact's segment history (SPEC F19: "every entry and exit is recorded with its time and
// cause"), newest first, for the contact page. History outlives a deleted segment: its rows stay
// and show without a name. The contact's workspace is checked by the caller (getContact).

export type MembershipHistoryEntry = {
  id: string
  segmentId: string
  /** Null when the segment has since been deleted. */
  segmentName: string | null
  kind: 'entered' | 'exited'
  at: string
  cause: string
  /** The cause in words ("Stripe event evt_…", "Time passed", …). */
  causeLabel: string
}

export const HISTORY_LIMIT = 100

export async function listMembershipHistory(db: Db, args: { workspaceId: string; contactId: string; limit?: number }): Promise<MembershipHistoryEntry[]> {
  const rows = await db.$queryRawUnsafe<{ id: string; segment_id: string; name: string | null; kind: string; at: Date; cause: string }[]>(
    `SELECT ch.id, ch.segment_id, s.name, ch.kind, ch.at, ch.cause
       FROM segment_membership_changes ch
       LEFT JOIN segments s ON s.id = ch.segment_id AND s.workspace_id = $1
      WHERE ch.contact_id = $2
      ORDER BY ch.at DESC, ch.kind ASC, ch.id DESC
      LIMIT $3`,
    args.workspaceId,
    args.contactId,
    args.limit ?? HISTORY_LIMIT,
  )
  return rows.map((r) => ({
    id: r.id,
    segmentId: r.segment_id,
    segmentName: r.name,
    kind: r.kind === 'exited' ? 'exited' : 'entered',
    at: r.at.toISOString(),
    cause: r.cause,
    causeLabel: describeMembershipCause(r.cause),
  }))
}

const fixedCauses: Record<string, string> = {
  time: 'Time passed (scheduled check)',
  'segment:created': 'Segment created',
  'segment:edited': 'Segment rule edited',
  'segment:reset': 'Segment reset to its default rule',
  'api:track': 'Activity tracked (API)',
  'api:identify': 'Contact identified (API)',
  backfill: 'Stripe import',
  'mapping changed': 'Stripe field mapping changed',
}

/** The recorded cause in words; unknown causes are shown as they were recorded. */
export function describeMembershipCause(cause: string): string {
  if (cause.startsWith('stripe:')) return `Stripe event ${cause.slice('stripe:'.length)}`
  return fixedCauses[cause] ?? cause
}
