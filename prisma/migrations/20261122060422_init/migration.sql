-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'marketer');

-- CreateEnum
CREATE TYPE "StripeMode" AS ENUM ('live', 'test');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('draft', 'waiting_to_sync', 'syncing', 'active', 'paused', 'needs_reauth', 'failing');

-- CreateEnum
CREATE TYPE "ImportChoice" AS ENUM ('all', 'changes_only');

-- CreateEnum
CREATE TYPE "SyncRunKind" AS ENUM ('backfill', 'resync', 'gap_repair');

-- CreateEnum
CREATE TYPE "SyncState" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'canceled');

-- CreateEnum
CREATE TYPE "StripeEventStatus" AS ENUM ('pending', 'processed', 'failed', 'ignored');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "password_hash" TEXT,
    "image" TEXT,
    "email_verified" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_accounts" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,

    CONSTRAINT "auth_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workspaces" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invitations" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_by_id" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "accepted_at" TIMESTAMP(3),
    "accepted_by_id" TEXT,
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_connections" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "account_id" TEXT,
    "account_name" TEXT,
    "mode" "StripeMode" NOT NULL,
    "key_kind" TEXT NOT NULL,
    "key_sealed" TEXT NOT NULL,
    "key_hint" TEXT NOT NULL,
    "api_base" TEXT,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'draft',
    "permissions" JSONB NOT NULL DEFAULT '[]',
    "mapping" JSONB,
    "import_choice" "ImportChoice",
    "webhook_endpoint_id" TEXT,
    "webhook_secret_sealed" TEXT,
    "webhook_url" TEXT,
    "connected_by_id" TEXT,
    "connected_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "stripe_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_customers" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "email" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_customers_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_subscriptions" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_subscriptions_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_invoices" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customer_id" TEXT,
    "subscription_id" TEXT,
    "status" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_invoices_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_charges" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customer_id" TEXT,
    "status" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_charges_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_prices" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "product_id" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_prices_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_products" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_products_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "stripe_checkout_sessions" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customer_id" TEXT,
    "status" TEXT,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "data" JSONB NOT NULL,
    "data_as_of" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_checkout_sessions_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "kind" "SyncRunKind" NOT NULL,
    "state" "SyncState" NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_streams" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "range_start" INTEGER,
    "range_end" INTEGER,
    "cursor" TEXT,
    "state" "SyncState" NOT NULL DEFAULT 'pending',
    "fetched" INTEGER NOT NULL DEFAULT 0,
    "written" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "throttled" INTEGER NOT NULL DEFAULT 0,
    "expected" INTEGER,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "sync_streams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_request_budgets" (
    "connection_id" TEXT NOT NULL,
    "rate_per_second" DOUBLE PRECISION NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilled_at" TIMESTAMP(3) NOT NULL,
    "paused_until" TIMESTAMP(3),

    CONSTRAINT "stripe_request_budgets_pkey" PRIMARY KEY ("connection_id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "external_id" TEXT,
    "is_stripe_linked" BOOLEAN NOT NULL DEFAULT false,
    "subscription_status" TEXT,
    "subscription_count" INTEGER NOT NULL DEFAULT 0,
    "active_subscription_count" INTEGER NOT NULL DEFAULT 0,
    "trial_start" TIMESTAMP(3),
    "trial_end" TIMESTAMP(3),
    "current_period_end" TIMESTAMP(3),
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "mrr" BIGINT NOT NULL DEFAULT 0,
    "currency" TEXT,
    "total_spend" BIGINT NOT NULL DEFAULT 0,
    "stripe_created_at" TIMESTAMP(3),
    "last_payment_at" TIMESTAMP(3),
    "last_failed_payment_at" TIMESTAMP(3),
    "last_activity_at" TIMESTAMP(3),
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "custom_attributes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_stripe_links" (
    "connection_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "linked_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_stripe_links_pkey" PRIMARY KEY ("connection_id","customer_id")
);

-- CreateTable
CREATE TABLE "identity_conflicts" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "customer_ids" TEXT[],
    "detected_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMP(3),

    CONSTRAINT "identity_conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_events" (
    "connection_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "created" TIMESTAMP(3) NOT NULL,
    "livemode" BOOLEAN NOT NULL,
    "api_version" TEXT,
    "payload" JSONB NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'webhook',
    "status" "StripeEventStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMP(3),

    CONSTRAINT "stripe_events_pkey" PRIMARY KEY ("connection_id","id")
);

-- CreateTable
CREATE TABLE "billing_events" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "summary" TEXT NOT NULL,
    "amount" BIGINT,
    "currency" TEXT,
    "stripe_object" TEXT,
    "stripe_event_id" TEXT,
    "is_historical" BOOLEAN NOT NULL DEFAULT false,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "billing_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segments" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "rule" JSONB NOT NULL,
    "builtin_key" TEXT,
    "member_count" INTEGER NOT NULL DEFAULT 0,
    "recompute_progress" DOUBLE PRECISION,
    "edges_swept_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "segment_memberships" (
    "segment_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "entered_at" TIMESTAMP(3) NOT NULL,
    "cause" TEXT NOT NULL,

    CONSTRAINT "segment_memberships_pkey" PRIMARY KEY ("segment_id","contact_id")
);

-- CreateTable
CREATE TABLE "segment_membership_changes" (
    "id" TEXT NOT NULL,
    "segment_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "cause" TEXT NOT NULL,

    CONSTRAINT "segment_membership_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_events" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "message_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "auth_accounts_provider_provider_account_id_key" ON "auth_accounts"("provider", "provider_account_id");

-- CreateIndex
CREATE INDEX "memberships_user_id_idx" ON "memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_workspace_id_user_id_key" ON "memberships"("workspace_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_workspace_id_idx" ON "invitations"("workspace_id");

-- CreateIndex
CREATE INDEX "stripe_connections_workspace_id_idx" ON "stripe_connections"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "stripe_connections_workspace_id_account_id_key" ON "stripe_connections"("workspace_id", "account_id");

-- CreateIndex
CREATE INDEX "stripe_customers_connection_id_email_idx" ON "stripe_customers"("connection_id", "email");

-- CreateIndex
CREATE INDEX "stripe_subscriptions_connection_id_customer_id_idx" ON "stripe_subscriptions"("connection_id", "customer_id");

-- CreateIndex
CREATE INDEX "stripe_invoices_connection_id_customer_id_idx" ON "stripe_invoices"("connection_id", "customer_id");

-- CreateIndex
CREATE INDEX "stripe_charges_connection_id_customer_id_created_idx" ON "stripe_charges"("connection_id", "customer_id", "created");

-- CreateIndex
CREATE INDEX "stripe_checkout_sessions_connection_id_customer_id_idx" ON "stripe_checkout_sessions"("connection_id", "customer_id");

-- CreateIndex
CREATE INDEX "sync_runs_connection_id_started_at_idx" ON "sync_runs"("connection_id", "started_at");

-- CreateIndex
CREATE INDEX "sync_streams_run_id_idx" ON "sync_streams"("run_id");

-- CreateIndex
CREATE INDEX "contacts_workspace_id_created_at_idx" ON "contacts"("workspace_id", "created_at");

-- CreateIndex
CREATE INDEX "contacts_workspace_id_subscription_status_idx" ON "contacts"("workspace_id", "subscription_status");

-- CreateIndex
CREATE INDEX "contacts_workspace_id_mrr_idx" ON "contacts"("workspace_id", "mrr");

-- CreateIndex
CREATE INDEX "contacts_workspace_id_last_activity_at_idx" ON "contacts"("workspace_id", "last_activity_at");

-- CreateIndex
CREATE INDEX "contacts_workspace_id_external_id_idx" ON "contacts"("workspace_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_workspace_id_email_key" ON "contacts"("workspace_id", "email");

-- CreateIndex
CREATE INDEX "contact_stripe_links_contact_id_idx" ON "contact_stripe_links"("contact_id");

-- CreateIndex
CREATE UNIQUE INDEX "identity_conflicts_workspace_id_contact_id_key" ON "identity_conflicts"("workspace_id", "contact_id");

-- CreateIndex
CREATE INDEX "stripe_events_connection_id_status_received_at_idx" ON "stripe_events"("connection_id", "status", "received_at");

-- CreateIndex
CREATE INDEX "stripe_events_connection_id_created_idx" ON "stripe_events"("connection_id", "created");

-- CreateIndex
CREATE INDEX "billing_events_contact_id_occurred_at_idx" ON "billing_events"("contact_id", "occurred_at");

-- CreateIndex
CREATE INDEX "billing_events_workspace_id_type_occurred_at_idx" ON "billing_events"("workspace_id", "type", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "billing_events_connection_id_stripe_event_id_type_key" ON "billing_events"("connection_id", "stripe_event_id", "type");

-- CreateIndex
CREATE INDEX "segments_workspace_id_idx" ON "segments"("workspace_id");

-- CreateIndex
CREATE UNIQUE INDEX "segments_workspace_id_builtin_key_key" ON "segments"("workspace_id", "builtin_key");

-- CreateIndex
CREATE INDEX "segment_memberships_contact_id_idx" ON "segment_memberships"("contact_id");

-- CreateIndex
CREATE INDEX "segment_membership_changes_contact_id_at_idx" ON "segment_membership_changes"("contact_id", "at");

-- CreateIndex
CREATE INDEX "segment_membership_changes_segment_id_at_idx" ON "segment_membership_changes"("segment_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_workspace_id_idx" ON "api_keys"("workspace_id");

-- CreateIndex
CREATE INDEX "activity_events_contact_id_name_occurred_at_idx" ON "activity_events"("contact_id", "name", "occurred_at");

-- CreateIndex
CREATE INDEX "activity_events_workspace_id_name_occurred_at_idx" ON "activity_events"("workspace_id", "name", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "activity_events_workspace_id_message_id_key" ON "activity_events"("workspace_id", "message_id");

-- AddForeignKey
ALTER TABLE "auth_accounts" ADD CONSTRAINT "auth_accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stripe_connections" ADD CONSTRAINT "stripe_connections_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_streams" ADD CONSTRAINT "sync_streams_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_stripe_links" ADD CONSTRAINT "contact_stripe_links_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segments" ADD CONSTRAINT "segments_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_memberships" ADD CONSTRAINT "segment_memberships_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE CASCADE ON UPDATE CASCADE;


