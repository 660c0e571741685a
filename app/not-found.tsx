import { ButtonLink, EmptyState } from '@/components/ui'

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24">
      <EmptyState title="Page not found" action={<ButtonLink href="/">Go to Churnless</ButtonLink>}>
        This page doesn't exist, or it belongs to a workspace you are not a member of.
      </EmptyState>
    </main>
  )
}
