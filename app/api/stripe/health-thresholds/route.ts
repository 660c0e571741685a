// GET|PUT /api/stripe/health-thresholds — the workspace's sync-health thresholds (F21)
import { db } from '@/lib/db'
import { healthThresholdsSchema, readHealthThresholds } from '@/lib/health/thresholds'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ permission: 'manage_stripe' }, async ({ context }) => {
  const workspace = await db().workspace.findUniqueOrThrow({ where: { id: context.workspaceId }, select: { healthThresholds: true } })
  return { thresholds: readHealthThresholds(workspace.healthThresholds) }
})

export const PUT = withWorkspace({ permission: 'manage_stripe', body: healthThresholdsSchema }, async ({ context, body }) => {
  await db().workspace.update({ where: { id: context.workspaceId }, data: { healthThresholds: body } })
  return { thresholds: body }
})
