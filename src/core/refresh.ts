import * as client from 'openid-client';
import type { DataSource, PrismaClient, ViewerAuthorization } from '../generated/prisma/client.js';
import { CryptoError } from '../infra/crypto.js';
import type { Logger } from '../infra/logger.js';
import { outboundRefusalIn } from '../infra/outbound-refusals.js';
import { providerFor } from '../providers/index.js';
import { systemActor, type AuditEntry, type AuditLog } from './audit.js';
import type { AuthorizationStore } from './authorizations.js';
import { AppError } from './errors.js';
import type { EventBus } from './events.js';
import type { OAuthClients } from './oauth-client.js';
import type { TokenFreshness } from './freshness.js';
import { providerRefusal } from './provider-refusal.js';
import { tokenSetFrom } from './token-response.js';

/**
 * Refreshing a viewer's access token: exactly one refresh per (data source, viewer) at a time,
 * within a process (a promise map) and across processes (a lease on the row plus a version
 * compare-and-set). The provider call happens outside any database transaction: PGlite has one
 * connection and PostgreSQL pools are finite (checklist E1-E5, A13-A14).
 *
 * - The rotated refresh token is stored before any caller sees the new access token.
 * - `invalid_grant`: re-read first (another process may have rotated it); otherwise the viewer must
 *   reauthorize. Never retried.
 * - Outage (network, timeout, 5xx, 429): keep the refresh token, back off, serve the cached access
 *   token while it is still valid; never mark reauthorization for an outage.
 * - Refused by our own SSRF policy (non-public address, a redirect): keep the tokens, back off, and
 *   answer PROVIDER_MISCONFIGURED (checklist F11).
 */
const LEASE_MS = 30_000;
const WAIT_STEP_MS = 50;
const MAX_BACKOFF_MS = 5 * 60_000;

/** The row after the refresh, or null when it disappeared meanwhile (logout, removed data source). */
export type RefreshResult = ViewerAuthorization | null;

