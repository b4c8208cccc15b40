import type { PrismaClient } from '../generated/prisma/client.js';
import type { RateLimitConfig } from '../infra/config.js';
import type { Logger } from '../infra/logger.js';
import { RateLimiter, ScopedRateLimiter, type Budget, type RateLimitSpec } from '../infra/rate-limiter.js';
import { SharedRateLimiter } from '../infra/shared-rate-limiter.js';
import { AppError } from './errors.js';

/**
 * The four budgets of checklist F9, so that a leaked key, a content app stuck in a loop or a scanner
 * cannot hammer this server, its database or the providers (OWASP API4:2023). With the embedded
 * database there is one instance and every budget is in memory. On PostgreSQL (`shared`), the
 * budgets of the slow paths live in the database, so all instances draw from one budget; the
 * per-viewer exchange budget stays in memory on each instance (a client spreading one viewer's
 * exchanges over N instances gets up to N times it), which keeps the credential hot path free of
 * any database round trip.
 *
 * Bucket keys hold ids and client networks only, never keys or tokens: they end up in logs.
 */
export class RateLimits {
  /** Presented API keys that fail to authenticate, per client network (http/authentication-guard.ts). */
  readonly failedAuthentications: Budget;
  /** Credential exchanges, authorization URLs and status subscriptions, per API key (scope) and viewer. */
  readonly exchanges: ScopedRateLimiter;
  /** The browser routes (authorization start, callback), per route and client network. */
  readonly browserFlow: Budget;
  /** Mutations per API key, REST and GraphQL together. */
  readonly mutations: Budget;

  constructor(config: RateLimitConfig, logger: Logger, shared?: PrismaClient) {
    const limiter = (name: string, spec: RateLimitSpec | null): Budget => {
      const onRefused = refusalReporter(name, logger);
      return shared ? new SharedRateLimiter(shared, name, spec, { onRefused }) : new RateLimiter(spec, { onRefused });
    };
    this.failedAuthentications = limiter('failed authentications', config.failedAuthentications);
    // Scopes are API key ids (only authenticated callers get here); room for 100,000 viewers per key.
    this.exchanges = new ScopedRateLimiter(config.exchanges, { maxKeys: 100_000, onRefused: refusalReporter('credential exchanges', logger) });
    this.browserFlow = limiter('authorization pages', config.browserFlow);
    this.mutations = limiter('mutations', config.mutations);
  }
}

/** Throws RATE_LIMITED when `limiter` refuses `bucket`; `what` says what was refused, for humans. */
export async function enforce(limiter: Budget, bucket: string, what: string, cost = 1): Promise<void> {
  const retryAfterSeconds = await limiter.take(bucket, cost);
  if (retryAfterSeconds > 0) throw rateLimited(retryAfterSeconds, what);
}

export const rateLimited = (retryAfterSeconds: number, what: string) =>
  new AppError('RATE_LIMITED', `${what}: retry after ${retryAfterSeconds} s`, { retryAfterSeconds });

/** The per-viewer exchange budget (`RateLimits.exchanges`) refused. */
export const viewerBudgetExceeded = (retryAfterSeconds: number) => rateLimited(retryAfterSeconds, 'Too many requests for this viewer');

/**
 * One warning per limit per minute at most, counting the refusals since the last one: a flood of
 * refused requests must not become a flood of log lines.
 */
const REPORT_EVERY_MS = 60_000;
function refusalReporter(limit: string, logger: Logger): (bucket: string) => void {
  let refused = 0;
  let reportedAt = -Infinity;
  return (bucket) => {
    refused += 1;
    const now = Date.now();
    if (now - reportedAt < REPORT_EVERY_MS) return;
    logger.warn({ limit, refused, bucket }, 'rate limit reached');
    refused = 0;
    reportedAt = now;
  };
}
