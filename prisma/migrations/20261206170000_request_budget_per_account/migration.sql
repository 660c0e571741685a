-- One request budget per Stripe account and mode instead of per connection: Stripe's rate
-- limits are per account, so one account connected in two workspaces must share one bucket.
-- Buckets are transient state (lib/stripe/request-budget.ts recreates them on demand), so the
-- per-connection rows are dropped rather than merged.
DELETE FROM "stripe_request_budgets";
ALTER TABLE "stripe_request_budgets" RENAME COLUMN "connection_id" TO "budget_key";

-- The rate an admin allows a connection (null = half of Stripe's limit).
ALTER TABLE "stripe_connections" ADD COLUMN "request_rate_per_second" DOUBLE PRECISION;
