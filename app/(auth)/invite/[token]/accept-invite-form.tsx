'use client'

import { useActionState } from 'react'
import { Alert, Button } from '@/components/ui'
import { acceptInviteAction } from '../../actions'

export function AcceptInviteForm({ token, email, workspaceName }: { token: string; email: string; workspaceName: string }) {
  const [state, formAction, pending] = useActionState(acceptInviteAction, null)
  return (
    <form action={formAction} className="space-y-4">
      {state ? <Alert>{state.message}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600">
        You're signed in as <span className="font-medium text-slate-900">{email}</span>.
      </p>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Joining…' : `Join ${workspaceName}`}
      </Button>
    </form>
  )
}
