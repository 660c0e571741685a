import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { resolveWorkspaceContext } from '../auth/workspace-context'
import { verifyPassword } from '../auth/password'
import { AppError } from '../errors'
import { acceptInvitation, createInvitation, getInvitation, revokeInvitation } from './invitations'
import { changeMemberRole, listMembers, removeMember } from './members'
import { createOwnWorkspace, signUp } from './sign-up'

const now = new Date('2026-11-22T10:00:00Z')
const email = (label: string) => `${label}-${randomUUID()}@Example.com`

async function newAdmin(label = 'admin') {
  const address = email(label)
  const { userId, workspaceId } = await signUp(db, { name: 'Ada Admin', email: `  ${address} `, password: 'plum-violet-42-sky', workspaceName: 'Acme' })
  return { userId, workspaceId, email: address.toLowerCase() }
}

describe('sign-up', () => {
  test('creates the person (email trimmed and lower-cased, password hashed) and a workspace they administer', async () => {
    const admin = await newAdmin()
    const user = await db.user.findUniqueOrThrow({ where: { id: admin.userId } })
    expect(user.email).toBe(admin.email)
    expect(user.passwordHash).not.toContain('plum')
    expect(await verifyPassword('plum-violet-42-sky', user.passwordHash!)).toBe(true)
    const members = await listMembers(db, admin.workspaceId)
    expect(members.map((m) => [m.email, m.role])).toEqual([[admin.email, 'admin']])
    expect((await db.workspace.findUniqueOrThrow({ where: { id: admin.workspaceId } })).name).toBe('Acme')
  })

  test('an existing email in another case is refused, and nothing new is created', async () => {
    const admin = await newAdmin()
    const before = await db.workspace.count()
    await expect(signUp(db, { name: 'Dup', email: admin.email.toUpperCase(), password: 'another-good-one-7' })).rejects.toMatchObject({ code: 'conflict', message: 'An account with this email already exists. Sign in instead.' })
    expect(await db.workspace.count()).toBe(before)
  })

  test('a weak password is refused before anything is written', async () => {
    const address = email('weak')
    await expect(signUp(db, { name: 'Weak', email: address, password: 'short' })).rejects.toThrow('Use at least 10 characters.')
    expect(await db.user.count({ where: { email: address.toLowerCase() } })).toBe(0)
  })
})

describe('invitations', () => {
  test('a new person signs up through an invite and joins with the invited role, in one transaction', async () => {
    const admin = await newAdmin()
    const { token } = await createInvitation(db, { workspaceId: admin.workspaceId, createdById: admin.userId, role: 'marketer', now })
    const joined = await signUp(db, { name: 'Mara Marketer', email: email('marketer'), password: 'plum-violet-42-sky' }, (tx, userId) => acceptInvitation(tx, { token, userId, now }))
    expect(joined.workspaceId).toBe(admin.workspaceId)
    const context = await resolveWorkspaceContext(db, joined.userId)
    expect(context).toMatchObject({ workspaceId: admin.workspaceId, role: 'marketer', workspaces: [{ id: admin.workspaceId, role: 'marketer' }] })
  })

  test.each([
    ['used', async (token: string, workspaceId: string, adminId: string) => {
      const other = await newAdmin('first-taker')
      await db.$transaction((tx) => acceptInvitation(tx, { token, userId: other.userId, now }))
      return { workspaceId, adminId }
    }, 'This invite link has already been used.'],
    ['expired', async () => undefined, 'This invite link has expired.'],
    ['revoked', async (_t: string, workspaceId: string) => {
      const inv = await db.invitation.findFirstOrThrow({ where: { workspaceId }, orderBy: { createdAt: 'desc' } })
      await revokeInvitation(db, { workspaceId, invitationId: inv.id, now })
    }, 'This invite link was withdrawn.'],
  ])('a %s invite is refused with its reason and leaves no half-made account', async (kind, prepare, message) => {
    const admin = await newAdmin()
    const { token } = await createInvitation(db, { workspaceId: admin.workspaceId, createdById: admin.userId, role: 'marketer', now })
    await prepare(token, admin.workspaceId, admin.userId)
    const at = kind === 'expired' ? new Date(now.getTime() + 8 * 24 * 3600 * 1000) : now
    const address = email(`late-${kind}`)
    await expect(signUp(db, { name: 'Late', email: address, password: 'plum-violet-42-sky' }, (tx, userId) => acceptInvitation(tx, { token, userId, now: at }))).rejects.toThrow(message)
    expect(await db.user.count({ where: { email: address.toLowerCase() } })).toBe(0)
  })

  test('an unknown token is a 404 with a message a person understands', async () => {
    await expect(getInvitation(db, 'nope', now)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('not valid') })
  })

  test('two people redeeming one token at once: exactly one joins', async () => {
    const admin = await newAdmin()
    const { token } = await createInvitation(db, { workspaceId: admin.workspaceId, createdById: admin.userId, role: 'marketer', now })
    const people = await Promise.all([newAdmin('racer-a'), newAdmin('racer-b')])
    const results = await Promise.allSettled(people.map((p) => db.$transaction((tx) => acceptInvitation(tx, { token, userId: p.userId, now }))))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await db.membership.count({ where: { workspaceId: admin.workspaceId } })).toBe(2)
  })
})

