import Link from 'next/link'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth-card'
import { auth, oauthProviders } from '@/lib/auth/next-auth'
import { getWorkspaceContext } from '@/lib/server/session'
import { NoWorkspace } from './no-workspace'
import { SignInForm } from './sign-in-form'

export const metadata = { title: 'Sign in' }

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await getWorkspaceContext()) redirect('/contacts')
  // Signed in but in no workspace (removed from the last one, or an OAuth first sign-in whose
  // workspace could not be made): say so and offer a way forward instead of the sign-in form.
  const session = await auth()
  if (session?.user?.id) {
    return (
      <AuthCard title="You're not in a workspace" subtitle={`Signed in as ${session.user.email ?? 'you'}.`}>
        <NoWorkspace />
      </AuthCard>
    )
  }
  const { callbackUrl } = await searchParams
  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back."
      footer={
        <>
          New to Churnless?{' '}
          <Link className="font-medium text-brand-700 hover:underline" href="/sign-up">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm callbackUrl={callbackUrl} providers={oauthProviders().map(({ id, name }) => ({ id, name }))} />
    </AuthCard>
  )
}
