'use client'

import { useMutation } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { ModeBadge } from '@/components/mode-badge'
import { Alert, Badge, Button, Card, SecretField } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { VerifyKeyResult } from '@/lib/connections/verify-key'
import { WebhookWarning } from '../webhook-warning'
import { MappingStep } from './mapping-step'

export type PermissionRow = { id: string; resource: string; access: 'read' | 'write'; level: 'required' | 'recommended' | 'optional'; without: string | null }
type Verified = Extract<VerifyKeyResult, { ok: true }>

const steps = ['Restricted key', 'Field mapping', 'Import'] as const

export function ConnectWizard({ permissions, sandboxAvailable }: { permissions: PermissionRow[]; sandboxAvailable: boolean }) {
  const [step, setStep] = useState(0)
  const [verified, setVerified] = useState<Verified | null>(null)
  return (
    <div className="space-y-6">
      <ol className="flex flex-wrap gap-2" aria-label="Steps">
        {steps.map((label, i) => (
          <li
            key={label}
            aria-current={i === step ? 'step' : undefined}
            className={`flex items-center gap-2 rounded-full px-3 py-1 text-sm ${i === step ? 'bg-brand-600 text-white' : i < step ? 'bg-brand-50 text-brand-700' : 'bg-slate-100 text-slate-500'}`}
          >
            <span className="font-semibold">{i + 1}</span> {label}
          </li>
        ))}
      </ol>
      {step === 0 ? <KeyStep permissions={permissions} sandboxAvailable={sandboxAvailable} verified={verified} onVerified={setVerified} onContinue={() => setStep(1)} /> : null}
      {step === 1 && verified ? <MappingStep connectionId={verified.connectionId} productsReadable={verified.checks.some((c) => c.id === 'products_read' && c.status === 'granted')} onBack={() => setStep(0)} onSaved={() => setStep(2)} /> : null}
      {step === 2 && verified ? <ImportStep verified={verified} onBack={() => setStep(1)} /> : null}
    </div>
  )
}

