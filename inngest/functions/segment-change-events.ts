import type { MembershipChange } from '@/lib/segments/membership'
import { segmentContactEntered, segmentContactExited } from '../events'

// Membership changes as `segment/contact.entered|exited` events. The change row's id is the
// event id, so Inngest drops a duplicate when a step that sends them is retried.

export const SEND_BATCH = 500

export function segmentChangeEvents(workspaceId: string, changes: readonly MembershipChange[]) {
  return changes.map((c) => {
    const data = { workspaceId, segmentId: c.segmentId, contactId: c.contactId, changeId: c.changeId, at: c.at, cause: c.cause }
    return c.kind === 'entered' ? segmentContactEntered.create(data, { id: `segment-change-${c.changeId}` }) : segmentContactExited.create(data, { id: `segment-change-${c.changeId}` })
  })
}

export function inBatches<T>(items: readonly T[], size = SEND_BATCH): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
