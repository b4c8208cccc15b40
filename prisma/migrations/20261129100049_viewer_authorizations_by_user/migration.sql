-- DropIndex
DROP INDEX "viewer_authorizations_account_id_idx";

-- CreateIndex
CREATE INDEX "viewer_authorizations_account_id_user_id_idx" ON "viewer_authorizations"("account_id", "user_id");
