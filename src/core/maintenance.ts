import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../infra/logger.js';

/**
 * Housekeeping: authorization transactions are only useful for ten minutes; keep them an hour for
 * diagnosis, then delete them (they hold a sealed PKCE verifier). Runs on every instance; the delete
 * is idempotent.
 */
const RETENTION_MS = 60 * 60_000;
const INTERVAL_MS = 5 * 60_000;

export async function purgeExpiredTransactions(prisma: PrismaClient, now = Date.now()): Promise<number> {
  const { count } = await prisma.authorizationTransaction.deleteMany({ where: { expiresAt: { lt: new Date(now - RETENTION_MS) } } });
  return count;
}

export function scheduleMaintenance(prisma: PrismaClient, logger: Logger): () => void {
  const timer = setInterval(() => {
    purgeExpiredTransactions(prisma).catch((error: Error) => logger.warn({ error: error.name }, 'maintenance failed'));
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
