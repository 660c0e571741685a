'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Button } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'

/** Swaps in a new restricted key of the same account (no re-import); used on the list and the health page. */
export function RotateKeyForm({ connectionId, onDone, onError }: { connectionId: string; onDone: (message: string) => void; onError: (e: Error) => void }) {
  const [key, setKey] = useState('')
  const rotate = useMutation({
    mutationFn: () => apiFetch<{ keyHint: string; warning?: string }>(`/api/stripe/connections/${connectionId}/rotate-key`, { method: 'POST', json: { key } }),
    onSuccess: (r) => onDone(`Key replaced; Churnless now uses ${r.keyHint}. Nothing was re-imported.${r.warning ? ` ${r.warning}` : ''}`),
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
        <label htmlFor={`rotate-${connectionId}`} className="block text-sm font-medium">
          New restricted key of the same account
        </label>
        <input
          id={`rotate-${connectionId}`}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
          placeholder="rk_live_…"
        />
      </div>
      <Button type="submit" disabled={rotate.isPending || !key.trim()}>
        {rotate.isPending ? 'Checking…' : 'Check and replace'}
      </Button>
    </form>
  )
}