describe('members', () => {
  test('the last admin can be neither demoted nor removed; with a second admin both work', async () => {
    const admin = await newAdmin()
    const [me] = await listMembers(db, admin.workspaceId)
    await expect(changeMemberRole(db, { workspaceId: admin.workspaceId, membershipId: me!.id, role: 'marketer' })).rejects.toThrow('The last admin cannot become a marketer.')
    await expect(removeMember(db, { workspaceId: admin.workspaceId, membershipId: me!.id })).rejects.toThrow('The last admin cannot be removed.')

    const { token } = await createInvitation(db, { workspaceId: admin.workspaceId, createdById: admin.userId, role: 'admin', now })
    await signUp(db, { name: 'Second', email: email('second'), password: 'plum-violet-42-sky' }, (tx, userId) => acceptInvitation(tx, { token, userId, now }))
    await changeMemberRole(db, { workspaceId: admin.workspaceId, membershipId: me!.id, role: 'marketer' })
    await removeMember(db, { workspaceId: admin.workspaceId, membershipId: me!.id })
    expect((await listMembers(db, admin.workspaceId)).map((m) => m.role)).toEqual(['admin'])
  })

  test("a workspace cannot touch another workspace's members: 404, nothing changes", async () => {
    const a = await newAdmin('a')
    const b = await newAdmin('b')
    const [bMember] = await listMembers(db, b.workspaceId)
    // Started one at a time: a second promise created up front would reject unobserved.
    for (const attempt of [
      () => changeMemberRole(db, { workspaceId: a.workspaceId, membershipId: bMember!.id, role: 'marketer' }),
      () => removeMember(db, { workspaceId: a.workspaceId, membershipId: bMember!.id }),
    ]) {
      await expect(attempt()).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'not_found')
    }
    expect((await listMembers(db, b.workspaceId)).map((m) => m.role)).toEqual(['admin'])
  })

  test('a forged workspace preference falls back to a workspace the person belongs to', async () => {
    const a = await newAdmin('a')
    const b = await newAdmin('b')
    const context = await resolveWorkspaceContext(db, a.userId, b.workspaceId)
    expect(context?.workspaceId).toBe(a.workspaceId)
  })
})

describe('a person in no workspace', () => {
  test('removed from their only workspace, they have no context until they create a workspace of their own, as its admin', async () => {
    const admin = await newAdmin()
    const invite = await createInvitation(db, { workspaceId: admin.workspaceId, createdById: admin.userId, role: 'marketer', now })
    const { userId } = await signUp(db, { name: 'Mo Marketer', email: email('mo'), password: 'plum-violet-42-sky' }, (tx, id) =>
      acceptInvitation(tx, { token: invite.token, userId: id, now }),
    )
    const membership = (await listMembers(db, admin.workspaceId)).find((m) => m.role === 'marketer')!
    await removeMember(db, { workspaceId: admin.workspaceId, membershipId: membership.id })
    expect(await resolveWorkspaceContext(db, userId)).toBeNull()

    await expect(createOwnWorkspace(db, { userId, name: '   ' })).rejects.toThrow('Name your workspace.')
    const { workspaceId } = await createOwnWorkspace(db, { userId, name: ' Mo Labs ' })
    const context = await resolveWorkspaceContext(db, userId)
    expect(context).toMatchObject({ workspaceId, workspaceName: 'Mo Labs', role: 'admin' })
    expect(context!.workspaces.map((w) => w.id)).toEqual([workspaceId])
  })
})
