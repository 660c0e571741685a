import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import { afterAll, describe, expect, test } from 'vitest'
import { testDb as db } from '@/test/db'
import { signUp } from '../workspaces/sign-up'
import { createMailer } from './send-email'
import { listOutboxEmails } from './list-outbox-emails'

// The mailer on the real test database with real nodemailer: no SMTP (outbox only), a closed
// port, a malformed SMTP_URL, and a tiny SMTP server on localhost that accepts or refuses.

const now = new Date('2026-11-22T10:00:00Z')
const from = 'Churnless <alerts@churnless.test>'

async function newWorkspace() {
  const { workspaceId } = await signUp(db, { name: 'Ada', email: `ada-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  return workspaceId
}

/** Just enough SMTP (RFC 5321) for nodemailer: greets, accepts or refuses recipients, keeps messages. */
function startSmtpServer(options: { refuseRecipients?: boolean } = {}) {
  const messages: string[] = []
  const server: Server = createServer((socket) => {
    let buffer = ''
    let data: string[] | null = null
    socket.write('220 test.local ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (data) {
          if (line === '.') {
            messages.push(data.join('\n'))
            data = null
            socket.write('250 2.0.0 queued\r\n')
          } else data.push(line)
          continue
        }
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'RCPT') socket.write(options.refuseRecipients ? '550 5.1.1 no such mailbox\r\n' : '250 2.1.5 ok\r\n')
        else if (verb === 'DATA') {
          data = []
          socket.write('354 end with <CRLF>.<CRLF>\r\n')
        } else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n')
        else socket.write('250 test.local\r\n')
      }
    })
    socket.on('error', () => {})
  })
  const listening = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`smtp://127.0.0.1:${(server.address() as { port: number }).port}`)))
  return { messages, url: listening, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const servers: { close: () => Promise<void> }[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

describe('createMailer', () => {
  test('without SMTP_URL the email is kept in the outbox, marked sent now, with no error', async () => {
    const workspaceId = await newWorkspace()
    const mail = createMailer({ db, smtpUrl: undefined, from, now: () => now })
    const sent = await mail.send({ workspaceId, to: 'ada@example.com', subject: 'Stripe sync stopped', text: 'Webhooks stopped arriving.' })
    expect(sent).toMatchObject({ transport: 'outbox', sentAt: now, error: null })
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: sent.id } })
    expect(row).toMatchObject({ workspaceId, to: 'ada@example.com', subject: 'Stripe sync stopped', text: 'Webhooks stopped arriving.', transport: 'outbox', sentAt: now, error: null })
  })

  test('an SMTP server that is not there: send does not throw, the row stays, the reason is in words', async () => {
    const workspaceId = await newWorkspace()
    const mail = createMailer({ db, smtpUrl: 'smtp://user:s3cret@127.0.0.1:1', from, now: () => now })
    const sent = await mail.send({ workspaceId, to: 'ada@example.com', subject: 'Stripe sync stopped', text: 'Webhooks stopped arriving.' })
    const expected = 'Could not connect to the SMTP server at 127.0.0.1:1. Check that SMTP_URL points at a running mail server.'
    expect(sent).toMatchObject({ transport: 'smtp', sentAt: null, error: expected })
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: sent.id } })
    expect(row).toMatchObject({ transport: 'smtp', sentAt: null, error: expected, text: 'Webhooks stopped arriving.' })
    expect(row.error).not.toContain('s3cret')
  })

  test('a malformed SMTP_URL is recorded as such, not thrown', async () => {
    const workspaceId = await newWorkspace()
    const sent = await createMailer({ db, smtpUrl: 'mail.example.com:587', from }).send({ workspaceId, to: 'ada@example.com', subject: 'S', text: 'T' })
    expect(sent.error).toBe('SMTP_URL is not a valid SMTP address. Set it like smtp://user:password@smtp.example.com:587 (or smtps:// for port 465).')
    expect(await db.outboxEmail.count({ where: { id: sent.id, transport: 'smtp', sentAt: null } })).toBe(1)
  })

  test('an SMTP server that accepts: the message reaches it, and the row is marked sent', async () => {
    const workspaceId = await newWorkspace()
    const smtp = startSmtpServer()
    servers.push(smtp)
    const sent = await createMailer({ db, smtpUrl: await smtp.url, from, now: () => now }).send({ workspaceId, to: 'ada@example.com', subject: 'Stripe sync recovered', text: 'Events are arriving again.' })
    expect(sent).toMatchObject({ transport: 'smtp', sentAt: now, error: null })
    expect(smtp.messages).toHaveLength(1)
    expect(smtp.messages[0]).toContain('Subject: Stripe sync recovered')
    expect(smtp.messages[0]).toContain('To: ada@example.com')
    expect(smtp.messages[0]).toContain('alerts@churnless.test')
    expect(smtp.messages[0]).toContain('Events are arriving again.')
    expect(await db.outboxEmail.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({ transport: 'smtp', sentAt: now, error: null })
  })

  test('an SMTP server that refuses the recipient: the refusal and its SMTP code are recorded', async () => {
    const workspaceId = await newWorkspace()
    const smtp = startSmtpServer({ refuseRecipients: true })
    servers.push(smtp)
    const sent = await createMailer({ db, smtpUrl: await smtp.url, from }).send({ workspaceId, to: 'nobody@example.com', subject: 'S', text: 'T' })
    expect(sent).toMatchObject({
      transport: 'smtp',
      sentAt: null,
      error: expect.stringMatching(/^The SMTP server at 127\.0\.0\.1:\d+ refused the sender or the recipient \(SMTP 550\)\. Check EMAIL_FROM and the recipient's address\.$/),
    })
    expect(smtp.messages).toHaveLength(0)
  })
})

describe('listOutboxEmails', () => {
  test("a workspace's emails, newest first; another workspace's are not listed", async () => {
    const [mine, theirs] = [await newWorkspace(), await newWorkspace()]
    await db.outboxEmail.createMany({
      data: [
        { workspaceId: mine, to: 'a@example.com', subject: 'First', text: '1', transport: 'outbox', createdAt: new Date(now.getTime() - 60_000) },
        { workspaceId: theirs, to: 'b@example.com', subject: 'Theirs', text: '3', transport: 'outbox', createdAt: new Date(now.getTime() - 45_000) },
        { workspaceId: mine, to: 'a@example.com', subject: 'Second', text: '2', transport: 'outbox', createdAt: new Date(now.getTime() - 30_000) },
      ],
    })
    const listed = await listOutboxEmails(db, mine)
    expect(listed.map((e) => e.subject)).toEqual(['Second', 'First'])
  })
})
