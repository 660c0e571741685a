'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { Button } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'

/** "Reset to default" for a built-in whose rule was edited. */
export function ResetButton({ segmentId }: { segmentId: string }) {
  const router = useRouter()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  return (
    <>
      <Button
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          if (!window.confirm('Put this segment back to its default rule? Its members are recomputed.')) return
          setPending(true)
          try {
            await apiFetch(`/api/segments/${segmentId}/reset`, { method: 'POST' })
            router.refresh()
          } catch (e) {
            setError((e as Error).message)
          } finally {
            setPending(false)
          }
        }}
      >
        Reset to default
      </Button>
      {error ? <span className="text-sm text-red-700">{error}</span> : null}
    </>
  )
}

/** While a recompute runs, refresh the page every second so its progress bar moves. */
export function RecomputeProgress({ progress }: { progress: number }) {
  const router = useRouter()
  useEffect(() => {
    const t = setInterval(() => router.refresh(), 1000)
    return () => clearInterval(t)
  }, [router])
  return (
    <div className="mb-6" role="progressbar" aria-label="Recomputing members" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100}>
      <p className="mb-1 text-sm text-slate-600">Recomputing members… {Math.round(progress * 100)}%</p>
      <div className="h-2 rounded-full bg-slate-100">
        <div className="h-2 rounded-full bg-brand-600 transition-all" style={{ width: `${Math.max(progress * 100, 2)}%` }} />
      </div>
    </div>
  )
}
