import type { Db } from '../db'
import type { Role } from '../generated/prisma/enums'

export type WorkspaceContext = {
  userId: string
  userName: string | null
  userEmail: string
  workspaceId: string
  workspaceName: string
  membershipId: string
  role: Role
  /** Every workspace this person belongs to, for the switcher. */
  workspaces: { id: string; name: string; role: Role }[]
}

/**
 * The workspace a signed-in person is acting in: the preferred one (a cookie) when they are a
 * member of it, otherwise their oldest membership. A forged preference simply falls back.
 * Returns null when the person no longer exists or belongs to no workspace.
 */
export async function resolveWorkspaceContext(db: Db, userId: string, preferredWorkspaceId?: string): Promise<WorkspaceContext | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      name: true,
      email: true,
      memberships: { orderBy: { createdAt: 'asc' }, select: { id: true, role: true, workspace: { select: { id: true, name: true } } } },
    },
  })
  if (!user || user.memberships.length === 0) return null
  const current = user.memberships.find((m) => m.workspace.id === preferredWorkspaceId) ?? user.memberships[0]!
  return {
    userId: user.id,
    userName: user.name,
    userEmail: user.email,
    workspaceId: current.workspace.id,
    workspaceName: current.workspace.name,
    membershipId: current.id,
    role: current.role,
    workspaces: user.memberships.map((m) => ({ id: m.workspace.id, name: m.workspace.name, role: m.role })),
  }
}
