import { createTransport, type Transporter } from 'nodemailer'
import { type Db, db } from '../db'
import { env } from '../env'

// Every email Churnless sends is first written to outbox_emails, then (when SMTP_URL is set)
// handed to the SMTP server. The row comes first so an email is never lost: if SMTP fails,
// or the process dies mid-send, the outbox page still shows it, with the reason when known.
// In the embedded default there is no SMTP server and the outbox page is where emails are read.

export type EmailTransport = 'smtp' | 'outbox'

export type SendEmailInput = {
  /** The workspace the email is about; null for emails that belong to none. */
  workspaceId: string | null
  to: string
  subject: string
  text: string
}

export type SentEmail = {
  id: string
  transport: EmailTransport
  /** When the SMTP server accepted it (or when it was kept, for 'outbox'); null if it failed. */
  sentAt: Date | null
  /** Why SMTP delivery failed, in words a person can act on; null when it did not fail. */
  error: string | null
}

export type Mailer = {
  /** Stores the email and delivers it when SMTP is configured. SMTP failures are recorded, never thrown. */
  send(input: SendEmailInput): Promise<SentEmail>
}

// nodemailer's defaults wait up to 2 minutes to connect and 10 minutes on a silent socket; an
// alert must not hold up the job that raised it that long. Values in SMTP_URL's query win.
const smtpTimeouts = { connectionTimeout: '10000', greetingTimeout: '10000', socketTimeout: '30000' }

export function createMailer(deps: { db: Db; smtpUrl?: string | null; from: string; now?: () => Date }): Mailer {
  const now = deps.now ?? (() => new Date())
  let transporter: Transporter | undefined

  return {
    async send({ workspaceId, to, subject, text }) {
      if (!deps.smtpUrl) {
        const row = await deps.db.outboxEmail.create({ data: { workspaceId, to, subject, text, transport: 'outbox', sentAt: now() } })
        return { id: row.id, transport: 'outbox', sentAt: row.sentAt, error: null }
      }
      const row = await deps.db.outboxEmail.create({ data: { workspaceId, to, subject, text, transport: 'smtp' } })
      const url = parseSmtpUrl(deps.smtpUrl)
      let outcome: { sentAt: Date; error: null } | { sentAt: null; error: string }
      if (!url) {
        outcome = { sentAt: null, error: 'SMTP_URL is not a valid SMTP address. Set it like smtp://user:password@smtp.example.com:587 (or smtps:// for port 465).' }
      } else {
        try {
          transporter ??= createTransport(withTimeouts(url))
          await transporter.sendMail({ from: deps.from, to, subject, text })
          outcome = { sentAt: now(), error: null }
        } catch (error) {
          console.error('[churnless] SMTP delivery failed', { outboxEmailId: row.id, error })
          outcome = { sentAt: null, error: describeSmtpError(error, url) }
        }
      }
      await deps.db.outboxEmail.update({ where: { id: row.id }, data: outcome })
      return { id: row.id, transport: 'smtp', ...outcome }
    },
  }
}

const globalForMailer = globalThis as unknown as { churnlessMailer?: Mailer }

/** The app's mailer, configured from SMTP_URL and EMAIL_FROM (one per process, like `db()`). */
export function mailer(): Mailer {
  const { SMTP_URL, EMAIL_FROM } = env()
  globalForMailer.churnlessMailer ??= createMailer({ db: db(), smtpUrl: SMTP_URL, from: EMAIL_FROM })
  return globalForMailer.churnlessMailer
}

function parseSmtpUrl(smtpUrl: string): URL | null {
  try {
    const url = new URL(smtpUrl)
    return url.protocol === 'smtp:' || url.protocol === 'smtps:' ? url : null
  } catch {
    return null
  }
}

function withTimeouts(url: URL): string {
  const withDefaults = new URL(url)
  for (const [key, value] of Object.entries(smtpTimeouts)) if (!withDefaults.searchParams.has(key)) withDefaults.searchParams.set(key, value)
  return withDefaults.toString()
}

/**
 * nodemailer's error as a sentence for the outbox page. The raw error (which can quote the
 * server) goes to the log; the address shown never includes SMTP_URL's password.
 */
function describeSmtpError(error: unknown, url: URL): string {
  const server = url.port ? `${url.hostname}:${url.port}` : url.hostname
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown }
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNECTION':
    case 'ESOCKET':
      return `Could not connect to the SMTP server at ${server}. Check that SMTP_URL points at a running mail server.`
    case 'EDNS':
    case 'ENOTFOUND':
      return `The SMTP host ${server} could not be found. Check the host name in SMTP_URL.`
    case 'ETIMEDOUT':
      return `The SMTP server at ${server} did not answer in time. Check SMTP_URL and that the server accepts connections from here.`
    case 'EAUTH':
    case 'ENOAUTH':
      return `The SMTP server at ${server} refused the username or password in SMTP_URL. Check the credentials.`
    case 'ETLS':
      return `The secure connection to the SMTP server at ${server} failed. Use smtps:// for port 465 and smtp:// for ports 25 and 587.`
    case 'EENVELOPE':
      return `The SMTP server at ${server} refused the sender or the recipient${responseCode ? ` (SMTP ${responseCode})` : ''}. Check EMAIL_FROM and the recipient's address.`
  }
  if (typeof responseCode === 'number') return `The SMTP server at ${server} rejected the email (SMTP ${responseCode}). The mail server's log has the reason.`
  return `The email could not be delivered through the SMTP server at ${server}. The Churnless server log has the details.`
}
