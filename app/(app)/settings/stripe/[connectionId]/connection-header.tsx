import type { ReactNode } from 'react'
import { ModeBadge } from '@/components/mode-badge'
import { PageHeader } from '@/components/ui'

/** The header of a connection's pages: its name, mode, account id and key hint. */
export function ConnectionHeader({
  title,
  connection,
  actions,
}: {
  title: string
  connection: { mode: 'live' | 'test'; apiBase: string | null; accountId: string | null; keyHint: string }
  actions: ReactNode
}) {
  return (
    <PageHeader
      title={title}
      description={
        <span className="inline-flex flex-wrap items-center gap-2">
          <ModeBadge mode={connection.mode} isSandbox={connection.apiBase !== null} />
          <span className="font-mono text-xs text-slate-500">
            {connection.accountId} · key {connection.keyHint}
          </span>
        </span>
      }
      actions={actions}
    />
  )
}
