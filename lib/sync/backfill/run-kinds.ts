// Sync runs come in two families: imports (kinds `backfill` and `resync`, whatever asked for
// them: the wizard, "Re-sync now", a resume, gap repair past Stripe's 30 days of events) and
// gap-repair passes (kind `gap_repair`, lib/webhooks/repair-gaps.ts), which import nothing and
// must never be mistaken for an import in progress.

/** The kinds of sync run that import objects (what progress, health, pauses and resumes look at). */
export const importRunKinds: ('backfill' | 'resync')[] = ['backfill', 'resync']