function KeyStep({
  permissions,
  sandboxAvailable,
  verified,
  onVerified,
  onContinue,
}: {
  permissions: PermissionRow[]
  sandboxAvailable: boolean
  verified: Verified | null
  onVerified: (v: Verified | null) => void
  onContinue: () => void
}) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const handle = (result: VerifyKeyResult) => {
    if (result.ok) {
      setError(null)
      onVerified(result)
    } else {
      onVerified(null)
      setError(result.message)
    }
  }
  const onError = (e: Error) => setError(e.message)
  const verify = useMutation({ mutationFn: (body: { key?: string; connectionId?: string }) => apiFetch<VerifyKeyResult>('/api/stripe/connections/verify', { method: 'POST', json: body }), onSuccess: handle, onError })
  const sandbox = useMutation({ mutationFn: () => apiFetch<VerifyKeyResult>('/api/stripe/connections/sandbox', { method: 'POST' }), onSuccess: handle, onError })
  const busy = verify.isPending || sandbox.isPending
  const copyList = permissions.map((p) => `${p.resource}: ${p.access === 'read' ? 'Read' : 'Write'}${p.level === 'required' ? '' : ` (${p.level})`}`).join('\n')

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <Card className="p-6">
        <h2 className="text-base font-semibold">Create a restricted key in Stripe</h2>
        <ol className="mt-4 list-decimal space-y-2 pl-5 text-sm text-slate-700">
          <li>
            Open{' '}
            <a className="font-medium text-brand-700 underline" href="https://dashboard.stripe.com/apikeys/create" target="_blank" rel="noreferrer">
              Stripe → Developers → API keys → Create restricted key
            </a>
            .
          </li>
          <li>Name it “Churnless”.</li>
          <li>Set exactly these permissions; leave everything else at None.</li>
          <li>Create the key, copy it (it starts with rk_live_ or rk_test_) and paste it here.</li>
        </ol>
        <table className="mt-4 w-full text-sm">
          <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1.5 font-medium">Resource</th>
              <th className="py-1.5 font-medium">Permission</th>
              <th className="py-1.5 font-medium" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {permissions.map((p) => (
              <tr key={p.id}>
                <td className="py-1.5">{p.resource}</td>
                <td className="py-1.5">{p.access === 'read' ? 'Read' : 'Write'}</td>
                <td className="py-1.5 text-right">{p.level === 'required' ? null : <Badge tone={p.level === 'recommended' ? 'brand' : 'neutral'}>{p.level}</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Button variant="secondary" className="mt-4" onClick={() => navigator.clipboard?.writeText(copyList)}>
          Copy the permission list
        </Button>
      </Card>

      <div className="space-y-6">
        <Card className="p-6">
          <form
            onSubmit={(e) => {
              e.preventDefault()
              verify.mutate({ key, connectionId: verified?.connectionId })
            }}
          >
            <SecretField
              id="stripe-key"
              label="Restricted key"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="rk_live_…"
              aria-describedby={error ? 'stripe-key-error' : undefined}
            />
            <Button type="submit" className="mt-3" disabled={busy || !key.trim()}>
              {verify.isPending ? 'Checking each permission…' : 'Check key'}
            </Button>
          </form>
          {sandboxAvailable ? (
            <div className="mt-6 border-t border-slate-100 pt-4">
              <p className="text-sm text-slate-600">No Stripe account at hand? A local sandbox with realistic sample customers goes through the same steps.</p>
              <Button variant="secondary" className="mt-3" onClick={() => sandbox.mutate()} disabled={busy}>
                {sandbox.isPending ? 'Creating sample data…' : 'Try with a sandbox account'}
              </Button>
            </div>
          ) : null}
        </Card>
        {error ? (
          <div id="stripe-key-error">
            <Alert>{error}</Alert>
          </div>
        ) : null}
        {verified ? <CheckResult verified={verified} busy={busy} onRecheck={() => verify.mutate({ connectionId: verified.connectionId })} onContinue={onContinue} /> : null}
      </div>
    </div>
  )
}

function CheckResult({ verified, busy, onRecheck, onContinue }: { verified: Verified; busy: boolean; onRecheck: () => void; onContinue: () => void }) {
  return (
    <Card className="p-6" aria-live="polite">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-base font-semibold">{verified.account.name ?? 'Stripe account'}</h2>
        <ModeBadge mode={verified.mode} />
      </div>
      <p className="mt-1 font-mono text-xs text-slate-500">
        {verified.account.id ?? 'account id not readable with this key'} · {verified.keyHint}
      </p>
      {verified.warning ? (
        <div className="mt-3">
          <Alert tone="amber">{verified.warning}</Alert>
        </div>
      ) : null}
      <table className="mt-4 w-full text-sm" aria-label="Permission check">
        <tbody className="divide-y divide-slate-100">
          {verified.checks.map((c) => (
            <tr key={c.id} data-testid={`permission-${c.id}`}>
              <td className="py-2 pr-3">
                {c.resource} <span className="text-slate-500">({c.access})</span>
              </td>
              <td className="py-2 text-right">
                {c.status === 'granted' ? (
                  <Badge tone="green">Granted</Badge>
                ) : c.status === 'missing' ? (
                  <Badge tone={c.level === 'required' ? 'red' : 'amber'}>
                    {c.level === 'required' ? 'Missing' : `Missing (${c.level})`}: {c.stripeName}
                  </Badge>
                ) : (
                  <Badge tone="amber">Not checked</Badge>
                )}
                {c.status !== 'granted' && c.without ? <p className="mt-1 text-xs text-slate-500">{c.without}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {verified.canContinue ? null : (
        <div className="mt-4">
          <Alert>Add the missing required permissions to the key in Stripe (edit the key; it stays the same), then check again.</Alert>
        </div>
      )}
      <div className="mt-4 flex gap-2">
        <Button onClick={onContinue} disabled={!verified.canContinue || busy}>
          Continue to field mapping
        </Button>
        <Button variant="secondary" onClick={onRecheck} disabled={busy}>
          Check again
        </Button>
      </div>
    </Card>
  )
}

function ImportStep({ verified, onBack }: { verified: Verified; onBack: () => void }) {
  const router = useRouter()
  const [choice, setChoice] = useState<'all' | 'changes_only'>('all')
  const [error, setError] = useState<string | null>(null)
  const finish = useMutation({
    mutationFn: () => apiFetch<{ connectionId: string; webhookWarning?: string }>(`/api/stripe/connections/${verified.connectionId}/finish`, { method: 'POST', json: { importChoice: choice } }),
    // Without a webhook endpoint the admin reads why (and what to do) before leaving the wizard.
    onSuccess: (result) => {
      if (!result.webhookWarning) router.push('/settings/stripe')
    },
    onError: (e: Error) => setError(e.message),
  })
  const webhookWarning = finish.data?.webhookWarning
  if (webhookWarning) {
    return (
      <Card className="max-w-2xl p-6">
        <h2 className="text-base font-semibold">Connected, without live updates</h2>
        <p className="mt-1 text-sm text-slate-600">{choice === 'all' ? 'The import has started.' : 'Changes are picked up from now on.'}</p>
        <div className="mt-4">
          <WebhookWarning text={webhookWarning} />
        </div>
        <div className="mt-6">
          <Button onClick={() => router.push('/settings/stripe')}>Go to Stripe connections</Button>
        </div>
      </Card>
    )
  }
  const options = [
    { value: 'all', label: 'Import all existing customers', help: 'Every customer with their subscriptions, invoices, charges, prices and products, then live updates. Takes a few minutes for large accounts; you can watch the progress.' },
    { value: 'changes_only', label: 'Only new and updated from now on', help: 'Nothing is imported now; customers appear as they are created or change in Stripe.' },
  ] as const
  return (
    <Card className="max-w-2xl p-6">
      <h2 className="text-base font-semibold">What should Churnless import?</h2>
      <fieldset className="mt-4 space-y-3">
        <legend className="sr-only">Import choice</legend>
        {options.map((o) => (
          <label key={o.value} className="flex cursor-pointer gap-3 rounded-md border border-slate-200 p-4 has-checked:border-brand-500 has-checked:bg-brand-50">
            <input type="radio" name="import" value={o.value} checked={choice === o.value} onChange={() => setChoice(o.value)} className="mt-1" />
            <span>
              <span className="block text-sm font-medium">{o.label}</span>
              <span className="block text-sm text-slate-600">{o.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="mt-4 text-sm text-slate-600">Finishing creates a webhook endpoint in your Stripe account (marked as Churnless's) so contacts stay up to date, when Stripe can reach this installation.</p>
      {error ? (
        <div className="mt-4">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      <div className="mt-6 flex gap-2">
        <Button onClick={() => finish.mutate()} disabled={finish.isPending}>
          {finish.isPending ? 'Connecting…' : 'Finish and connect'}
        </Button>
        <Button variant="ghost" onClick={onBack}>
          Back
        </Button>
      </div>
    </Card>
  )
}
