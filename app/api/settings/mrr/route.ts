// GET|PUT /api/settings/mrr — the workspace's MRR setting (SPEC F10: repeating discounts); saving a change re-maps contacts
import { z } from 'zod'
import { inngest } from '@/inngest/client'
import { contactsRemapRequested } from '@/inngest/events'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'
import { getMrrSettings, saveMrrSettings } from '@/lib/workspaces/mrr-settings'

export const GET = withWorkspace({ permission: 'manage_stripe' }, ({ context }) => getMrrSettings(db(), { workspaceId: context.workspaceId }))

export const PUT = withWorkspace({ permission: 'manage_stripe', body: z.object({ includeRepeatingDiscounts: z.boolean() }) }, ({ context, body }) =>
  saveMrrSettings(
    { db: db(), requestRemap: async (ids) => void (await inngest.send(ids.map((connectionId) => contactsRemapRequested.create({ connectionId, afterCustomerId: null })))) },
    { workspaceId: context.workspaceId, settings: body },
  ),
)
