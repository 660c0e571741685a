-- Sync health (F21): recorded facts on connections, per-workspace thresholds, in-app notices
-- and the email outbox. Indexes created by raw-SQL migrations are not declared in the schema,
-- so a generated diff wants to drop them: those statements are left out on purpose.

-- AlterTable
ALTER TABLE "stripe_connections" ADD COLUMN     "endpoint_check" JSONB,
ADD COLUMN     "endpoint_checked_at" TIMESTAMP(3),
ADD COLUMN     "health_changed_at" TIMESTAMP(3),
ADD COLUMN     "health_reason" TEXT,
ADD COLUMN     "health_state" TEXT,
ADD COLUMN     "key_checked_at" TIMESTAMP(3),
ADD COLUMN     "key_error" TEXT,
ADD COLUMN     "paused_from_status" "ConnectionStatus";

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "health_thresholds" JSONB;

-- CreateTable
CREATE TABLE "notices" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "connection_id" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "href" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMP(3),

    CONSTRAINT "notices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_emails" (
    "id" TEXT NOT NULL,
    "workspace_id" TEXT,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "outbox_emails_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "notices_user_id_workspace_id_read_at_created_at_idx" ON "notices"("user_id", "workspace_id", "read_at", "created_at");

-- CreateIndex
CREATE INDEX "outbox_emails_workspace_id_created_at_idx" ON "outbox_emails"("workspace_id", "created_at");

-- CreateIndex
CREATE INDEX "stripe_events_connection_id_received_at_idx" ON "stripe_events"("connection_id", "received_at");

-- AddForeignKey
ALTER TABLE "notices" ADD CONSTRAINT "notices_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
