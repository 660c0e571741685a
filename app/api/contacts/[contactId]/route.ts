// GET /api/contacts/:contactId — a contact's page data: attributes, Stripe panel, segments
import { z } from 'zod'
import { contactIdSchema, getContact } from '@/lib/contacts/get-contact'
import { db } from '@/lib/db'
import { withWorkspace } from '@/lib/server/route'

export const GET = withWorkspace({ params: z.object({ contactId: contactIdSchema }) }, async ({ context, params }) =>
  getContact(db(), { workspaceId: context.workspaceId, contactId: params.contactId, now: new Date() }),
)
