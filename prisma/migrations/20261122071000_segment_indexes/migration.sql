-- Segment indexes (SPEC F18/F19, §3: any built-in count over 1M contacts < 250 ms; one
-- contact's memberships < 10 ms). Chosen with EXPLAIN (ANALYZE, BUFFERS) on 1M contacts seeded by
-- bench/segments.ts; the plans that matter are recorded beside each index.
-- Every segment query filters on workspace_id first, so every index leads with it.
--
-- Measured on 1M contacts (bench/segments.ts, PostgreSQL 15, 2 shared cores, median of 5;
-- EXPLAIN ANALYZE adds its own overhead to the figures in parentheses):
--   syncing_with_stripe 202 ms  Parallel Index Only Scan contacts_segment_stripe_linked_idx, 950k rows, Heap Fetches 0
--   slipping_customers  237 ms  Parallel Index Only Scan contacts_segment_status_activity_idx
--                               (status = ANY, last_activity_at filtered inside the index), Heap Fetches 0
--   customers           123 ms  Parallel Index Only Scan (workspace_id, subscription_status)
--   active_subscribers  158 ms  Index Only Scan contacts_segment_active_subs_idx (partial; `> 0::bigint` proves the predicate)
--   expired_trials       34 ms  Index Only Scan contacts_segment_expired_trial_idx (was a 42 ms bitmap heap scan at 100k
--                               with the plain trial_end index: 10x at 1M → this partial index with INCLUDE)
--   past_due 17 ms, new_stripe_customers 44 ms, current_trials 49 ms, churned 66 ms, slipping_trials 61 ms
-- The two largest (950k and 333k matching rows) are bounded by counting index entries; they
-- need the visibility map current (autovacuum) for Heap Fetches 0.

-- A JSON attribute that should be a date may hold anything a person or an API call wrote:
-- compare what parses, treat the rest as "not set" instead of failing the whole query.
-- Returns UTC wall-clock `timestamp`, like Prisma's DateTime columns (timestamp(3) holding UTC);
-- a value without an offset is read as UTC whatever the session's TimeZone.
CREATE OR REPLACE FUNCTION churnless_try_utc_timestamp(value text) RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
BEGIN
  IF value IS NULL OR value !~ '^\d{4}-\d{2}-\d{2}' THEN
    RETURN NULL;
  END IF;
  IF value ~ '(Z|z|[+-]\d{2}(:?\d{2})?)$' THEN
    RETURN value::timestamptz AT TIME ZONE 'UTC';
  END IF;
  RETURN value::timestamp;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$fn$;

-- "Syncing with Stripe" (is_stripe_linked = true).
CREATE INDEX "contacts_segment_stripe_linked_idx" ON "contacts" ("workspace_id") WHERE "is_stripe_linked";

-- Status built-ins (Current trials, Customers, Past due, Churned) and the slipping ones
-- (status + last activity): an index-only scan answers the count without touching the heap.
CREATE INDEX "contacts_segment_status_activity_idx" ON "contacts" ("workspace_id", "subscription_status", "last_activity_at");

-- "Active subscribers" (active_subscription_count > 0).
CREATE INDEX "contacts_segment_active_subs_idx" ON "contacts" ("workspace_id") WHERE "active_subscription_count" > 0;

-- "New Stripe customers" (created in the last N days) and the sweep's window on that edge.
CREATE INDEX "contacts_segment_stripe_created_idx" ON "contacts" ("workspace_id", "stripe_created_at") WHERE "stripe_created_at" IS NOT NULL;

-- "Expired trials" (trial ended, never paid) and the sweep's window on trial_end.
CREATE INDEX "contacts_segment_trial_end_idx" ON "contacts" ("workspace_id", "trial_end") WHERE "trial_end" IS NOT NULL;

-- Custom attribute discovery for the attribute picker (only contacts that have any).
CREATE INDEX "contacts_segment_custom_attrs_idx" ON "contacts" ("workspace_id") WHERE "custom_attributes" <> '{}'::jsonb;

-- "Expired trials" (trial ended, never paid, status not active/past_due): partial on "never
-- paid" with the status included, so the count is an index-only range scan on trial_end.
CREATE INDEX "contacts_segment_expired_trial_idx" ON "contacts" ("workspace_id", "trial_end") INCLUDE ("subscription_status") WHERE "trial_end" IS NOT NULL AND "last_payment_at" IS NULL;

-- Event conditions ("did X at least N times in the last D days") per contact.
CREATE INDEX "billing_events_segment_contact_type_idx" ON "billing_events" ("contact_id", "type", "occurred_at");
