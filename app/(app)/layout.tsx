import Link from 'next/link'
import type { ReactNode } from 'react'
import { AppNav } from '@/components/app-nav'
import { NoticeBell } from '@/components/notice-bell'
import { Badge } from '@/components/ui'
import { db } from '@/lib/db'
import { requirePageContext } from '@/lib/server/session'
import { signOutAction, switchWorkspaceAction } from '../(auth)/actions'

// The signed-in shell. Pages still check access themselves: a layout does not re-run on
// client navigation, so it cannot be the only guard.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const context = await requirePageContext()
  // Admins see a standing link while a connection is failing or needs a new key (F21).
  const troubled =
    context.role === 'admin'
      ? await db().stripeConnection.findFirst({ where: { workspaceId: context.workspaceId, healthState: { in: ['failing', 'needs_reauth'] } }, select: { id: true, healthState: true } })
      : null
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-white px-3 py-5">
        <Link href="/contacts" className="mb-6 flex items-center gap-2 px-3 text-base font-semibold tracking-tight">
          <span className="flex size-7 items-center justify-center rounded-lg bg-brand-600 text-sm text-white">C</span>
          Churnless
        </Link>
        <div className="mb-6 px-3">
          {context.workspaces.length > 1 ? (
            <form action={switchWorkspaceAction} className="flex gap-1">
              <label htmlFor="workspace" className="sr-only">
                Workspace
              </label>
              <select id="workspace" name="workspaceId" defaultValue={context.workspaceId} className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
                {context.workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
              <button type="submit" className="rounded-md px-2 text-sm text-slate-600 hover:bg-slate-100">
                Go
              </button>
            </form>
          ) : (
            <p className="truncate text-sm font-medium text-slate-800" title={context.workspaceName}>
              {context.workspaceName}
            </p>
          )}
          <div className="mt-1 flex items-center justify-between">
            <Badge tone={context.role === 'admin' ? 'brand' : 'neutral'}>{context.role}</Badge>
            <NoticeBell workspaceId={context.workspaceId} />
          </div>
        </div>
        {troubled ? (
          <Link href={`/settings/stripe/${troubled.id}/health`} className="mx-1 mb-4 block rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800 hover:bg-red-100" data-testid="shell-health-alert">
            {troubled.healthState === 'needs_reauth' ? 'Stripe needs a new key' : 'Stripe sync is failing'} →
          </Link>
        ) : null}
        <AppNav isAdmin={context.role === 'admin'} />
        <div className="border-t border-slate-200 px-3 pt-4">
          <p className="truncate text-sm font-medium text-slate-800">{context.userName ?? context.userEmail}</p>
          <p className="truncate text-xs text-slate-500">{context.userEmail}</p>
          <form action={signOutAction} className="mt-3">
            <button type="submit" className="text-sm text-slate-600 hover:text-slate-900 hover:underline">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-10 py-8">{children}</main>
    </div>
  )
}
