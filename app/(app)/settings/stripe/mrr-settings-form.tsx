'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Card } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { MrrSettings } from '@/lib/workspaces/mrr-settings'

/** SPEC F10's workspace setting: count running repeating coupons in MRR. Saving re-maps contacts. */
export function MrrSettingsForm({ initial }: { initial: MrrSettings }) {
  const [include, setInclude] = useState(initial.includeRepeatingDiscounts)
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null)
  const save = useMutation({
    mutationFn: (value: boolean) => apiFetch<MrrSettings & { remappedConnections: number }>('/api/settings/mrr', { method: 'PUT', json: { includeRepeatingDiscounts: value } }),
    onSuccess: (r) => {
      setInclude(r.includeRepeatingDiscounts)
      setMessage({ tone: 'ok', text: r.remappedConnections ? 'Saved. Contacts’ MRR is being recomputed from the imported data.' : 'Saved.' })
    },
    onError: (e: Error) => {
      setInclude((v) => !v)
      setMessage({ tone: 'error', text: e.message })
    },
  })
  return (
    <Card className="mt-6 p-5" aria-label="MRR">
      <h2 className="text-base font-semibold">MRR</h2>
      <p className="mt-1 text-sm text-slate-600">
        Forever coupons are always subtracted from MRR and one-time coupons never are, as in Stripe’s own figures. Subtracting forever coupons needs the Coupons read permission on the Stripe key; without it MRR is shown before discounts.
      </p>
      <label className="mt-4 flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4"
          checked={include}
          disabled={save.isPending}
          onChange={(e) => {
            setInclude(e.target.checked)
            setMessage(null)
            save.mutate(e.target.checked)
          }}
        />
        <span>
          <span className="font-medium text-slate-900">Subtract repeating coupons while they run</span>
          <span className="block text-slate-500">For example “50% off for 3 months” lowers MRR for those 3 months. Off by default.</span>
        </span>
      </label>
      {message ? (
        <p role="status" className={`mt-3 text-sm ${message.tone === 'ok' ? 'text-emerald-700' : 'text-red-700'}`}>
          {message.text}
        </p>
      ) : null}
    </Card>
  )
}
