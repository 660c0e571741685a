// GET|POST|PUT /api/inngest — Inngest serve endpoint
import { serve } from 'inngest/next'
import { inngest, inngestMode } from '@/inngest/client'
import { functions } from '@/inngest/functions'

export const dynamic = 'force-dynamic'

const handler = serve({ client: inngest, functions })

// In local mode no Inngest server exists to call this endpoint: events run in-process
// (inngest/local-dispatch.ts). GET still answers with the SDK's introspection (functions found,
// mode); executing (POST) or syncing (PUT) is refused, because local mode runs the SDK in dev
// mode, which skips request signature checks.
const refuseInLocalMode = async () =>
  Response.json(
    {
      error: 'inngest_local_dispatch',
      message:
        'Inngest runs in-process here (no Inngest server configured), so this endpoint does not execute or sync ' +
        'functions. To use an Inngest Dev Server run `npm run dev:inngest` and start the app with INNGEST_DEV=1.',
      reason: inngestMode.reason,
    },
    { status: 409 },
  )

const isLocal = inngestMode.mode === 'local'

export const GET = handler.GET
export const POST = isLocal ? refuseInLocalMode : handler.POST
export const PUT = isLocal ? refuseInLocalMode : handler.PUT
