-- CreateIndex
CREATE INDEX "viewer_authorizations_data_source_id_created_at_id_idx" ON "viewer_authorizations"("data_source_id", "created_at", "id");
