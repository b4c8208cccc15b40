import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { PrismaClient } from '../generated/prisma/client.js';
import { AppError, forbidden, notFound } from './errors.js';
import { hasRole, type Principal } from './principal.js';
import type { MaybePromise } from '../infra/sync-first.js';

/**
 * Viewer session tokens: what the hosting platform puts into each viewer request to content
 * (header Posit-Connect-User-Session-Token). A compact JWS (HS256, pinned) with an explicit `typ`,
 * `iss` = this server, `aud` = the content it was minted for, `sub` = the viewer, `acc` = the
 * account, a short `exp` and a `jti`. A provider token, an ID token or any other JWT cannot pass:
 * the typ, issuer, audience prefix and key all differ (RFC 8725 §3.11-3.12, checklist C1/G4).
 */
export const SESSION_TOKEN_TYPE = 'oi-session+jwt';
const AUDIENCE_PREFIX = 'urn:oauth-integrations:content:';

export interface ViewerSession {
  accountId: string;
  contentId: string;
  userId: string;
  expiresAt: number;
}

export class SessionTokenService {
  /**
   * Verified tokens, kept until they expire: verification is on the credential hot path. Keyed by a
   * number read off the signature's last characters (cacheKey), not by the token: each request brings
   * the token as a fresh string, which a string key would have to hash in full (~0.4 µs of the
   * exchange's ~20), and with many viewers every string key compared is one more cache miss. The entry
   * holds its own copy of the token, and only an identical token is answered from it.
   */
  private readonly verified = new Map<number, { token: string; session: ViewerSession }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly signingKey: Uint8Array,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  /** For a trusted caller (PLATFORM key or admin): the viewer and content must be in its account. */
  async create(principal: Principal, contentId: string, userId: string): Promise<string> {
    if (!hasRole(principal, 'ADMIN', 'PLATFORM')) throw forbidden('Only platform keys and admins mint session tokens');
    const [content, user] = await Promise.all([
      this.prisma.content.findFirst({ where: { id: contentId, accountId: principal.accountId }, select: { id: true } }),
      this.prisma.user.findFirst({ where: { id: userId, accountId: principal.accountId }, select: { id: true } }),
    ]).catch(() => [null, null] as const);
    if (!content) throw notFound('Content');
    if (!user) throw notFound('User');
    return this.sign({ accountId: principal.accountId, contentId, userId });
  }

  sign(session: Omit<ViewerSession, 'expiresAt'>): Promise<string> {
    return new SignJWT({ acc: session.accountId })
      .setProtectedHeader({ alg: 'HS256', typ: SESSION_TOKEN_TYPE })
      .setIssuer(this.issuer)
      .setAudience(`${AUDIENCE_PREFIX}${session.contentId}`)
      .setSubject(session.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.signingKey);
  }

  /**
   * Throws INVALID_SESSION_TOKEN with no detail for any fault (bad signature, alg, typ, expiry...).
   * A token already verified and not expired is answered synchronously (the credential hot path).
   */
  verify(token: string): MaybePromise<ViewerSession> {
    const cached = this.verified.get(cacheKey(token));
    if (cached?.token === token && cached.session.expiresAt * 1000 > Date.now()) return cached.session;
    return this.verifySignature(token);
  }

  private async verifySignature(token: string): Promise<ViewerSession> {
    const key = cacheKey(token);
    if (this.verified.get(key)?.token === token) this.verified.delete(key);
    if (token.length > 4096) throw invalidSession();
    try {
      const { payload } = await jwtVerify(token, this.signingKey, {
        algorithms: ['HS256'],
        typ: SESSION_TOKEN_TYPE,
        issuer: this.issuer,
        requiredClaims: ['sub', 'aud', 'exp', 'jti'],
        clockTolerance: 60,
      });
      const audience = typeof payload.aud === 'string' ? payload.aud : '';
      if (!audience.startsWith(AUDIENCE_PREFIX) || typeof payload.acc !== 'string') throw invalidSession();
      const session: ViewerSession = {
        accountId: payload.acc,
        contentId: audience.slice(AUDIENCE_PREFIX.length),
        userId: payload.sub!,
        expiresAt: payload.exp! + 60,
      };
      if (this.verified.size > 100_000) this.verified.clear();
      // A copy: the token arrives as a slice of the whole request body, which it would keep alive.
      this.verified.set(key, { token: Buffer.from(token, 'latin1').toString('latin1'), session });
      return session;
    } catch (error) {
      if (error instanceof AppError || error instanceof joseErrors.JOSEError) throw invalidSession();
      throw error;
    }
  }
}

/**
 * A 32-bit number from the last 8 characters, the end of an HS256 signature, which only the signing
 * key can choose. Two verified tokens that share it take turns in one entry (verified again on a
 * miss); a forged token that shares it finds an entry holding another token and is verified too.
 */
function cacheKey(token: string): number {
  let key = 0;
  for (let i = Math.max(0, token.length - 8); i < token.length; i++) key = (Math.imul(key, 31) + token.charCodeAt(i)) | 0;
  return key;
}

const invalidSession = () => new AppError('INVALID_SESSION_TOKEN', 'The session token is invalid or expired');
