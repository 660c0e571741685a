'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, SecretField } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'

/** Swaps in a new restricted key of the same account (no re-import); used on the list and the health page. */
export function RotateKeyForm({ connectionId, onDone, onError }: { connectionId: string; onDone: (message: string) => void; onError: (e: Error) => void }) {
  const [key, setKey] = useState('')
  const rotate = useMutation({
    mutationFn: () => apiFetch<{ keyHint: string; warning?: string; isImportResumed: boolean }>(`/api/stripe/connections/${connectionId}/rotate-key`, { method: 'POST', json: { key } }),
    onSuccess: (r) =>
      onDone(
        `Key replaced; Churnless now uses ${r.keyHint}. ${r.isImportResumed ? 'The stopped import continues from where it stopped.' : 'Nothing was re-imported.'}${r.warning ? ` ${r.warning}` : ''}`,
      ),
    onError,
  })
  return (
    <form
      className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4"
      onSubmit={(e) => {
        e.preventDefault()
        rotate.mutate()
      }}
    >
      <div className="min-w-72 flex-1">
        <SecretField id={`rotate-${connectionId}`} label="New restricted key of the same account" value={key} onChange={(e) => setKey(e.target.value)} placeholder="rk_live_…" />
      </div>
      <Button type="submit" disabled={rotate.isPending || !key.trim()}>
        {rotate.isPending ? 'Checking…' : 'Check and replace'}
      </Button>
    </form>
  )
}
