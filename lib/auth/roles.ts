import { AppError } from '../errors'
import type { Role } from '../generated/prisma/enums'

export type { Role }

/** What each role may do. Admins can do everything a marketer can. */
const adminOnly = new Set(['manage_stripe', 'manage_members', 'manage_api_keys'] as const)
export type Permission = 'manage_stripe' | 'manage_members' | 'manage_api_keys' | 'use_product'

export function can(role: Role, permission: Permission): boolean {
  return role === 'admin' || !adminOnly.has(permission as never)
}

export function assertCan(role: Role, permission: Permission): void {
  if (!can(role, permission)) throw new AppError('forbidden', 'Only workspace admins can do this. Ask an admin of this workspace.')
}
