import Link from 'next/link'
import { AuthCard } from '@/components/auth-card'
import { Alert, ButtonLink } from '@/components/ui'
import { db } from '@/lib/db'
import { AppError } from '@/lib/errors'
import { getWorkspaceContext } from '@/lib/server/session'
import { getInvitation, invitationProblem } from '@/lib/workspaces/invitations'
import { SignUpForm } from '../../sign-up/sign-up-form'
import { AcceptInviteForm } from './accept-invite-form'

export const metadata = { title: 'Join a workspace' }

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params
  const found = await getInvitation(db(), token, new Date()).catch((error: unknown) => {
    if (error instanceof AppError) return { problem: error.message }
    throw error
  })
  if ('problem' in found) return <InviteProblem message={found.problem} />
  const problem = invitationProblem(found.status)
  if (problem) return <InviteProblem message={problem} />

  const { workspace, role } = found.invitation
  const context = await getWorkspaceContext()
  const title = `Join ${workspace.name}`
  const subtitle = `You've been invited as ${role === 'admin' ? 'an admin' : 'a marketer'}.`

  if (context) {
    const alreadyMember = context.workspaces.some((w) => w.id === found.invitation.workspaceId)
    return (
      <AuthCard title={title} subtitle={subtitle}>
        {alreadyMember ? (
          <div className="space-y-4">
            <Alert tone="amber">You are already a member of {workspace.name}.</Alert>
            <ButtonLink href="/contacts" className="w-full">
              Go to Churnless
            </ButtonLink>
          </div>
        ) : (
          <AcceptInviteForm token={token} email={context.userEmail} workspaceName={workspace.name} />
        )}
      </AuthCard>
    )
  }

  return (
    <AuthCard
      title={title}
      subtitle={`${subtitle} Create your account to accept.`}
      footer={
        <>
          Already have an account?{' '}
          <Link className="font-medium text-brand-700 hover:underline" href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>
            Sign in to accept
          </Link>
        </>
      }
    >
      <SignUpForm inviteToken={token} />
    </AuthCard>
  )
}

function InviteProblem({ message }: { message: string }) {
  return (
    <AuthCard title="This invite can't be used">
      <div className="space-y-4">
        <Alert>{message}</Alert>
        <ButtonLink href="/sign-in" variant="secondary" className="w-full">
          Go to sign in
        </ButtonLink>
      </div>
    </AuthCard>
  )
}
