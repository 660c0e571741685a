'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Alert, Button, SecretField } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'

/**
 * Why a connection has no webhook endpoint and what to do (lib/connections/finish-connection.ts
 * writes the text): commands between backticks are shown as code an admin can copy.
 */
export function WebhookWarning({ text }: { text: string }) {
  return (
    <div data-testid="webhook-warning">
      <Alert tone="amber">
        {text.split('`').map((part, i) =>
          i % 2 === 1 ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string never move
            <code key={i} className="break-all rounded bg-amber-100 px-1 py-0.5 font-mono text-xs">
              {part}
            </code>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <span key={i}>{part}</span>
          ),
        )}
      </Alert>
    </div>
  )
}

/** Saves the signing secret `stripe listen` printed, so forwarded deliveries pass the signature check. */
export function ForwardedSecretForm({ connectionId, onSaved }: { connectionId: string; onSaved: () => void }) {
  const [secret, setSecret] = useState('')
  const save = useMutation({
    mutationFn: () => apiFetch(`/api/stripe/connections/${connectionId}/webhook-secret`, { method: 'POST', json: { secret } }),
    onSuccess: () => {
      setSecret('')
      onSaved()
    },
  })
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault()
        save.mutate()
      }}
    >
      <div className="min-w-72 flex-1">
        <SecretField id={`forward-secret-${connectionId}`} label="Signing secret printed by stripe listen" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder="whsec_…" />
      </div>
      <Button type="submit" variant="secondary" disabled={save.isPending || !secret.trim()}>
        {save.isPending ? 'Saving…' : 'Save signing secret'}
      </Button>
      {save.error ? (
        <div className="w-full">
          <Alert>{save.error.message}</Alert>
        </div>
      ) : null}
    </form>
  )
}
