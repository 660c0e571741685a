import Link from 'next/link'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth-card'
import { oauthProviders } from '@/lib/auth/next-auth'
import { getWorkspaceContext } from '@/lib/server/session'
import { SignInForm } from './sign-in-form'

export const metadata = { title: 'Sign in' }

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await getWorkspaceContext()) redirect('/contacts')
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
