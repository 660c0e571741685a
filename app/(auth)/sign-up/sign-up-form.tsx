'use client'

import { useActionState } from 'react'
import { Alert, Button, Field } from '@/components/ui'
import { signUpAction } from '../actions'

/** Used on its own (new workspace) and on an invite page (joins the inviting workspace). */
export function SignUpForm({ inviteToken }: { inviteToken?: string }) {
  const [state, formAction, pending] = useActionState(signUpAction, null)
  const errors = state?.fieldErrors
  const typed = state?.values
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state && !errors ? <Alert>{state.message}</Alert> : null}
      {inviteToken ? <input type="hidden" name="inviteToken" value={inviteToken} /> : null}
      <Field label="Your name" name="name" autoComplete="name" required defaultValue={typed?.name} error={errors?.name} />
      <Field label="Work email" name="email" type="email" autoComplete="email" required defaultValue={typed?.email} error={errors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required error={errors?.password} hint="At least 10 characters." />
      {inviteToken ? null : <Field label="Company or workspace name" name="workspaceName" autoComplete="organization" placeholder="Acme Inc." defaultValue={typed?.workspaceName} error={errors?.workspaceName} />}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating your account…' : inviteToken ? 'Create account and join' : 'Create account'}
      </Button>
    </form>
  )
}
