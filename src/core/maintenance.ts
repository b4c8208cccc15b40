import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../infra/logger.js';
import { pruneRateLimitBuckets } from '../infra/shared-rate-limiter.js';

/**
 * Housekeeping: authorization transactions are only useful for ten minutes; keep them an hour for
 * diagnosis, then delete them (they hold a sealed PKCE verifier). Audit rows older than
 * AUDIT_RETENTION_DAYS are pruned: the only code that deletes audit rows (0 keeps them forever, for
 * deployments whose app role may only INSERT into the audit table). Shared rate-limit buckets that
 * are full again go too. Runs on every instance; the deletes are idempotent.
 */
const RETENTION_MS = 60 * 60_000;
const INTERVAL_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export interface MaintenanceOptions {
  /** Days audit rows are kept; 0 = never pruned. */
  auditRetentionDays: number;
}

export async function purgeExpiredTransactions(prisma: PrismaClient, now = Date.now()): Promise<number> {
  const { count } = await prisma.authorizationTransaction.deleteMany({ where: { expiresAt: { lt: new Date(now - RETENTION_MS) } } });
  return count;
}

export async function pruneAuditEvents(prisma: PrismaClient, retentionDays: number, now = Date.now()): Promise<number> {
  if (retentionDays <= 0) return 0;
  const { count } = await prisma.auditEvent.deleteMany({ where: { createdAt: { lt: new Date(now - retentionDays * DAY_MS) } } });
  return count;
}

export function scheduleMaintenance(prisma: PrismaClient, logger: Logger, options: MaintenanceOptions): () => void {
  const warn = (error: Error) => logger.warn({ error: error.name }, 'maintenance failed');
  const timer = setInterval(() => {
    void purgeExpiredTransactions(prisma)
      .catch(warn)
      .then(() => pruneAuditEvents(prisma, options.auditRetentionDays))
      .catch(warn)
      .then(() => pruneRateLimitBuckets(prisma))
      .catch(warn);
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
