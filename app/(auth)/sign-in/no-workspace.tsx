'use client'

import { useActionState } from 'react'
import { Alert, Button, Field } from '@/components/ui'
import { createOwnWorkspaceAction, signOutAction } from '../actions'

export function NoWorkspace() {
  const [state, formAction, pending] = useActionState(createOwnWorkspaceAction, null)
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">Ask an admin of your company's workspace for a new invitation link, or start a workspace of your own.</p>
      <form action={formAction} className="space-y-4" noValidate>
        {state && !state.fieldErrors ? <Alert>{state.message}</Alert> : null}
        <Field label="Workspace name" name="name" required defaultValue={state?.values?.name} error={state?.fieldErrors?.name} />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? 'Creating…' : 'Create workspace'}
        </Button>
      </form>
      <form action={signOutAction} className="border-t border-slate-200 pt-6">
        <Button type="submit" variant="secondary" className="w-full">
          Sign out
        </Button>
      </form>
    </div>
  )
}
