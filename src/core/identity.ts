import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { randomToken, sha256Base64Url } from '../infra/crypto.js';
import { actorOf, systemActor, type AuditLog } from './audit.js';
import { AppError, forbidden, fromZodIssues, notFound } from './errors.js';
import { isAdmin, type Principal } from './principal.js';
import { isUniqueViolation } from './prisma-errors.js';
import { TtlCache } from '../infra/ttl-cache.js';
import type { MaybePromise } from '../infra/sync-first.js';

/**
 * Accounts, users and API keys. A key is `oik_` + 32 random bytes; only its SHA-256 is stored (the
 * entropy makes a slow hash pointless) and the plaintext is returned exactly once.
 */
const API_KEY_PREFIX = 'oik_';

export const createUserInput = z.object({
  email: z.email().max(320).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  role: z.enum(['ADMIN', 'PUBLISHER', 'VIEWER', 'PLATFORM']),
});
const accountName = z.string().trim().min(1).max(100);
const keyName = z.string().trim().min(1).max(100);

export interface CreatedKey {
  key: string;
  apiKey: { id: string; name: string; createdAt: Date };
}

export class IdentityService {
  /**
   * Principals by the presented key itself: authentication runs on every request and keys change
   * rarely, so a hit costs no hash. It holds nothing the process does not already hold (verified
   * session tokens and opened access tokens are cached the same way), and a revocation clears it.
   */
  private readonly principals: TtlCache<string, Principal | null>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditLog,
    cacheTtlMs: number,
  ) {
    this.principals = new TtlCache(cacheTtlMs);
  }

  /** Creates an account and its first admin; fails with CONFLICT when the account exists. */
  async bootstrap(input: { account: string; email: string; name?: string }) {
    const name = accountName.safeParse(input.account);
    if (!name.success) throw fromZodIssues(name.error.issues, 'account');
    const admin = createUserInput.safeParse({ email: input.email, name: input.name ?? input.email, role: 'ADMIN' });
    if (!admin.success) throw fromZodIssues(admin.error.issues);
    const accountId = randomUUID();
    const userId = randomUUID();
    const key = newKey();
    const apiKeyId = randomUUID();
    // The command line acts as the server itself: there is no principal yet.
    const bootstrapped = { accountId, actor: systemActor(), reason: 'bootstrap' };
    try {
      await this.prisma.$transaction([
        this.prisma.account.create({ data: { id: accountId, name: name.data } }),
        this.prisma.user.create({ data: { id: userId, accountId, ...admin.data } }),
        this.prisma.apiKey.create({
          data: { id: apiKeyId, accountId, userId, name: 'bootstrap', keyHash: sha256Base64Url(key) },
        }),
        this.audit.insert({ ...bootstrapped, action: 'USER_CREATED', subjectId: userId }),
        this.audit.insert({ ...bootstrapped, action: 'API_KEY_CREATED', subjectId: apiKeyId }),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `Account "${name.data}" already exists`);
      throw error;
    }
    return { accountId, userId, apiKey: key };
  }

  async createUser(principal: Principal, input: unknown) {
    if (!isAdmin(principal)) throw forbidden('Only admins can create users');
    const parsed = createUserInput.safeParse(input);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'input');
    let user;
    try {
      user = await this.prisma.user.create({
        data: { id: randomUUID(), accountId: principal.accountId, ...parsed.data },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError('CONFLICT', `A user with email ${parsed.data.email} already exists`, { field: 'input.email' });
      }
      throw error;
    }
    await this.audit.record({
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'USER_CREATED',
      subjectId: user.id,
      reason: `role ${user.role}`,
    });
    return user;
  }

  /** Admins create keys for any user of their account; everyone else only for themselves. */
  async createApiKey(principal: Principal, userId: string, name?: string | null): Promise<CreatedKey> {
    if (principal.kind !== 'user') throw forbidden();
    if (!isAdmin(principal) && principal.userId !== userId) throw forbidden('You can only create keys for yourself');
    const parsedName = keyName.safeParse(name ?? 'api key');
    if (!parsedName.success) throw fromZodIssues(parsedName.error.issues, 'name');
    const user = await this.prisma.user.findFirst({ where: { id: userId, accountId: principal.accountId } });
    if (!user) throw notFound('User');
    return this.issueKey(principal, { accountId: principal.accountId, userId, name: parsedName.data });
  }

  /** `by` has already been checked by the caller (own key, admin, or the content's manager). */
  async issueKey(by: Principal, owner: { accountId: string; userId?: string; contentId?: string; name: string }): Promise<CreatedKey> {
    const key = newKey();
    const apiKey = await this.prisma.apiKey.create({
      data: { id: randomUUID(), keyHash: sha256Base64Url(key), ...owner },
      select: { id: true, name: true, createdAt: true },
    });
    await this.audit.record({
      accountId: owner.accountId,
      actor: actorOf(by),
      action: 'API_KEY_CREATED',
      subjectId: apiKey.id,
      contentId: owner.contentId ?? null,
      reason: owner.userId ? `for user ${owner.userId}` : 'content key',
    });
    return { key, apiKey };
  }

  /** Admins revoke any key of their account (user or content keys); others only their own. Immediate here. */
  async revokeApiKey(principal: Principal, apiKeyId: string): Promise<boolean> {
    if (principal.kind !== 'user') throw forbidden();
    const key = z.uuid().safeParse(apiKeyId).success
      ? await this.prisma.apiKey.findFirst({ where: { id: apiKeyId, accountId: principal.accountId } })
      : null;
    if (!key) throw notFound('API key');
    if (!isAdmin(principal) && key.userId !== principal.userId) throw forbidden('You can only revoke your own keys');
    const { count } = await this.prisma.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: new Date() } });
    // Entries are keyed by the plaintext key, which is not stored: revocations are rare, so all go.
    this.principals.clear();
    if (count > 0) {
      await this.audit.record({
        accountId: principal.accountId,
        actor: actorOf(principal),
        action: 'API_KEY_REVOKED',
        subjectId: key.id,
        contentId: key.contentId,
      });
    }
    return true;
  }

  /**
   * Resolves an `Authorization: Key <key>` value to a principal, or null for any unknown/revoked key.
   * `beforeLookup` runs only when the answer is not cached and may throw to refuse the lookup (the
   * failed-authentication budget, http/authentication-guard.ts).
   */
  authenticate(key: string, beforeLookup?: () => Promise<void>): MaybePromise<Principal | null> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
    const cached = this.principals.get(key);
    if (cached !== undefined) return cached;
    return this.authenticateByLookup(key, beforeLookup);
  }

  /** The principal of a key this instance has seen valid and not revoked since; undefined otherwise. */
  knownPrincipal(key: string): Principal | undefined {
    return this.principals.get(key) ?? undefined;
  }

  private async authenticateByLookup(key: string, beforeLookup?: () => Promise<void>): Promise<Principal | null> {
    await beforeLookup?.();
    const principal = await this.lookup(sha256Base64Url(key));
    this.principals.set(key, principal);
    return principal;
  }

  private async lookup(keyHash: string): Promise<Principal | null> {
    const row = await this.prisma.apiKey.findUnique({
      where: { keyHash },
      include: { user: { select: { role: true } }, content: { select: { ownerId: true } } },
    });
    if (!row || row.revokedAt) return null;
    if (row.userId && row.user) {
      return { kind: 'user', accountId: row.accountId, userId: row.userId, role: row.user.role as Role, apiKeyId: row.id };
    }
    if (row.contentId && row.content) {
      return { kind: 'content', accountId: row.accountId, contentId: row.contentId, ownerId: row.content.ownerId, apiKeyId: row.id };
    }
    return null;
  }

  async user(principal: Principal, userId: string) {
    const user = await this.prisma.user.findFirst({ where: { id: userId, accountId: principal.accountId } });
    if (!user) throw notFound('User');
    return user;
  }
}

const newKey = () => `${API_KEY_PREFIX}${randomToken(32)}`;
