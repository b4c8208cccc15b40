import { createHash } from 'node:crypto';
import type { PrismaClient, ViewerAuthorization } from '../generated/prisma/client.js';
import type { Keyring, SealContext } from '../infra/crypto.js';
import type { SqlQuery, Statement } from '../infra/db.js';
import type { AuthorizationStatusValue } from './events.js';
import { TtlCache, type CacheEntry } from '../infra/ttl-cache.js';
import type { MaybePromise } from '../infra/sync-first.js';

/**
 * Token custody: the only code that reads or writes a viewer's sealed tokens. Every token write is a
 * compare-and-set on `version`, so a newer token is never overwritten by an older one (checklist
 * E3); bookkeeping never rewrites whole rows.
 */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  refreshTokenExpiresInSeconds?: number;
  scope?: string;
}

export interface OpenedAuthorization {
  row: ViewerAuthorization;
  accessToken: string | undefined;
}

const tokenContext = (rowId: string, column: 'refresh_token' | 'access_token'): SealContext => ({
  table: 'viewer_authorizations',
  column,
  rowId,
});

/**
 * One row per (data source, viewer) with an id derived from both, so that concurrent first
 * authorizations agree on the row id that the ciphertexts are bound to.
 */
export function authorizationId(dataSourceId: string, userId: string): string {
  let ofDataSource = knownIds.get(dataSourceId);
  if (ofDataSource === undefined) {
    if (knownIds.size >= MAX_REMEMBERED_DATA_SOURCES) knownIds.clear();
    knownIds.set(dataSourceId, (ofDataSource = new Map()));
  }
  let id = ofDataSource.get(userId);
  if (id === undefined) {
    const h = createHash('sha256').update(`viewer-authorization\0${dataSourceId}\0${userId}`).digest('hex');
    id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
    if (ofDataSource.size >= MAX_REMEMBERED_VIEWERS) ofDataSource.clear();
    ofDataSource.set(userId, id);
  }
  return id;
}
/**
 * The derivation is pure; remembering it saves a hash per credential request. Two levels keyed by
 * the ids themselves, not one key built per call: the ids come from cached objects and V8 keeps
 * their string hashes, while a freshly concatenated key is hashed again on every lookup (measurable
 * with 10,000 viewers at random, benchmark path 4).
 */
const knownIds = new Map<string, Map<string, string>>();
const MAX_REMEMBERED_DATA_SOURCES = 1_000;
const MAX_REMEMBERED_VIEWERS = 200_000;

const utc = (column: string, field: string) => `${column} AT TIME ZONE 'UTC' AS "${field}"`;

/** One row by id, shaped as Prisma's ViewerAuthorization (infra/db.ts `Statement`). */
const SELECT_BY_ID: Statement = {
  name: 'viewer_authorization_by_id',
  text: `SELECT id, account_id AS "accountId", data_source_id AS "dataSourceId", user_id AS "userId", status::text AS status,
    refresh_token_sealed AS "refreshTokenSealed", access_token_sealed AS "accessTokenSealed",
    ${utc('access_token_expires_at', 'accessTokenExpiresAt')}, ${utc('access_token_issued_at', 'accessTokenIssuedAt')},
    ${utc('refresh_token_expires_at', 'refreshTokenExpiresAt')}, scope, version, ${utc('lease_until', 'leaseUntil')},
    lease_owner AS "leaseOwner", failure_count AS "failureCount", ${utc('retry_after', 'retryAfter')},
    last_error AS "lastError", ${utc('created_at', 'createdAt')}, ${utc('updated_at', 'updatedAt')}
    FROM viewer_authorizations WHERE id = $1::uuid`,
};

