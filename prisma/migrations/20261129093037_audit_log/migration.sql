-- CreateEnum
CREATE TYPE "AuditActorType" AS ENUM ('USER', 'CONTENT', 'PLATFORM', 'SYSTEM', 'VIEWER');

-- CreateEnum
CREATE TYPE "AuditAction" AS ENUM ('DATA_SOURCE_CREATED', 'DATA_SOURCE_UPDATED', 'DATA_SOURCE_REMOVED', 'DATA_SOURCE_ATTACHED', 'DATA_SOURCE_DETACHED', 'USER_CREATED', 'API_KEY_CREATED', 'API_KEY_REVOKED', 'CONTENT_CREATED', 'VIEWER_AUTHORIZED', 'AUTHORIZATION_DECLINED', 'TOKEN_REFRESHED', 'REAUTHORIZATION_REQUIRED', 'AUTHORIZATION_REVOKED', 'AUTHORIZATIONS_PURGED', 'CREDENTIAL_ISSUED', 'KEYS_ROTATED');

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "account_id" UUID,
    "actor_type" "AuditActorType" NOT NULL,
    "actor_id" TEXT,
    "action" "AuditAction" NOT NULL,
    "data_source_id" UUID,
    "content_id" UUID,
    "viewer_id" UUID,
    "subject_id" UUID,
    "reason" TEXT,
    "token_fingerprint" TEXT,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_account_id_created_at_idx" ON "audit_events"("account_id", "created_at" DESC);
