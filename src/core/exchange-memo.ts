import type { ViewerAuthorization } from '../generated/prisma/client.js';
import type { Bucket, RateLimiter, ScopedRateLimiter } from '../infra/rate-limiter.js';
import { isCurrent, type CacheEntry } from '../infra/ttl-cache.js';
import type { AuthorizationStore } from './authorizations.js';
import { isFreshIn, type TokenFreshness, type TokenWindow } from './freshness.js';
import type { Principal } from './principal.js';
import { viewerBudgetExceeded } from './rate-limits.js';
import type { ViewerSession } from './session-tokens.js';

/** The parts of an exchange's answer that stay the same while it stands. */
export interface RememberedAnswer {
  readonly accessToken: string;
  readonly window: TokenWindow;
  readonly dataSourceId: string;
}

/**
 * What one verified session's last exchange answered, and the cache entries that answer rested on.
 * Everything the full exchange checks is either fixed for the session and principal (account,
 * content) or held by one of these entries, so while they all hold the answer stands.
 */
interface Remembered extends RememberedAnswer {
  principal: Principal;
  audience: string | null | undefined;
  /** The content's attachments as the data source was chosen from them. */
  attachments: CacheEntry<unknown>;
  /** The row the token came from. */
  row: CacheEntry<ViewerAuthorization | null>;
  /** The viewer's budget under this key (null while budgets are off): charged on every answer all the same. */
  limiter: RateLimiter | null;
  bucket: Bucket | null;
}

/** What the full exchange had in hand when it answered (see `remember`). */
export interface AnsweredExchange {
  session: ViewerSession;
  principal: Principal;
  audience: string | null | undefined;
  /** The attachments' cache entry taken just before the data source was resolved from it. */
  attachments: CacheEntry<unknown> | undefined;
  row: ViewerAuthorization;
  accessToken: string;
  dataSourceId: string;
}

/**
 * The credential exchange's answer per verified viewer session, given again without the lookups
 * that produced it. With many viewers each of those lookups (the budget's bucket, the row's id and
 * cache entry, the opened token, the audit check, the token's dates) costs CPU-cache misses: a
 * random one of 10,000 viewers cost 10.9 µs more CPU per request than a single viewer, 7.5 µs with
 * this memo (perf, bench path 4, bench/FINDINGS.md).
 *
 * An answer is given again only while nothing it rests on has changed:
 * - the same principal object: the identity cache's, so a revoked or changed key is another object
 *   or none. Content keys only: an owner's key is checked against the database on every exchange;
 * - the same requested data source, and no Origin header (a browser's request is checked in full);
 * - the attachments' and the row's cache entries still held and within their TTL: each write through
 *   the store (logout, revocation, refresh, a new grant), status event from any instance, attach,
 *   detach, data-source change or `forget` drops them;
 * - the access token still fresh (otherwise the full exchange refreshes it);
 * - the budget's bucket still the limiter's, and within budget: it is charged on every answer.
 * The session token itself is verified on every request before this is asked. Entries are held
 * in a WeakMap on the cached session object, so they go when the session cache lets it go.
 */
export class ExchangeMemo {
  private readonly remembered = new WeakMap<ViewerSession, Remembered>();

  constructor(
    private readonly store: AuthorizationStore,
    private readonly freshness: TokenFreshness,
    private readonly viewerBudget: ScopedRateLimiter,
  ) {}

  /**
   * This session's last answer if it still stands, the viewer's budget charged; undefined when the
   * full exchange must run. Throws RATE_LIMITED as the full exchange would.
   */
  answer(session: ViewerSession, principal: Principal, audience: string | null | undefined): RememberedAnswer | undefined {
    const last = this.remembered.get(session);
    if (last === undefined || last.principal !== principal || last.audience !== audience) return undefined;
    const now = Date.now();
    if (!isCurrent(last.attachments, now) || !isCurrent(last.row, now) || !isFreshIn(last.window, now)) return undefined;
    if (last.limiter !== null) {
      const retryAfterSeconds = last.limiter.takeFrom(session.userId, last.bucket!);
      if (retryAfterSeconds === undefined) return undefined;
      if (retryAfterSeconds > 0) throw viewerBudgetExceeded(retryAfterSeconds);
    }
    return last;
  }

  /**
   * Called by the full exchange once it has answered (audited included). Remembers nothing unless
   * the entries the answer came from are still the cache's now: a change that raced with the
   * exchange's awaits must not be papered over.
   */
  remember(answered: AnsweredExchange): void {
    const { session, principal, row } = answered;
    if (principal.kind !== 'content' || answered.attachments === undefined || !isCurrent(answered.attachments)) return;
    const rowEntry = this.store.cacheEntryOf(row);
    if (rowEntry === undefined) return;
    const limiter = this.viewerBudget.limiterOf(principal.apiKeyId);
    const bucket = limiter?.bucket(session.userId);
    if (limiter !== undefined && bucket === undefined) return;
    this.remembered.set(session, {
      principal,
      audience: answered.audience,
      attachments: answered.attachments,
      row: rowEntry,
      limiter: limiter ?? null,
      bucket: bucket ?? null,
      window: this.freshness.windowOf(row),
      accessToken: answered.accessToken,
      dataSourceId: answered.dataSourceId,
    });
  }
}
