'use client'

import { signIn } from 'next-auth/react'
import { useActionState } from 'react'
import { Alert, Button, Field } from '@/components/ui'
import { signInAction } from '../actions'

export function SignInForm({ callbackUrl, providers }: { callbackUrl?: string; providers: { id: string; name: string }[] }) {
  const [state, formAction, pending] = useActionState(signInAction, null)
  const errors = state?.fieldErrors
  const typed = state?.values
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        {state && !errors ? <Alert>{state.message}</Alert> : null}
        <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={typed?.email} error={errors?.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors?.password} />
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {providers.length ? (
        <div className="space-y-2 border-t border-slate-200 pt-6">
          {providers.map((p) => (
            <Button key={p.id} variant="secondary" className="w-full" onClick={() => signIn(p.id, { redirectTo: callbackUrl ?? '/contacts' })}>
              Continue with {p.name}
            </Button>
          ))}
        </div>
      ) : null}
    </div>
  )
}
