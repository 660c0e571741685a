import type { Db } from '../../db'
import { type BackfillObjectType, backfillObjectTypeSchema } from '../../stripe/list-pages'
import { objectLabels } from './failure-messages'
import { claimRunEnd } from './stop-run'

// When an import function gives up (its retries ran out on an error that is not Stripe's: the
// database went away, a bug), the Inngest `onFailure` handlers land here. Without this the
// stream and run would stay `running` and the connection `syncing` forever: the page would say
// "Importing" while nothing imports. Every path records the cause in words and leaves the
// connection `failing`, which the health page explains with "Re-sync" as the way out; a re-sync
// resumes the run from its cursors (startBackfillRun), so nothing fetched is fetched again.

export type FailureCause = { name?: string | undefined; message?: string | undefined }

const RESYNC = 'Re-sync to continue from where it stopped.'

/** The cause of an unexpected failure, in words a person can act on; details stay in the logs. */
export function describeUnexpectedFailure(cause: FailureCause): string {
  const name = cause.name ?? 'Error'
  const message = (cause.message ?? '').trim()
  if (name === 'ZodError' || name === '$ZodError') {
    return `Stripe sent data in a shape we could not read${zodIssue(message)}`
  }
  if (/^PrismaClient|^DriverAdapterError$/.test(name) || /Can't reach database|connection terminated|ECONNREFUSED|Raw query failed|database/i.test(message)) {
    const detail = /Message: `([^`]+)`/.exec(message)?.[1] ?? firstLine(message)
    return `the database failed while storing what was fetched${detail ? ` (${clip(detail)})` : ''}`
  }
  return `an unexpected error (${clip(firstLine(message) || name)})`
}

function zodIssue(message: string): string {
  try {
    const issues = JSON.parse(message) as { path?: (string | number)[]; message?: string }[]
    const first = issues[0]
    if (first) return ` (${(first.path ?? []).join('.') || 'the page'}: ${first.message ?? 'invalid'})`
  } catch {}
  return ''
}

const firstLine = (text: string) => text.split('\n').find((l) => l.trim())?.trim() ?? ''
const clip = (text: string) => (text.length > 160 ? `${text.slice(0, 157)}…` : text)

/**
 * A stream's function failed for good: the stream is failed with the cause (its cursor kept),
 * the other streams go on, and whoever ends the run last derives contacts and completes it as
 * failed (completeBackfillRun names this stream). Returns whether this call claimed the run's end.
 */
export async function failBackfillStream(db: Db, args: { streamId: string; cause: FailureCause; now: Date }): Promise<{ isRunEndClaimed: boolean; runId: string | null }> {
  const stream = await db.syncStream.findUnique({ where: { id: args.streamId }, select: { runId: true, objectType: true } })
  if (!stream) return { isRunEndClaimed: false, runId: null }
  const parsed = backfillObjectTypeSchema.safeParse(stream.objectType)
  const what = parsed.success ? objectLabels[parsed.data as BackfillObjectType].toLowerCase() : stream.objectType
  const message = `Importing ${what} stopped on ${describeUnexpectedFailure(args.cause)}. ${RESYNC}`
  await db.syncStream.updateMany({ where: { id: args.streamId, state: { in: ['pending', 'running'] } }, data: { state: 'failed', error: message, finishedAt: args.now } })
  return { isRunEndClaimed: await claimRunEnd(db, stream.runId), runId: stream.runId }
}

/**
 * A run-level function (start/plan, contacts) failed for good: every unfinished stream and the
 * run are failed with the cause, and a connection still `syncing` becomes `failing` (one that
 * needs a new key or was paused keeps saying so). Without a run id, the connection's running run.
 */
export async function failBackfillRun(db: Db, args: { connectionId: string; runId: string | null; stage: 'planning' | 'contacts'; cause: FailureCause; now: Date }) {
  const run = args.runId
    ? await db.syncRun.findUnique({ where: { id: args.runId } })
    : await db.syncRun.findFirst({ where: { connectionId: args.connectionId, state: 'running' }, orderBy: { startedAt: 'desc' } })
  const what = args.stage === 'planning' ? 'Starting the import' : 'Deriving contacts from the imported data'
  const message = `${what} stopped on ${describeUnexpectedFailure(args.cause)}. ${RESYNC}`
  if (run && run.state === 'running') {
    await db.$transaction([
      db.syncStream.updateMany({ where: { runId: run.id, state: { in: ['pending', 'running'] } }, data: { state: 'failed', error: message, finishedAt: args.now } }),
      db.syncRun.updateMany({ where: { id: run.id, state: 'running' }, data: { state: 'failed', error: message, finishedAt: args.now } }),
    ])
  }
  await db.stripeConnection.updateMany({ where: { id: args.connectionId, status: 'syncing' }, data: { status: 'failing' } })
  return { runId: run?.id ?? null, message }
}
