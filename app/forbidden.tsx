import { LockIcon } from '@/components/icons'
import { ButtonLink, EmptyState } from '@/components/ui'

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24">
      <EmptyState icon={<LockIcon />} title="You're not allowed to open this page" action={<ButtonLink href="/contacts">Back to contacts</ButtonLink>}>
        Only workspace admins can manage Stripe connections, members and API keys. Ask an admin of this workspace if you need access.
      </EmptyState>
    </main>
  )
}
