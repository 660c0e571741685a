'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useEffect, useId, useRef, useState } from 'react'
import { apiFetch } from '@/lib/api-client'
import type { NoticeItem, NoticeList } from '@/lib/notices/list-notices'
import { BellIcon } from './icons'

// The bell in the app shell: the signed-in person's notices (sync-health incidents and
// recoveries), polled so an alert shows up without a reload.

export const noticeKeys = {
  list: (workspaceId: string) => ['notices', workspaceId] as const,
}

const tones = {
  incident: { border: 'border-red-500', unread: 'bg-red-50', title: 'text-red-800' },
  recovery: { border: 'border-emerald-500', unread: 'bg-emerald-50', title: 'text-emerald-800' },
} as const

export function NoticeBell({ workspaceId }: { workspaceId: string }) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const panelId = useId()
  const queryClient = useQueryClient()
  const list = useQuery({
    queryKey: noticeKeys.list(workspaceId),
    queryFn: ({ signal }) => apiFetch<NoticeList>('/api/notices', { signal }),
    refetchInterval: 5_000,
  })
  const markRead = useMutation({
    mutationFn: (ids?: string[]) => apiFetch('/api/notices/read', { method: 'POST', json: ids ? { ids } : {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: noticeKeys.list(workspaceId) }),
  })

  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      setOpen(false)
      button.current?.focus()
    }
    const onPointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  // Following a notice's link counts as reading it.
  const openNotice = (n: NoticeItem) => {
    if (!n.readAt) markRead.mutate([n.id])
    setOpen(false)
  }
  const unread = list.data?.unread ?? 0
  const now = Date.now()
  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-label="Notifications"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="relative rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        <BellIcon />
        {unread > 0 ? (
          <span data-testid="notice-count" className="absolute -right-1 -top-1 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] font-semibold leading-4 text-white">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <section
          id={panelId}
          data-testid="notice-panel"
          aria-label="Notifications"
          className="absolute left-0 top-full z-30 mt-2 flex max-h-[70vh] w-80 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-lg"
        >
          <header className="flex items-center justify-between border-b border-slate-200 px-4 py-2.5">
            <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
            <button
              type="button"
              onClick={() => markRead.mutate(undefined)}
              disabled={unread === 0 || markRead.isPending}
              className="text-xs font-medium text-brand-700 hover:underline disabled:cursor-not-allowed disabled:text-slate-400 disabled:no-underline"
            >
              Mark all read
            </button>
          </header>
          {markRead.isError ? <p className="border-b border-red-100 bg-red-50 px-4 py-2 text-xs text-red-700">{markRead.error.message}</p> : null}
          <div className="overflow-y-auto">
            {list.data ? (
              list.data.notices.length ? (
                <ul className="divide-y divide-slate-100">
                  {list.data.notices.map((n) => (
                    <NoticeRow key={n.id} notice={n} now={now} onOpen={() => openNotice(n)} />
                  ))}
                </ul>
              ) : (
                <p className="px-4 py-6 text-center text-sm text-slate-500">No notifications. If syncing with a Stripe account runs into trouble, admins are told here.</p>
              )
            ) : (
              <p className="px-4 py-6 text-center text-sm text-slate-500">{list.isError ? 'Notifications could not be loaded. Trying again in a few seconds.' : 'Loading…'}</p>
            )}
          </div>
        </section>
      ) : null}
    </div>
  )
}

function NoticeRow({ notice: n, now, onOpen }: { notice: NoticeItem; now: number; onOpen: () => void }) {
  const tone = tones[n.kind]
  const linkClass = 'font-medium text-brand-700 hover:underline'
  const linkText = (
    <>
      View details<span className="sr-only">: {n.title}</span>
    </>
  )
  return (
    <li data-testid="notice" data-kind={n.kind} className={`border-l-4 px-4 py-3 ${tone.border} ${n.readAt ? '' : tone.unread}`}>
      <p className={`text-sm ${n.readAt ? 'font-medium' : 'font-semibold'} ${tone.title}`}>
        {n.readAt ? null : <span className="sr-only">Unread: </span>}
        {n.title}
      </p>
      <p className="mt-0.5 text-sm text-slate-600">{n.body}</p>
      <div className="mt-1.5 flex items-center gap-3 text-xs text-slate-500">
        <time dateTime={n.createdAt} title={new Date(n.createdAt).toLocaleString('en-US')}>
          {timeAgo(n.createdAt, now)}
        </time>
        {n.href?.startsWith('/') && !n.href.startsWith('//') ? (
          <Link href={n.href} onClick={onOpen} className={linkClass}>
            {linkText}
          </Link>
        ) : n.href && /^https?:\/\//i.test(n.href) ? (
          <a href={n.href} onClick={onOpen} className={linkClass}>
            {linkText}
          </a>
        ) : null}
      </div>
    </li>
  )
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
]

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
function timeAgo(iso: string, now: number): string {
  let value = (new Date(iso).getTime() - now) / 1000
  if (Math.abs(value) < 45) return 'just now'
  for (const [unit, size] of units) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return new Date(iso).toLocaleDateString('en-US')
}
