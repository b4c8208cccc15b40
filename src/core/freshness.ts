import type { ViewerAuthorization } from '../generated/prisma/client.js';

/**
 * When an access token counts as fresh. The refresh margin is TOKEN_REFRESH_MARGIN_SECONDS but never
 * more than half the token's lifetime (a 10-minute Snowflake token is not refreshed every request).
 * Content is told a lifetime already reduced by the margin, so it asks again before we refresh.
 */
export class TokenFreshness {
  constructor(private readonly marginSeconds: number) {}

  marginFor(row: Pick<ViewerAuthorization, 'accessTokenIssuedAt' | 'accessTokenExpiresAt'>): number {
    const issued = row.accessTokenIssuedAt?.getTime();
    const expires = row.accessTokenExpiresAt?.getTime();
    const lifetime = issued && expires ? (expires - issued) / 1000 : Infinity;
    return Math.min(this.marginSeconds, Math.floor(lifetime / 2));
  }

  isFresh(row: Pick<ViewerAuthorization, 'accessTokenIssuedAt' | 'accessTokenExpiresAt'>, now = Date.now()): boolean {
    return Boolean(row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - this.marginFor(row) * 1000 > now);
  }

  /** Seconds the content may use the token. */
  expiresIn(row: Pick<ViewerAuthorization, 'accessTokenIssuedAt' | 'accessTokenExpiresAt'>, now = Date.now()): number {
    const remaining = Math.floor(((row.accessTokenExpiresAt?.getTime() ?? now) - now) / 1000);
    return Math.max(1, remaining - this.marginFor(row));
  }
}
