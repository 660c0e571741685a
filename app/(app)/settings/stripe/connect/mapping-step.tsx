'use client'

import { useMutation, useQuery } from '@tanstack/react-query'
import { Fragment, useEffect, useState } from 'react'
import { Alert, Badge, Button, Card } from '@/components/ui'
import { ApiError, apiFetch } from '@/lib/api-client'
import type { AttributeValue } from '@/lib/sync/attributes'
import { type AttributeType, type FieldDefinition, type FieldGroup, fieldGroupLabels } from '@/lib/sync/fields'
import type { Mapping } from '@/lib/sync/mapping'

type Setup = { mapping: Mapping; notice: string | null; fields: FieldDefinition[]; primarySubscriptionRule: string; metadataKeys: string[]; samples: { id: string; email: string | null; name: string | null }[] }
type Preview = { customer: { id: string; email: string | null; name: string | null }; attributes: Record<string, AttributeValue>; problems: { target: string; message: string }[] }

const types: AttributeType[] = ['string', 'number', 'boolean', 'date', 'money']

const show = (v: AttributeValue | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v))

/** Wizard step 2 (F7): every Stripe field → a contact attribute, renamable and switchable, plus metadata keys. */
export function MappingStep({
  connectionId,
  productsReadable,
  onBack,
  onSaved,
  saveLabel = 'Save mapping and continue',
}: { connectionId: string; productsReadable: boolean; onBack: () => void; onSaved: () => void; saveLabel?: string }) {
  const setup = useQuery({ queryKey: ['mapping-setup', connectionId], queryFn: () => apiFetch<Setup>(`/api/stripe/connections/${connectionId}/mapping`) })
  const [mapping, setMapping] = useState<Mapping | null>(null)
  const [customer, setCustomer] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)

  useEffect(() => {
    if (setup.data && !mapping) setMapping(setup.data.mapping)
  }, [setup.data, mapping])

  const preview = useMutation({
    mutationFn: (m: Mapping) => apiFetch<Preview>(`/api/stripe/connections/${connectionId}/mapping/preview`, { method: 'POST', json: { mapping: m, customer: customer || undefined } }),
  })
  const save = useMutation({
    mutationFn: (m: Mapping) => apiFetch(`/api/stripe/connections/${connectionId}/mapping`, { method: 'PUT', json: { mapping: m } }),
    onSuccess: onSaved,
    onError: (e: Error) => {
      setErrors(e instanceof ApiError ? e.fields : {})
      setMessage(e.message)
    },
  })

  if (setup.isError) return <Alert>{setup.error.message}</Alert>
  if (!setup.data || !mapping) return <Card className="p-6 text-sm text-slate-600">Reading your Stripe account…</Card>

  const fieldsByKey = new Map(setup.data.fields.map((f) => [f.key, f]))
  const updateField = (index: number, patch: Partial<Mapping['fields'][number]>) => setMapping({ ...mapping, fields: mapping.fields.map((row, i) => (i === index ? { ...row, ...patch } : row)) })
  const updateMetadata = (index: number, patch: Partial<Mapping['metadata'][number]>) => setMapping({ ...mapping, metadata: mapping.metadata.map((row, i) => (i === index ? { ...row, ...patch } : row)) })
  const unusedKeys = setup.data.metadataKeys.filter((k) => !mapping.metadata.some((m) => m.key === k))
  const values = preview.data?.attributes ?? {}

  return (
    <div className="space-y-6">
      {setup.data.notice ? <Alert tone="amber">{setup.data.notice}</Alert> : null}
      {productsReadable ? null : <Alert tone="amber">The key cannot read Products, so product names will stay empty. Add “Products: Read” to the key to fill them.</Alert>}
      <Card className="p-5">
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-64 flex-1">
            <label htmlFor="preview-customer" className="block text-sm font-medium">
              Preview with a real customer
            </label>
            <input
              id="preview-customer"
              list="preview-samples"
              value={customer}
              onChange={(e) => setCustomer(e.target.value)}
              placeholder="Email or customer id (empty: a recent customer)"
              className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <datalist id="preview-samples">
              {setup.data.samples.map((s) => (
                <option key={s.id} value={s.email ?? s.id}>
                  {s.name ?? s.id}
                </option>
              ))}
            </datalist>
          </div>
          <Button variant="secondary" onClick={() => preview.mutate(mapping)} disabled={preview.isPending}>
            {preview.isPending ? 'Loading…' : 'Show preview'}
          </Button>
        </div>
        {preview.isError ? (
          <div className="mt-3">
            <Alert>{preview.error.message}</Alert>
          </div>
        ) : null}
        {preview.data ? (
          <p className="mt-3 text-sm text-slate-600" data-testid="preview-customer">
            Previewing <span className="font-medium text-slate-900">{preview.data.customer.name ?? preview.data.customer.email ?? preview.data.customer.id}</span> ({preview.data.customer.email ?? 'no email'}, {preview.data.customer.id})
          </p>
        ) : null}
      </Card>

      <Card>
        <table className="w-full text-sm">
          <thead className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="w-12 px-4 py-3 font-medium">On</th>
              <th className="px-4 py-3 font-medium">Stripe field</th>
              <th className="px-4 py-3 font-medium">Contact attribute</th>
              <th className="px-4 py-3 font-medium">Type</th>
              <th className="px-4 py-3 font-medium">Preview</th>
            </tr>
          </thead>
          <tbody>
            {(Object.keys(fieldGroupLabels) as FieldGroup[]).map((group) => (
              <Fragment key={group}>
                <tr className="bg-slate-50">
                  <th colSpan={5} className="px-4 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                    {fieldGroupLabels[group]}
                    {group === 'subscription' ? <span className="ml-2 font-normal normal-case tracking-normal text-slate-500">{setup.data.primarySubscriptionRule}</span> : null}
                  </th>
                </tr>
                {mapping.fields.map((row, index) => {
                  const field = fieldsByKey.get(row.key)
                  if (field?.group !== group) return null
                  const error = errors[`fields.${index}`]
                  return (
                    <tr key={row.key} className="border-t border-slate-100 align-top" data-testid={`field-${row.key}`}>
                      <td className="px-4 py-2">
                        <input type="checkbox" aria-label={`Import ${field.label}`} checked={row.enabled} onChange={(e) => updateField(index, { enabled: e.target.checked })} />
                      </td>
                      <td className="px-4 py-2">
                        <p className="font-medium text-slate-800">{field.label}</p>
                        <p className="text-xs text-slate-500">{field.description}</p>
                      </td>
                      <td className="px-4 py-2">
                        <input
                          aria-label={`Attribute name for ${field.label}`}
                          value={row.target}
                          disabled={!row.enabled}
                          onChange={(e) => updateField(index, { target: e.target.value })}
                          className={`w-56 rounded-md border px-2 py-1 font-mono text-xs disabled:bg-slate-50 disabled:text-slate-400 ${error ? 'border-red-400' : 'border-slate-300'}`}
                        />
                        {error ? <p className="mt-1 max-w-xs text-xs text-red-700">{error}</p> : null}
                      </td>
                      <td className="px-4 py-2">
                        <Badge>{field.type}</Badge>
                      </td>
                      <td className="max-w-48 truncate px-4 py-2 font-mono text-xs text-slate-700" data-testid={`preview-${row.target}`}>
                        {row.enabled && preview.data ? show(values[row.target]) : ''}
                      </td>
                    </tr>
                  )
                })}
              </Fragment>
            ))}
          </tbody>
        </table>
      </Card>

      <Card className="p-5">
        <h3 className="text-sm font-semibold">Metadata attributes</h3>
        <p className="mt-1 text-sm text-slate-600">Turn keys from your customers' Stripe metadata into attributes. {setup.data.metadataKeys.length ? `Found on your customers: ${setup.data.metadataKeys.join(', ')}.` : 'No metadata keys were found on recent customers.'}</p>
        <ul className="mt-3 space-y-2">
          {mapping.metadata.map((row, index) => {
            const error = errors[`metadata.${index}`]
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id; the index is their identity
              <li key={index} className="flex flex-wrap items-start gap-2" data-testid="metadata-row">
                <input aria-label="Metadata key" value={row.key} onChange={(e) => updateMetadata(index, { key: e.target.value })} className="w-44 rounded-md border border-slate-300 px-2 py-1 font-mono text-xs" />
                <span className="py-1 text-slate-400">→</span>
                <div>
                  <input aria-label="Metadata attribute name" value={row.target} onChange={(e) => updateMetadata(index, { target: e.target.value })} className={`w-56 rounded-md border px-2 py-1 font-mono text-xs ${error ? 'border-red-400' : 'border-slate-300'}`} />
                  {error ? <p className="mt-1 max-w-xs text-xs text-red-700">{error}</p> : null}
                </div>
                <select aria-label="Metadata attribute type" value={row.type} onChange={(e) => updateMetadata(index, { type: e.target.value as AttributeType })} className="rounded-md border border-slate-300 px-2 py-1 text-xs">
                  {types.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
                <span className="py-1 font-mono text-xs text-slate-600">{preview.data ? show(values[row.target]) : ''}</span>
                <Button variant="ghost" onClick={() => setMapping({ ...mapping, metadata: mapping.metadata.filter((_, i) => i !== index) })}>
                  Remove
                </Button>
              </li>
            )
          })}
        </ul>
        <div className="mt-3 flex flex-wrap gap-2">
          {unusedKeys.map((key) => (
            <Button key={key} variant="secondary" onClick={() => setMapping({ ...mapping, metadata: [...mapping.metadata, { key, target: `stripe_meta_${key.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63), type: 'string' }] })}>
              + {key}
            </Button>
          ))}
          <Button variant="ghost" onClick={() => setMapping({ ...mapping, metadata: [...mapping.metadata, { key: '', target: '', type: 'string' }] })}>
            + Another key
          </Button>
        </div>
      </Card>

      {message ? <Alert>{message}</Alert> : null}
      <div className="flex gap-2">
        <Button
          onClick={() => {
            setErrors({})
            setMessage(null)
            save.mutate(mapping)
          }}
          disabled={save.isPending}
        >
          {save.isPending ? 'Saving…' : saveLabel}
        </Button>
        <Button variant="ghost" onClick={onBack}>
          Back
        </Button>
      </div>
    </div>
  )
}
