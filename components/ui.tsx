import Link from 'next/link'
import type { ComponentProps, ReactNode } from 'react'

// Small shared primitives. Pages compose these; nothing here fetches or decides.

const buttonStyles = {
  primary: 'bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/60',
  secondary: 'bg-white text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'bg-white text-red-700 ring-1 ring-red-200 hover:bg-red-50 disabled:text-red-300',
  ghost: 'text-slate-600 hover:bg-slate-100 hover:text-slate-900',
} as const

export type ButtonVariant = keyof typeof buttonStyles

export function buttonClass(variant: ButtonVariant = 'primary', extra = '') {
  return `inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed ${buttonStyles[variant]} ${extra}`
}

export function Button({ variant = 'primary', className = '', ...props }: ComponentProps<'button'> & { variant?: ButtonVariant }) {
  return <button type="button" className={buttonClass(variant, className)} {...props} />
}

export function ButtonLink({ variant = 'primary', className = '', ...props }: ComponentProps<typeof Link> & { variant?: ButtonVariant }) {
  return <Link className={buttonClass(variant, className)} {...props} />
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-8 flex flex-wrap items-start justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  )
}

export function Card({ className = '', ...props }: ComponentProps<'section'>) {
  return <section className={`rounded-xl border border-slate-200 bg-white shadow-sm ${className}`} {...props} />
}

export function EmptyState({ icon, title, children, action }: { icon?: ReactNode; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Card className="flex flex-col items-center px-6 py-14 text-center">
      {icon ? <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">{icon}</div> : null}
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <div className="mt-2 max-w-md text-sm text-slate-600">{children}</div>
      {action ? <div className="mt-6">{action}</div> : null}
    </Card>
  )
}

const badgeStyles = {
  neutral: 'bg-slate-100 text-slate-700',
  brand: 'bg-brand-50 text-brand-700',
  green: 'bg-emerald-50 text-emerald-700',
  amber: 'bg-amber-50 text-amber-800',
  red: 'bg-red-50 text-red-700',
} as const

export function Badge({ tone = 'neutral', children }: { tone?: keyof typeof badgeStyles; children: ReactNode }) {
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${badgeStyles[tone]}`}>{children}</span>
}

export function Field({ label, name, error, hint, ...input }: ComponentProps<'input'> & { label: string; name: string; error?: string; hint?: ReactNode }) {
  const describedBy = error ? `${name}-error` : hint ? `${name}-hint` : undefined
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`mt-1.5 block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-xs placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20 ${error ? 'border-red-400' : 'border-slate-300'}`}
        {...input}
      />
      {error ? (
        <p id={`${name}-error`} className="mt-1.5 text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${name}-hint`} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

/** A key or secret to paste: monospace, no autocomplete or spellcheck (the wizard, key rotation, forwarded webhook secrets). */
export function SecretField({ id, label, ...input }: Omit<ComponentProps<'input'>, 'className'> & { id: string; label: string }) {
  return (
    <>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input id={id} autoComplete="off" spellCheck={false} className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm" {...input} />
    </>
  )
}

/** One object type's import bar (the connection's progress page and the health page): green when done, red when failed. */
export function TypeProgressBar({ label, fraction, state, className = '' }: { label: string; fraction: number; state: string; className?: string }) {
  const percent = Math.round(fraction * 100)
  const tone = state === 'failed' ? 'bg-red-500' : state === 'succeeded' ? 'bg-emerald-500' : 'bg-brand-600'
  return (
    <div className={`overflow-hidden rounded-full bg-slate-100 ${className}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className={`h-full rounded-full transition-all duration-500 ${tone}`} style={{ width: `${percent}%` }} />
    </div>
  )
}

export function Alert({ tone = 'red', children }: { tone?: 'red' | 'amber' | 'green'; children: ReactNode }) {
  const styles = { red: 'border-red-200 bg-red-50 text-red-800', amber: 'border-amber-200 bg-amber-50 text-amber-900', green: 'border-emerald-200 bg-emerald-50 text-emerald-800' }
  return (
    <div role={tone === 'red' ? 'alert' : 'status'} className={`rounded-md border px-3 py-2 text-sm ${styles[tone]}`}>
      {children}
    </div>
  )
}

/** One figure on a dashboard: label, value, and a line saying what it counts. */
export function Stat({ label, value, hint, testId }: { label: string; value: string; hint: string; testId?: string }) {
  return (
    <Card className="p-4">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    </Card>
  )
}
