'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { KeyIcon } from '@/components/icons'
import { Alert, Badge, Button, Card, EmptyState, Field } from '@/components/ui'
import type { ApiKeySummary } from '@/lib/activity/api-keys'
import { ApiError, apiFetch } from '@/lib/api-client'

const queryKey = ['api-keys']

export function ApiKeysManager({ initialKeys }: { initialKeys: ApiKeySummary[] }) {
  const queryClient = useQueryClient()
  const keys = useQuery({ queryKey, queryFn: () => apiFetch<{ keys: ApiKeySummary[] }>('/api/api-keys').then((r) => r.keys), initialData: initialKeys })
  const [name, setName] = useState('')
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null)
  const create = useMutation({
    mutationFn: (keyName: string) => apiFetch<{ key: string; apiKey: ApiKeySummary }>('/api/api-keys', { method: 'POST', json: { name: keyName } }),
    onSuccess: (r) => {
      setCreated({ key: r.key, name: r.apiKey.name })
      setName('')
      void queryClient.invalidateQueries({ queryKey })
    },
  })
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch<ApiKeySummary>(`/api/api-keys/${id}`, { method: 'DELETE' }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey }),
  })
  const fieldError = create.error instanceof ApiError ? (create.error.fields.name ?? create.error.message) : undefined

  return (
    <div className="space-y-6">
      <Card className="p-5">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault()
            create.mutate(name)
          }}
        >
          <div className="min-w-64 flex-1">
            <Field label="Key name" name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Production app" error={fieldError} required maxLength={80} />
          </div>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </Button>
        </form>
        {created ? (
          <div className="mt-4">
            <Alert tone="green">
              <p className="font-medium">Copy the key “{created.name}” now: it is shown only once.</p>
              <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="new-api-key">
                {created.key}
              </code>
              <p className="mt-2 text-xs">
                Send it as <code>Authorization: Bearer …</code> to <code>/api/v1/identify</code>, <code>/api/v1/track</code> or <code>/api/v1/batch</code>.
              </p>
            </Alert>
          </div>
        ) : null}
      </Card>
      {keys.data.length === 0 ? (
        <EmptyState icon={<KeyIcon />} title="No API keys yet">
          Create a key above. Your product sends <code className="rounded bg-slate-100 px-1 font-mono text-xs">identify</code> and <code className="rounded bg-slate-100 px-1 font-mono text-xs">track</code> calls with it. Keys are shown once and stored hashed.
        </EmptyState>
      ) : (
        <Card>
          <table className="w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-xs text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Key</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">Last used</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td className="px-4 py-2 font-medium text-slate-900">{k.name}</td>
                  <td className="px-4 py-2 font-mono text-xs text-slate-600">{k.prefix}…</td>
                  <td className="px-4 py-2 text-slate-600">{new Date(k.createdAt).toLocaleDateString()}</td>
                  <td className="px-4 py-2 text-slate-600">{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
                  <td className="px-4 py-2 text-right">
                    {k.revokedAt ? (
                      <Badge tone="red">revoked</Badge>
                    ) : (
                      <Button variant="danger" disabled={revoke.isPending} onClick={() => confirm(`Revoke “${k.name}”? Calls with it will fail at once.`) && revoke.mutate(k.id)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {revoke.error ? <Alert>{revoke.error.message}</Alert> : null}
    </div>
  )
}
