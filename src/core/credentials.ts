import type { PrismaClient, ViewerAuthorization } from '../generated/prisma/client.js';
import { CryptoError } from '../infra/crypto.js';
import type { AttachmentResolver } from './attachments.js';
import type { AuthorizationFlow } from './authorization-flow.js';
import { ExchangeMemo } from './exchange-memo.js';
import type { AuthorizationStore } from './authorizations.js';
import { expiresInWithin, type TokenFreshness } from './freshness.js';
import { AppError, forbidden } from './errors.js';
import type { IssuanceAudit } from './issuance-audit.js';
import type { OriginPolicy } from './origins.js';
import type { Principal } from './principal.js';
import { viewerBudgetExceeded } from './rate-limits.js';
import type { ScopedRateLimiter } from '../infra/rate-limiter.js';
import type { Refresher } from './refresh.js';
import type { SessionTokenService, ViewerSession } from './session-tokens.js';
import { runSyncFirst, wait, type MaybePromise, type Steps } from '../infra/sync-first.js';

/**
 * The credential exchange: a content's key plus a viewer's session token in, that viewer's current
 * access token for one attached data source out. Credentials are looked up only by (account,
 * data source, viewer of the validated session): never by request arguments or a shared client
 * (Grafana CVE-2022-21673, simple-oauth2#88).
 */
export interface Credentials {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the content may use the token: the provider's remaining lifetime minus our refresh margin. */
  expiresIn: number;
  issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token';
  dataSourceId: string;
}

export class CredentialService {
  private readonly memo: ExchangeMemo;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionTokenService,
    private readonly attachments: AttachmentResolver,
    private readonly store: AuthorizationStore,
    private readonly refresher: Refresher,
    private readonly flow: AuthorizationFlow,
    private readonly freshness: TokenFreshness,
    private readonly origins: OriginPolicy,
    private readonly issuance: IssuanceAudit,
    /** Per API key and viewer (checklist C4/F9): posit-sdk exchanges on every Databricks request. */
    private readonly viewerBudget: ScopedRateLimiter,
  ) {
    this.memo = new ExchangeMemo(store, freshness, viewerBudget);
  }

  /**
   * Validates the session token and that the caller may act for its content, within the budget of
   * this key for this viewer: every viewer-scoped operation (exchange, authorization URL, status
   * subscription) comes through here, and a not-yet-authorized viewer's exchange writes a row.
   */
  viewerSession(principal: Principal, sessionToken: string): MaybePromise<ViewerSession> {
    return runSyncFirst(this.viewerSessionSteps(principal, sessionToken));
  }

  /**
   * `origin` is the caller's `Origin` header: present only when a browser makes the request.
   * Synchronous when the session, attachments, row and opened token are all cached (the hot path;
   * infra/sync-first.ts says why); a session's repeated exchange is answered from its last answer
   * while that still stands (exchange-memo.ts).
   */
  exchange(principal: Principal, sessionToken: string, dataSourceId?: string | null, origin?: string): MaybePromise<Credentials> {
    return runSyncFirst(this.exchangeSteps(principal, sessionToken, dataSourceId, origin));
  }

  private *viewerSessionSteps(principal: Principal, sessionToken: string): Steps<ViewerSession> {
    const session = yield* wait(this.sessions.verify(sessionToken));
    yield* this.admitSteps(principal, session);
    return session;
  }

  /** May this principal act for this verified session, within the viewer's budget (charged here)? */
  private *admitSteps(principal: Principal, session: ViewerSession): Steps<void> {
    if (session.accountId !== principal.accountId) throw forbidden('This session token belongs to another account');
    const retryAfterSeconds = this.viewerBudget.take(principal.apiKeyId, session.userId);
    if (retryAfterSeconds > 0) throw viewerBudgetExceeded(retryAfterSeconds);
    if (principal.kind === 'content') {
      if (principal.contentId !== session.contentId) throw forbidden('This session token was issued for other content');
      return;
    }
    const content = yield* wait(this.prisma.content.findUnique({ where: { id: session.contentId }, select: { ownerId: true } }));
    if (!content || content.ownerId !== principal.userId) {
      throw forbidden("Only the content's own key or its owner's key can exchange its session tokens");
    }
  }

  private *exchangeSteps(principal: Principal, sessionToken: string, dataSourceId?: string | null, origin?: string): Steps<Credentials> {
    const session = yield* wait(this.sessions.verify(sessionToken));
    // A browser's request (it sends Origin) is always checked in full.
    const remembered = origin === undefined ? this.memo.answer(session, principal, dataSourceId) : undefined;
    if (remembered !== undefined) return issued(remembered.accessToken, expiresInWithin(remembered.window), remembered.dataSourceId);
    yield* this.admitSteps(principal, session);
    if (origin !== undefined) yield* wait(this.origins.assertMayExchange(session.contentId, origin));
    const attachments = this.attachments.cacheEntryFor(session);
    const dataSource = yield* wait(this.attachments.resolve(session, dataSourceId, attachments));
    let row = yield* wait(this.store.find(dataSource.id, session.userId));
    if (row?.status === 'AUTHORIZED' && !this.freshness.isFresh(row)) row = yield* wait(this.refresher.refresh(row, dataSource));
    const accessToken = row?.status === 'AUTHORIZED' ? yield* this.openOrInvalidate(row) : undefined;
    if (!row || !accessToken) {
      const authorizationUrl = yield* wait(this.flow.createTransaction(session, dataSource));
      if (row?.status === 'REAUTHORIZATION_REQUIRED' || row?.status === 'AUTHORIZED') {
        throw new AppError('REAUTHORIZATION_REQUIRED', 'The viewer must authorize this data source again', { authorizationUrl });
      }
      throw new AppError('NOT_AUTHORIZED', 'The viewer has not authorized this data source yet', { authorizationUrl });
    }
    // Audited before it is returned; a token already audited for this content costs one WeakMap lookup.
    if (!this.issuance.isRecorded(row, session.contentId)) yield* wait(this.issuance.record(principal, session, row, accessToken));
    this.memo.remember({ session, principal, audience: dataSourceId, attachments, row, accessToken, dataSourceId: dataSource.id });
    return issued(accessToken, this.freshness.expiresIn(row), dataSource.id);
  }

  /**
   * A token that does not decrypt for its own row (tampered, or copied from another viewer's row)
   * is never served: the grant is marked for reauthorization instead (checklist D2).
   */
  private *openOrInvalidate(row: ViewerAuthorization): Steps<string | undefined> {
    try {
      return this.store.openAccessToken(row);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      yield* wait(this.refresher.requireReauthorization(row, 'stored token failed to decrypt'));
      return undefined;
    }
  }
}

const issued = (accessToken: string, expiresIn: number, dataSourceId: string): Credentials => ({
  accessToken,
  tokenType: 'Bearer',
  expiresIn,
  issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
  dataSourceId,
});