export class Refresher {
  private readonly inFlight = new Map<string, Promise<RefreshResult>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: AuthorizationStore,
    private readonly clients: OAuthClients,
    private readonly events: EventBus,
    private readonly instanceId: string,
    private readonly logger: Logger,
    private readonly freshness: TokenFreshness,
    private readonly audit: AuditLog,
  ) {}

  refresh(row: ViewerAuthorization, dataSource: DataSource): Promise<RefreshResult> {
    const running = this.inFlight.get(row.id);
    if (running) return running;
    const started = this.refreshOnce(row, dataSource).finally(() => this.inFlight.delete(row.id));
    this.inFlight.set(row.id, started);
    return started;
  }

  private async refreshOnce(initial: ViewerAuthorization, dataSource: DataSource): Promise<RefreshResult> {
    let row = initial;
    const deadline = Date.now() + LEASE_MS + 5_000;
    for (;;) {
      if (row.status !== 'AUTHORIZED') return row;
      if (this.freshness.isFresh(row)) return row;
      if (row.retryAfter && row.retryAfter.getTime() > Date.now()) return this.outageAnswer(row);
      if (await this.acquireLease(row)) return this.refreshWithLease(row, dataSource);
      // Someone else (another process) holds the lease: wait for its result.
      if (Date.now() > deadline) return this.outageAnswer(row);
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      const reread = await this.store.find(row.dataSourceId, row.userId, { fresh: true });
      if (!reread) return null; // logged out or removed meanwhile
      row = reread;
    }
  }

  private async acquireLease(row: ViewerAuthorization): Promise<boolean> {
    const taken = await this.prisma.$executeRaw`
      UPDATE viewer_authorizations
         SET lease_until = now() + make_interval(secs => ${LEASE_MS / 1000}), lease_owner = ${this.instanceId}
       WHERE id = ${row.id}::uuid AND version = ${row.version}
         AND (lease_until IS NULL OR lease_until < now())`;
    return taken === 1;
  }

  private async refreshWithLease(row: ViewerAuthorization, dataSource: DataSource): Promise<RefreshResult> {
    const provider = providerFor(dataSource.provider);
    let refreshToken: string | undefined;
    try {
      refreshToken = this.store.openRefreshToken(row);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      return this.requireReauthorization(row, 'stored token failed to decrypt');
    }
    if (!refreshToken) return this.requireReauthorization(row, 'no refresh token');
    let tokens;
    try {
      const config = await this.clients.configuration(dataSource);
      const response = await client.refreshTokenGrant(config, refreshToken);
      tokens = tokenSetFrom(response, provider.defaultAccessTokenLifetimeSeconds);
    } catch (error) {
      // We refused the request ourselves (non-public address, redirect): an admin must fix the data
      // source. The tokens stay as they are; back off so each viewer request does not retry it.
      const refusal = outboundRefusalIn(error);
      if (refusal) {
        await this.backOff(row, refusal.reason);
        throw providerRefusal(refusal, provider.displayName);
      }
      const oauthError = (error as { error?: unknown }).error;
      if (error instanceof client.ResponseBodyError && (oauthError === 'invalid_grant' || isSnowflakeInvalidGrant(error))) {
        const reread = await this.store.find(row.dataSourceId, row.userId, { fresh: true });
        if (reread && reread.version !== row.version) return reread; // a sibling rotated it: that is a success
        return this.requireReauthorization(row, 'invalid_grant');
      }
      if (error instanceof client.ResponseBodyError && (oauthError === 'invalid_client' || oauthError === 'unauthorized_client')) {
        await this.backOff(row, 'invalid_client');
        throw new AppError('PROVIDER_MISCONFIGURED', 'The data source is misconfigured at the provider; ask an admin to check it');
      }
      const failed = await this.backOff(row, describeOutage(error));
      return this.outageAnswer(failed);
    }
    const saved = await this.store.saveRefresh(row, tokens);
    if (saved) {
      // The rotated token is stored first (it must be: the old refresh token is spent). If its audit
      // row cannot be written, this exchange fails closed (503, no token) as CREDENTIAL_ISSUED does.
      await this.audit.recordOrWithhold({ ...this.auditEntry(row, 'TOKEN_REFRESHED'), tokenFingerprint: this.audit.fingerprint(tokens.accessToken) });
      return saved;
    }
    // Another writer got in first (our lease had expired): theirs is newer; never overwrite it.
    return (await this.store.find(row.dataSourceId, row.userId, { fresh: true })) ?? row;
  }

  async requireReauthorization(row: ViewerAuthorization, reason: string): Promise<RefreshResult> {
    if (await this.store.setStatus(row, 'REAUTHORIZATION_REQUIRED', reason)) {
      await this.events.publish({
        accountId: row.accountId,
        dataSourceId: row.dataSourceId,
        userId: row.userId,
        status: 'REAUTHORIZATION_REQUIRED',
        at: new Date(),
      });
      // After the publish: other instances must drop their cached row even if this insert fails.
      await this.audit.record({ ...this.auditEntry(row, 'REAUTHORIZATION_REQUIRED'), reason });
    }
    return (await this.store.find(row.dataSourceId, row.userId, { fresh: true })) ?? row;
  }

  private auditEntry(row: ViewerAuthorization, action: 'TOKEN_REFRESHED' | 'REAUTHORIZATION_REQUIRED'): AuditEntry {
    return { accountId: row.accountId, actor: systemActor(this.instanceId), action, dataSourceId: row.dataSourceId, viewerId: row.userId };
  }

  /** Releases the lease and schedules the next attempt with exponential backoff and jitter. */
  private async backOff(row: ViewerAuthorization, reason: string): Promise<ViewerAuthorization> {
    const failures = row.failureCount + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures, 12)) * (0.75 + Math.random() / 2);
    this.logger.warn({ dataSourceId: row.dataSourceId, failures, reason }, 'token refresh failed; backing off');
    const retryAfter = new Date(Date.now() + delay);
    await this.store.recordFailure(row, { failureCount: failures, retryAfter, lastError: reason });
    return { ...row, failureCount: failures, retryAfter };
  }

  /** During an outage the cached access token is served while it is still valid at all. */
  private outageAnswer(row: ViewerAuthorization): RefreshResult {
    if (row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() > Date.now() + 5_000) return row;
    const retryAfterSeconds = row.retryAfter ? Math.max(1, Math.ceil((row.retryAfter.getTime() - Date.now()) / 1000)) : 5;
    throw new AppError('PROVIDER_UNAVAILABLE', 'The data provider is unavailable; retry later', { retryAfterSeconds });
  }
}

/** Snowflake may answer an expired/revoked refresh token with a `message` and no standard `error`. */
function isSnowflakeInvalidGrant(error: client.ResponseBodyError): boolean {
  const body = error.cause as { message?: unknown } | undefined;
  return error.status === 400 && typeof body?.message === 'string' && /refresh token.*(invalid|expired|revoked)/i.test(body.message);
}

function describeOutage(error: unknown): string {
  if (error instanceof client.ResponseBodyError) return `provider status ${error.status}`;
  if (error instanceof Error && 'status' in error) return `provider status ${(error as { status: unknown }).status}`;
  return error instanceof Error ? error.name : 'unknown';
}
