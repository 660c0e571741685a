import { Badge } from './ui'

/** Live vs test mode, shown next to a connection everywhere. */
export function ModeBadge({ mode, isSandbox }: { mode: 'live' | 'test'; isSandbox?: boolean }) {
  return (
    <span className="inline-flex gap-1">
      <Badge tone={mode === 'live' ? 'green' : 'amber'}>{mode === 'live' ? 'Live mode' : 'Test mode'}</Badge>
      {isSandbox ? <Badge tone="brand">Sandbox</Badge> : null}
    </span>
  )
}
