'use client'

import { useRouter } from 'next/navigation'
import { MappingStep } from '../../connect/mapping-step'

/** The wizard's mapping step, reused on a connected account's page. */
export function MappingEditor({ connectionId, productsReadable }: { connectionId: string; productsReadable: boolean }) {
  const router = useRouter()
  const back = () => router.push(`/settings/stripe/${connectionId}`)
  return <MappingStep connectionId={connectionId} productsReadable={productsReadable} onBack={back} onSaved={back} saveLabel="Save and re-map contacts" />
}