export class AuthorizationStore {
  /** Rows by id for the hot path; every write through this store replaces or drops the entry. */
  private readonly rows: TtlCache<string, ViewerAuthorization | null>;
  private readonly openedAccessTokens = new WeakMap<ViewerAuthorization, string>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlQuery,
    private readonly keyring: Keyring,
    cacheTtlMs: number,
  ) {
    this.rows = new TtlCache(cacheTtlMs);
  }

  /** `fresh` bypasses the cache: the refresher must see other processes' writes. */
  find(dataSourceId: string, userId: string, options?: { fresh?: boolean }): MaybePromise<ViewerAuthorization | null> {
    const id = authorizationId(dataSourceId, userId);
    if (!options?.fresh) {
      const cached = this.rows.get(id);
      if (cached !== undefined) return cached;
    }
    return this.read(id);
  }

  private async read(id: string): Promise<ViewerAuthorization | null> {
    const [row] = await this.sql<ViewerAuthorization>(SELECT_BY_ID, [id]);
    return this.remember(id, row ?? null);
  }

  /**
   * The cache entry holding this very row object, for a caller that keeps it: `isCurrent` on it turns
   * false when a write through this store, a status event, `forget` or the TTL ends it.
   */
  cacheEntryOf(row: ViewerAuthorization): CacheEntry<ViewerAuthorization | null> | undefined {
    const entry = this.rows.entry(row.id);
    return entry?.value === row ? entry : undefined;
  }

  /** Drops cached rows (after writes that bypass this store, e.g. deleting a data source). */
  forget(dataSourceId?: string, userId?: string): void {
    if (dataSourceId && userId) this.rows.delete(authorizationId(dataSourceId, userId));
    else this.rows.clear();
  }

  private remember<T extends ViewerAuthorization | null>(id: string, row: T): T {
    this.rows.set(id, row);
    return row;
  }

  /** Opened once per row object: cached rows are shared, so the hot path decrypts nothing. */
  openAccessToken(row: ViewerAuthorization): string | undefined {
    if (!row.accessTokenSealed) return undefined;
    let token = this.openedAccessTokens.get(row);
    if (token === undefined) {
      token = this.keyring.open(row.accessTokenSealed, tokenContext(row.id, 'access_token'));
      this.openedAccessTokens.set(row, token);
    }
    return token;
  }

  openRefreshToken(row: ViewerAuthorization): string | undefined {
    return row.refreshTokenSealed ? this.keyring.open(row.refreshTokenSealed, tokenContext(row.id, 'refresh_token')) : undefined;
  }

  /** A completed authorization-code flow: replaces whatever the viewer had (a new grant). */
  async saveGrant(ids: { accountId: string; dataSourceId: string; userId: string }, tokens: TokenSet): Promise<ViewerAuthorization> {
    const id = authorizationId(ids.dataSourceId, ids.userId);
    const data = this.tokenColumns(id, tokens, undefined);
    const row = await this.prisma.viewerAuthorization.upsert({
      where: { id },
      create: { id, ...ids, status: 'AUTHORIZED', ...data, version: 1 },
      update: { status: 'AUTHORIZED', ...data, version: { increment: 1 }, leaseUntil: null, leaseOwner: null },
    });
    return this.remember(id, row);
  }

  /**
   * Stores a refresh result if the row is still at `expectedVersion`. Without a new refresh token the
   * old one is kept (providers that do not rotate). Returns null when another writer got there first.
   */
  async saveRefresh(row: ViewerAuthorization, tokens: TokenSet): Promise<ViewerAuthorization | null> {
    const data = this.tokenColumns(row.id, tokens, row.refreshTokenSealed);
    const updated = await this.prisma.viewerAuthorization.updateMany({
      where: { id: row.id, version: row.version },
      data: { ...data, version: { increment: 1 }, leaseUntil: null, leaseOwner: null },
    });
    this.rows.delete(row.id);
    return updated.count === 1 ? this.find(row.dataSourceId, row.userId, { fresh: true }) : null;
  }

  /** Terminal states drop the tokens; compare-and-set so a fresh grant is never undone by a stale failure. */
  async setStatus(row: ViewerAuthorization, status: AuthorizationStatusValue, reason?: string): Promise<boolean> {
    const updated = await this.prisma.viewerAuthorization.updateMany({
      where: { id: row.id, version: row.version },
      data: {
        status,
        refreshTokenSealed: null,
        accessTokenSealed: null,
        accessTokenExpiresAt: null,
        version: { increment: 1 },
        leaseUntil: null,
        leaseOwner: null,
        lastError: reason ?? null,
      },
    });
    this.rows.delete(row.id);
    return updated.count === 1;
  }

  /** Bookkeeping after a failed refresh: touches only its own columns and releases the lease. */
  async recordFailure(row: ViewerAuthorization, failure: { failureCount: number; retryAfter: Date; lastError: string }): Promise<void> {
    await this.prisma.viewerAuthorization.updateMany({
      where: { id: row.id, version: row.version },
      data: { ...failure, leaseUntil: null, leaseOwner: null },
    });
    this.rows.delete(row.id);
  }

  /** Marks a viewer who declined at the provider, keeping any earlier grant they still hold. */
  async recordDeclined(ids: { accountId: string; dataSourceId: string; userId: string }): Promise<void> {
    const id = authorizationId(ids.dataSourceId, ids.userId);
    await this.prisma.viewerAuthorization.upsert({
      where: { id },
      create: { id, ...ids, status: 'DECLINED', version: 1 },
      update: {},
    });
    this.rows.delete(id);
  }

  private tokenColumns(id: string, tokens: TokenSet, previousRefreshSealed: string | null | undefined) {
    const now = Date.now();
    return {
      accessTokenSealed: this.keyring.seal(tokens.accessToken, tokenContext(id, 'access_token')),
      refreshTokenSealed: tokens.refreshToken
        ? this.keyring.seal(tokens.refreshToken, tokenContext(id, 'refresh_token'))
        : (previousRefreshSealed ?? null),
      accessTokenIssuedAt: new Date(now),
      accessTokenExpiresAt: new Date(now + tokens.expiresInSeconds * 1000),
      ...(tokens.refreshTokenExpiresInSeconds
        ? { refreshTokenExpiresAt: new Date(now + tokens.refreshTokenExpiresInSeconds * 1000) }
        : {}),
      scope: tokens.scope ?? null,
      failureCount: 0,
      retryAfter: null,
      lastError: null,
    };
  }
}
