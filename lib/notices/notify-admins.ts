import { z } from 'zod'
import type { Db } from '../db'
import type { Mailer } from '../mail/send-email'

// Sync-health alerts reach a workspace's admins twice: a notice in the app shell (the bell)
// and an email (kept in the outbox, delivered over SMTP when configured). Marketers cannot fix
// a Stripe connection, so they get neither.

export const noticeKindSchema = z.enum(['incident', 'recovery'])
export type NoticeKind = z.infer<typeof noticeKindSchema>

export type NotifyAdminsInput = {
  workspaceId: string
  connectionId: string | null
  kind: NoticeKind
  title: string
  body: string
  /** An app path (`/settings/stripe/…`) or an absolute URL; null when there is nothing to open. */
  href: string | null
}

export type NotifyAdminsResult = {
  /** Admins found, and so notices written. */
  notices: number
  /** Emails stored in the outbox (one per admin). */
  emails: number
  /** Of those, how many SMTP refused or could not reach; each row says why. */
  failedEmails: number
}

export async function notifyWorkspaceAdmins(deps: { db: Db; mailer: Mailer; appUrl?: string | null }, args: NotifyAdminsInput): Promise<NotifyAdminsResult> {
  const admins = await deps.db.membership.findMany({
    where: { workspaceId: args.workspaceId, role: 'admin' },
    orderBy: { createdAt: 'asc' },
    select: { userId: true, user: { select: { email: true } } },
  })
  if (admins.length === 0) return { notices: 0, emails: 0, failedEmails: 0 }

  const { workspaceId, connectionId, kind, title, body, href } = args
  await deps.db.notice.createMany({ data: admins.map((a) => ({ workspaceId, userId: a.userId, connectionId, kind, title, body, href })) })

  const link = href ? absoluteLink(href, deps.appUrl) : null
  const text = link ? `${body}\n\nOpen in Churnless: ${link}\n` : `${body}\n`
  // The mailer records SMTP failures instead of throwing, so one bad address cannot stop the rest.
  const sent = await Promise.all(admins.map((a) => deps.mailer.send({ workspaceId, to: a.user.email, subject: title, text })))
  return { notices: admins.length, emails: sent.length, failedEmails: sent.filter((s) => s.error !== null).length }
}

/** App paths become absolute with APP_URL so they work from a mail client; without it they stay paths. */
function absoluteLink(href: string, appUrl: string | null | undefined): string {
  if (/^https?:\/\//i.test(href) || !appUrl) return href
  return new URL(href, appUrl).toString()
}
