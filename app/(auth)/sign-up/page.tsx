import Link from 'next/link'
import { redirect } from 'next/navigation'
import { AuthCard } from '@/components/auth-card'
import { getWorkspaceContext } from '@/lib/server/session'
import { SignUpForm } from './sign-up-form'

export const metadata = { title: 'Create your account' }

export default async function SignUpPage() {
  if (await getWorkspaceContext()) redirect('/contacts')
  return (
    <AuthCard
      title="Create your account"
      subtitle="You'll get a workspace of your own; invite your team later."
      footer={
        <>
          Already have an account?{' '}
          <Link className="font-medium text-brand-700 hover:underline" href="/sign-in">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm />
    </AuthCard>
  )
}
