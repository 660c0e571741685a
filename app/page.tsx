import { redirect } from 'next/navigation'
import { getWorkspaceContext } from '@/lib/server/session'

export default async function Home() {
  redirect((await getWorkspaceContext()) ? '/contacts' : '/sign-in')
}
