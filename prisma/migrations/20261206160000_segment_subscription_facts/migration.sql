-- Facts over ALL of a contact's subscriptions (SPEC F18: "Churned customers: … and none
-- active/trialing/past_due", "Expired trials: had a trial that ended, has no active/past_due
-- subscription, never paid"). The typed columns before this held only "the" subscription (F8),
-- which misses a canceled subscription beside an incomplete one, a trial on another
-- subscription, and a payment by another linked customer. Written by lib/sync/recompute-contacts
-- from lib/sync/attributes.ts `deriveSubscriptionFacts`.

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "earliest_trial_end" TIMESTAMP(3),
ADD COLUMN     "has_paid" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "subscription_statuses" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Until the next sync recomputes them, derive what the old columns allow (exact for contacts
-- with one subscription and one customer).
UPDATE "contacts" SET
  "subscription_statuses" = CASE WHEN "subscription_status" IS NULL THEN ARRAY[]::TEXT[] ELSE ARRAY["subscription_status"] END,
  "earliest_trial_end" = "trial_end",
  "has_paid" = "last_payment_at" IS NOT NULL;

-- Built-in counts at 1M contacts (< 250 ms, SPEC §3). Each index predicate is exactly what the
-- compiler writes for the built-in rule (statuses in F8's order, see compileStatus), so the
-- planner proves it from the query's constants and answers with an index-only scan. Measured
-- plans are in bench/segments.ts's output; the figures are in docs beside the bench run.
-- "Current trials" / "Slipping trials" (has a trialing subscription [and last activity]).
CREATE INDEX "contacts_segment_trialing_idx" ON "contacts" ("workspace_id", "last_activity_at") WHERE "subscription_statuses" && '{trialing}'::text[];
-- "Customers" / "Slipping customers" (has an active or past_due subscription [and last activity]).
CREATE INDEX "contacts_segment_paying_idx" ON "contacts" ("workspace_id", "last_activity_at") WHERE "subscription_statuses" && '{active,past_due}'::text[];
-- "Past due".
CREATE INDEX "contacts_segment_past_due_idx" ON "contacts" ("workspace_id") WHERE "subscription_statuses" && '{past_due}'::text[];
-- "Churned customers".
CREATE INDEX "contacts_segment_churned_idx" ON "contacts" ("workspace_id") WHERE "subscription_statuses" && '{unpaid,canceled,incomplete_expired}'::text[] AND NOT ("subscription_statuses" && '{trialing,active,past_due}'::text[]);
-- "Expired trials": never paid and nothing active/past_due, ranged on the trial end.
CREATE INDEX "contacts_segment_expired_trials_idx" ON "contacts" ("workspace_id", "earliest_trial_end") WHERE NOT ("subscription_statuses" && '{active,past_due}'::text[]) AND NOT "has_paid";
-- The sweep's window on the trial-end edge (any contact whose earliest trial end passes).
CREATE INDEX "contacts_segment_earliest_trial_end_idx" ON "contacts" ("workspace_id", "earliest_trial_end") WHERE "earliest_trial_end" IS NOT NULL;
-- Replaced by contacts_segment_expired_trials_idx (the built-in no longer reads last_payment_at).
DROP INDEX IF EXISTS "contacts_segment_expired_trial_idx";
