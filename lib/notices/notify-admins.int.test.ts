import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import type { Role } from '../generated/prisma/enums'
import { createMailer } from '../mail/send-email'
import { signUp } from '../workspaces/sign-up'
import { listNotices } from './list-notices'
import { markNoticesRead } from './mark-notices-read'
import { notifyWorkspaceAdmins } from './notify-admins'

// Sync-health notices on the real test database: who gets them (admins, not marketers), what the
// email says, and that listing and marking read only ever touch the signed-in person's own.

const now = new Date('2026-11-22T10:00:00Z')
const from = 'Churnless <alerts@churnless.test>'
const outboxMailer = createMailer({ db, from, now: () => now })

async function newWorkspace() {
  const email = `owner-${randomUUID()}@example.com`
  const { workspaceId, userId } = await signUp(db, { name: 'Owner', email, password: 'plum-violet-42-sky' })
  return { workspaceId, owner: { userId, email } }
}

async function addMember(workspaceId: string, role: Role, label: string = role) {
  const user = await db.user.create({ data: { email: `${label}-${randomUUID()}@example.com`, name: label } })
  await db.membership.create({ data: { workspaceId, userId: user.id, role } })
  return { userId: user.id, email: user.email }
}

const incident = (workspaceId: string) => ({
  workspaceId,
  connectionId: null,
  kind: 'incident' as const,
  title: 'Stripe (Acme live) stopped syncing',
  body: 'No webhook has arrived for 2 hours. Check the endpoint in Stripe.',
  href: '/settings/stripe',
})

describe('notifyWorkspaceAdmins', () => {
  test('2 admins + 1 marketer → 2 notices and 2 emails, none for the marketer; the link is absolute with APP_URL', async () => {
    const { workspaceId, owner } = await newWorkspace()
    const admin = await addMember(workspaceId, 'admin')
    const marketer = await addMember(workspaceId, 'marketer')

    const result = await notifyWorkspaceAdmins({ db, mailer: outboxMailer, appUrl: 'https://churnless.example.com' }, incident(workspaceId))

    expect(result).toEqual({ notices: 2, emails: 2, failedEmails: 0 })
    const notices = await db.notice.findMany({ where: { workspaceId } })
    expect(notices.map((n) => n.userId).sort()).toEqual([owner.userId, admin.userId].sort())
    expect(notices[0]).toMatchObject({ kind: 'incident', title: 'Stripe (Acme live) stopped syncing', href: '/settings/stripe', readAt: null })
    const emails = await db.outboxEmail.findMany({ where: { workspaceId } })
    expect(emails.map((e) => e.to).sort()).toEqual([owner.email, admin.email].sort())
    expect(emails.map((e) => e.to)).not.toContain(marketer.email)
    expect(emails[0]).toMatchObject({
      subject: 'Stripe (Acme live) stopped syncing',
      text: 'No webhook has arrived for 2 hours. Check the endpoint in Stripe.\n\nOpen in Churnless: https://churnless.example.com/settings/stripe\n',
      transport: 'outbox',
      error: null,
    })
    expect(await db.notice.count({ where: { userId: marketer.userId } })).toBe(0)
  })

  test('without a link the email is the body alone; without APP_URL an app path stays a path', async () => {
    const { workspaceId } = await newWorkspace()
    await notifyWorkspaceAdmins({ db, mailer: outboxMailer }, { ...incident(workspaceId), kind: 'recovery', title: 'Recovered', body: 'Syncing again.', href: null })
    await notifyWorkspaceAdmins({ db, mailer: outboxMailer }, { ...incident(workspaceId), title: 'Path link' })
    const texts = Object.fromEntries((await db.outboxEmail.findMany({ where: { workspaceId } })).map((e) => [e.subject, e.text]))
    expect(texts).toEqual({
      Recovered: 'Syncing again.\n',
      'Path link': 'No webhook has arrived for 2 hours. Check the endpoint in Stripe.\n\nOpen in Churnless: /settings/stripe\n',
    })
  })

  test('SMTP unreachable: notices are still written, every email is kept with its error, nothing throws', async () => {
    const { workspaceId } = await newWorkspace()
    await addMember(workspaceId, 'admin')
    const smtpMailer = createMailer({ db, smtpUrl: 'smtp://127.0.0.1:1', from, now: () => now })

    const result = await notifyWorkspaceAdmins({ db, mailer: smtpMailer, appUrl: 'http://localhost:3000' }, incident(workspaceId))

    expect(result).toEqual({ notices: 2, emails: 2, failedEmails: 2 })
    expect(await db.notice.count({ where: { workspaceId } })).toBe(2)
    const emails = await db.outboxEmail.findMany({ where: { workspaceId } })
    expect(emails).toHaveLength(2)
    for (const e of emails) expect(e).toMatchObject({ transport: 'smtp', sentAt: null, error: expect.stringContaining('Could not connect to the SMTP server at 127.0.0.1:1') })
  })
})

