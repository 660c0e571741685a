'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ModeBadge } from '@/components/mode-badge'
import { Alert, Badge, Button, ButtonLink, Card } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { ConnectionSummary } from '@/lib/connections/manage-connections'
import { RotateKeyForm } from './rotate-key-form'
import { ForwardedSecretForm, WebhookWarning } from './webhook-warning'

const connectionsKey = ['stripe-connections'] as const

const statusLabels: Record<ConnectionSummary['status'], { label: string; tone: 'neutral' | 'green' | 'amber' | 'red' | 'brand' }> = {
  draft: { label: 'Not finished', tone: 'neutral' },
  waiting_to_sync: { label: 'Waiting to sync', tone: 'brand' },
  syncing: { label: 'Syncing', tone: 'brand' },
  active: { label: 'In sync', tone: 'green' },
  paused: { label: 'Paused', tone: 'neutral' },
  needs_reauth: { label: 'Needs a new key', tone: 'red' },
  failing: { label: 'Failing', tone: 'red' },
}

export function ConnectionList({ initialConnections }: { initialConnections: ConnectionSummary[] }) {
  const connections = useQuery({
    queryKey: connectionsKey,
    queryFn: () => apiFetch<{ connections: ConnectionSummary[] }>('/api/stripe/connections').then((r) => r.connections),
    initialData: initialConnections,
    refetchInterval: 5_000,
  })
  return (
    <ul className="space-y-4">
      {connections.data.map((c) => (
        <li key={c.id}>
          <ConnectionCard connection={c} />
        </li>
      ))}
    </ul>
  )
}

function ConnectionCard({ connection: c }: { connection: ConnectionSummary }) {
  const queryClient = useQueryClient()
  const [panel, setPanel] = useState<'none' | 'rotate' | 'disconnect'>('none')
  const [message, setMessage] = useState<{ tone: 'red' | 'green' | 'amber'; text: string } | null>(null)
  const refresh = () => queryClient.invalidateQueries({ queryKey: connectionsKey })
  const fail = (e: Error) => setMessage({ tone: 'red', text: e.message })

  const makePrimary = useMutation({ mutationFn: () => apiFetch(`/api/stripe/connections/${c.id}`, { method: 'PATCH', json: { isPrimary: true } }), onSuccess: refresh, onError: fail })
  const status = statusLabels[c.status]

  return (
    <Card className="p-5" data-testid="connection-card">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="text-base font-semibold">{c.accountName ?? c.accountId ?? 'Stripe account'}</h2>
            <ModeBadge mode={c.mode} isSandbox={c.isSandbox} />
            {c.isPrimary ? <Badge tone="brand">Primary</Badge> : null}
            <Badge tone={status.tone}>{status.label}</Badge>
          </div>
          <p className="mt-1 font-mono text-xs text-slate-500">
            {c.accountId} · key {c.keyHint}
          </p>
          {c.isForwarded ? <p className="mt-2 text-sm text-slate-600">Live updates arrive through the Stripe CLI's forwarding (stripe listen), with the signing secret you saved.</p> : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <ButtonLink variant="secondary" href={`/settings/stripe/${c.id}/health`}>
            Sync health
          </ButtonLink>
          <ButtonLink variant="secondary" href={`/settings/stripe/${c.id}`}>
            Sync progress
          </ButtonLink>
          {c.isPrimary ? null : (
            <Button variant="secondary" onClick={() => makePrimary.mutate()} disabled={makePrimary.isPending}>
              Make primary
            </Button>
          )}
          <Button variant="secondary" onClick={() => setPanel(panel === 'rotate' ? 'none' : 'rotate')}>
            Rotate key
          </Button>
          <Button variant="danger" onClick={() => setPanel(panel === 'disconnect' ? 'none' : 'disconnect')}>
            Disconnect
          </Button>
        </div>
      </div>
      {c.webhookWarning ? (
        <div className="mt-4 max-w-3xl">
          <WebhookWarning text={c.webhookWarning} />
          <ForwardedSecretForm
            connectionId={c.id}
            onSaved={() => {
              setMessage({ tone: 'green', text: 'Signing secret saved: deliveries forwarded by stripe listen are accepted from now on.' })
              refresh()
            }}
          />
        </div>
      ) : null}
      {message ? (
        <div className="mt-4">
          <Alert tone={message.tone}>{message.text}</Alert>
        </div>
      ) : null}
      {panel === 'rotate' ? (
        <RotateKeyForm
          connectionId={c.id}
          onDone={(text) => {
            setMessage({ tone: 'green', text })
            setPanel('none')
            refresh()
          }}
          onError={fail}
        />
      ) : null}
      {panel === 'disconnect' ? <DisconnectForm connection={c} onDone={refresh} onCancel={() => setPanel('none')} onError={fail} /> : null}
    </Card>
  )
}

function DisconnectForm({ connection, onDone, onCancel, onError }: { connection: ConnectionSummary; onDone: () => void; onCancel: () => void; onError: (e: Error) => void }) {
  const [data, setData] = useState<'keep' | 'anonymise' | 'delete'>('keep')
  const disconnect = useMutation({ mutationFn: () => apiFetch(`/api/stripe/connections/${connection.id}`, { method: 'DELETE', json: { data } }), onSuccess: onDone, onError })
  const options = [
    { value: 'keep', label: 'Keep the imported data', help: 'Contacts keep their Stripe attributes as they are now; nothing updates any more.' },
    { value: 'anonymise', label: 'Anonymise it', help: 'Contacts stay for your reports, with names, emails and addresses from Stripe removed.' },
    { value: 'delete', label: 'Delete it', help: 'Stripe attributes, billing events and contacts that only exist because of Stripe are deleted.' },
  ] as const
  return (
    <div role="dialog" aria-label="Disconnect Stripe account" className="mt-4 border-t border-slate-100 pt-4">
      <p className="text-sm font-medium">Disconnect {connection.accountName ?? connection.accountId}?</p>
      <p className="mt-1 text-sm text-slate-600">Churnless removes only its own webhook endpoint in Stripe and the stored key. What should happen to the data already imported?</p>
      <fieldset className="mt-3 space-y-2">
        <legend className="sr-only">Imported data</legend>
        {options.map((o) => (
          <label key={o.value} className="flex cursor-pointer gap-3 rounded-md border border-slate-200 p-3 has-checked:border-brand-500 has-checked:bg-brand-50">
            <input type="radio" name={`data-${connection.id}`} value={o.value} checked={data === o.value} onChange={() => setData(o.value)} className="mt-1" />
            <span>
              <span className="block text-sm font-medium">{o.label}</span>
              <span className="block text-sm text-slate-600">{o.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="mt-4 flex gap-2">
        <Button variant="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
          {disconnect.isPending ? 'Disconnecting…' : 'Disconnect'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  )
}
