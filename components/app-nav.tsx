'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import type { ReactNode } from 'react'
import { BoltIcon, EnvelopeIcon, KeyIcon, SegmentsIcon, StripeIcon, UsersIcon } from './icons'

type Item = { href: string; label: string; icon: ReactNode }

const product: Item[] = [
  { href: '/contacts', label: 'Contacts', icon: <UsersIcon /> },
  { href: '/segments', label: 'Segments', icon: <SegmentsIcon /> },
  { href: '/automations', label: 'Automations', icon: <BoltIcon /> },
]

const settings: Item[] = [
  { href: '/settings/stripe', label: 'Stripe', icon: <StripeIcon /> },
  { href: '/settings/members', label: 'Members', icon: <UsersIcon /> },
  { href: '/settings/api-keys', label: 'API keys', icon: <KeyIcon /> },
  { href: '/settings/outbox', label: 'Outbox', icon: <EnvelopeIcon /> },
]

export function AppNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname()
  const link = (item: Item) => {
    const active = pathname === item.href || pathname.startsWith(`${item.href}/`)
    return (
      <li key={item.href}>
        <Link
          href={item.href}
          aria-current={active ? 'page' : undefined}
          className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors ${active ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}
        >
          {item.icon}
          {item.label}
        </Link>
      </li>
    )
  }
  return (
    <nav aria-label="Main" className="flex flex-1 flex-col gap-6">
      <ul className="space-y-1">{product.map(link)}</ul>
      {isAdmin ? (
        <div>
          <p className="px-3 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-400">Settings</p>
          <ul className="space-y-1">{settings.map(link)}</ul>
        </div>
      ) : null}
    </nav>
  )
}