describe('listNotices and markNoticesRead', () => {
  async function twoAdminsTwoWorkspaces() {
    const { workspaceId, owner } = await newWorkspace()
    const other = await addMember(workspaceId, 'admin', 'other')
    // The owner also administers a second workspace: its notices must stay out of the first's bell.
    const second = await newWorkspace()
    await db.membership.create({ data: { workspaceId: second.workspaceId, userId: owner.userId, role: 'admin' } })
    return { workspaceId, secondWorkspaceId: second.workspaceId, me: owner.userId, other: other.userId }
  }

  test('22 notices of mine → the newest 20 listed, unread counts all 22; other people and workspaces are left out', async () => {
    const { workspaceId, secondWorkspaceId, me, other } = await twoAdminsTwoWorkspaces()
    await db.notice.createMany({
      data: Array.from({ length: 22 }, (_, i) => ({ workspaceId, userId: me, kind: i % 2 ? 'recovery' : 'incident', title: `Mine ${i}`, body: 'b', createdAt: new Date(now.getTime() + i * 1000) })),
    })
    await db.notice.createMany({
      data: [
        { workspaceId, userId: other, kind: 'incident', title: 'Theirs', body: 'b', createdAt: new Date(now.getTime() + 60_000) },
        { workspaceId: secondWorkspaceId, userId: me, kind: 'incident', title: 'Mine elsewhere', body: 'b', createdAt: new Date(now.getTime() + 60_000) },
      ],
    })

    const list = await listNotices(db, { workspaceId, userId: me })

    expect(list.unread).toBe(22)
    expect(list.notices).toHaveLength(20)
    expect(list.notices[0]).toMatchObject({ title: 'Mine 21', kind: 'recovery', createdAt: new Date(now.getTime() + 21_000).toISOString(), readAt: null })
    expect(list.notices.at(-1)?.title).toBe('Mine 2')
  })

  test("marking given ids touches only my own; someone else's id in the list is skipped", async () => {
    const { workspaceId, me, other } = await twoAdminsTwoWorkspaces()
    const mine = await db.notice.create({ data: { workspaceId, userId: me, kind: 'incident', title: 'Mine', body: 'b' } })
    const alsoMine = await db.notice.create({ data: { workspaceId, userId: me, kind: 'incident', title: 'Also mine', body: 'b' } })
    const theirs = await db.notice.create({ data: { workspaceId, userId: other, kind: 'incident', title: 'Theirs', body: 'b' } })

    expect(await markNoticesRead(db, { workspaceId, userId: me, ids: [mine.id, theirs.id], now })).toEqual({ updated: 1 })

    expect((await db.notice.findUniqueOrThrow({ where: { id: mine.id } })).readAt).toEqual(now)
    expect((await db.notice.findUniqueOrThrow({ where: { id: alsoMine.id } })).readAt).toBeNull()
    expect((await db.notice.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull()
    expect((await listNotices(db, { workspaceId, userId: me })).unread).toBe(1)
    expect(await markNoticesRead(db, { workspaceId, userId: me, ids: [], now })).toEqual({ updated: 0 })
  })

  test("mark all → every unread notice of mine in this workspace; the other admin's and my other workspace's stay unread", async () => {
    const { workspaceId, secondWorkspaceId, me, other } = await twoAdminsTwoWorkspaces()
    await notifyWorkspaceAdmins({ db, mailer: outboxMailer }, incident(workspaceId))
    await notifyWorkspaceAdmins({ db, mailer: outboxMailer }, { ...incident(workspaceId), kind: 'recovery', title: 'Recovered' })
    await notifyWorkspaceAdmins({ db, mailer: outboxMailer }, incident(secondWorkspaceId))

    expect(await markNoticesRead(db, { workspaceId, userId: me, now })).toEqual({ updated: 2 })

    expect((await listNotices(db, { workspaceId, userId: me })).unread).toBe(0)
    expect((await listNotices(db, { workspaceId, userId: other })).unread).toBe(2)
    expect((await listNotices(db, { workspaceId: secondWorkspaceId, userId: me })).unread).toBe(1)
  })
})
