import type { SVGProps } from 'react'

// A handful of stroke icons (24×24, currentColor) so the shell needs no icon package.
function Icon({ d, ...props }: SVGProps<SVGSVGElement> & { d: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-5" {...props}>
      <path d={d} />
    </svg>
  )
}

export const UsersIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M16 19v-1a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v1M9 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM22 19v-1a4 4 0 0 0-3-3.87M16 3.13a3.5 3.5 0 0 1 0 6.75" {...p} />
export const SegmentsIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M3 5h18M6 12h12M10 19h4" {...p} />
export const BoltIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M13 2 4 14h7l-1 8 9-12h-7l1-8z" {...p} />
export const SettingsIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" {...p} />
export const StripeIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M3 7h18v10H3zM3 11h18M7 15h3" {...p} />
export const KeyIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M15 7a4 4 0 1 1-3.9 4.9L3 20v-3h3v-3h3l1.1-1.1A4 4 0 0 1 15 7zM16 8h.01" {...p} />
export const LockIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M6 11h12v10H6zM8 11V7a4 4 0 1 1 8 0v4" {...p} />
export const LinkIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" {...p} />
export const EnvelopeIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M3 6h18v12H3zM3 7l9 6 9-6" {...p} />
export const BellIcon = (p: SVGProps<SVGSVGElement>) => <Icon d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0" {...p} />
