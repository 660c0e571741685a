-- F16: one contact per (workspace, external id), so two activity API calls racing for a new
-- userId cannot create two contacts; and identify calls remembered by messageId, so a replayed
-- identify cannot revert attributes.

-- Existing duplicates (created by that race) keep the external id on their oldest contact only.
UPDATE "contacts" SET "external_id" = NULL
WHERE "id" IN (
  SELECT "id" FROM (
    SELECT "id", row_number() OVER (PARTITION BY "workspace_id", "external_id" ORDER BY "created_at", "id") AS rn
    FROM "contacts" WHERE "external_id" IS NOT NULL
  ) d WHERE d.rn > 1
);

-- DropIndex
DROP INDEX "contacts_workspace_id_external_id_idx";

-- CreateIndex
CREATE UNIQUE INDEX "contacts_workspace_id_external_id_key" ON "contacts"("workspace_id", "external_id");

-- CreateTable
CREATE TABLE "api_messages" (
    "workspace_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_messages_pkey" PRIMARY KEY ("workspace_id","message_id")
);

-- AddForeignKey
ALTER TABLE "api_messages" ADD CONSTRAINT "api_messages_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
