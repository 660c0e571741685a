import { PrismaAdapter } from '@auth/prisma-adapter'
import NextAuth, { type NextAuthConfig } from 'next-auth'
import Credentials from 'next-auth/providers/credentials'
import GitHub from 'next-auth/providers/github'
import Google from 'next-auth/providers/google'
import { z } from 'zod'
import { db } from '../db'
import { normalizeEmail } from '../email'
import { createOwnWorkspace } from '../workspaces/sign-up'
import { verifyAgainstDecoy, verifyPassword } from './password'

const credentialsSchema = z.object({ email: z.string().transform(normalizeEmail), password: z.string().min(1).max(200) })

/** OAuth providers are enabled by their variables (Auth.js reads AUTH_<PROVIDER>_ID/SECRET). */
export function oauthProviders(source: Record<string, string | undefined> = process.env) {
  return [
    ...(source.AUTH_GITHUB_ID && source.AUTH_GITHUB_SECRET ? [{ id: 'github', name: 'GitHub', provider: GitHub }] : []),
    ...(source.AUTH_GOOGLE_ID && source.AUTH_GOOGLE_SECRET ? [{ id: 'google', name: 'Google', provider: Google }] : []),
  ]
}

const config: NextAuthConfig = {
  // The adapter is only used to link OAuth accounts; sessions are JWTs (required by Credentials).
  adapter: PrismaAdapter(new Proxy({} as ReturnType<typeof db>, { get: (_t, key) => Reflect.get(db(), key) })),
  session: { strategy: 'jwt' },
  trustHost: true,
  pages: { signIn: '/sign-in' },
  providers: [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw)
        if (!parsed.success) return null
        const user = await db().user.findUnique({ where: { email: parsed.data.email } })
        const ok = user?.passwordHash ? await verifyPassword(parsed.data.password, user.passwordHash) : await verifyAgainstDecoy(parsed.data.password)
        return ok && user ? { id: user.id, email: user.email, name: user.name } : null
      },
    }),
    ...oauthProviders().map((p) => p.provider),
  ],
  callbacks: {
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub
      return session
    },
  },
  events: {
    // A person arriving through OAuth for the first time gets a workspace, like a sign-up.
    // Auth.js has already created the user: if this fails, the sign-in page offers to create
    // the workspace instead of leaving them stuck (app/(auth)/sign-in/page.tsx).
    async createUser({ user }) {
      if (!user.id) return
      await createOwnWorkspace(db(), { userId: user.id, name: `${user.name?.split(' ')[0] || 'My'}'s workspace` })
    },
  },
}

export const { handlers, auth, signIn, signOut } = NextAuth(config)
