import type { ViewerAuthorization } from '../generated/prisma/client.js';

type TokenTimes = Pick<ViewerAuthorization, 'accessTokenIssuedAt' | 'accessTokenExpiresAt'>;

/** What freshness reads off a row, as numbers: kept by a caller that answers from the same row again. */
export interface TokenWindow {
  /** Milliseconds since the epoch; NaN when the row has no expiry (never fresh). */
  readonly expiresAtMs: number;
  readonly marginSeconds: number;
}

/**
 * When an access token counts as fresh. The refresh margin is TOKEN_REFRESH_MARGIN_SECONDS but never
 * more than half the token's lifetime (a 10-minute Snowflake token is not refreshed every request).
 * Content is told a lifetime already reduced by the margin, so it asks again before we refresh.
 */
export class TokenFreshness {
  constructor(private readonly marginSeconds: number) {}

  marginFor(row: TokenTimes): number {
    const issued = row.accessTokenIssuedAt?.getTime();
    const expires = row.accessTokenExpiresAt?.getTime();
    const lifetime = issued && expires ? (expires - issued) / 1000 : Infinity;
    return Math.min(this.marginSeconds, Math.floor(lifetime / 2));
  }

  windowOf(row: TokenTimes): TokenWindow {
    return { expiresAtMs: row.accessTokenExpiresAt?.getTime() ?? NaN, marginSeconds: this.marginFor(row) };
  }

  isFresh(row: TokenTimes, now = Date.now()): boolean {
    return isFreshIn(this.windowOf(row), now);
  }

  /** Seconds the content may use the token. */
  expiresIn(row: TokenTimes, now = Date.now()): number {
    return expiresInWithin(this.windowOf(row), now);
  }
}

export function isFreshIn(window: TokenWindow, now = Date.now()): boolean {
  return window.expiresAtMs - window.marginSeconds * 1000 > now;
}

/** Seconds the content may use the token: at least 1, the margin taken off. */
export function expiresInWithin(window: TokenWindow, now = Date.now()): number {
  const remaining = Number.isNaN(window.expiresAtMs) ? 0 : Math.floor((window.expiresAtMs - now) / 1000);
  return Math.max(1, remaining - window.marginSeconds);
}
