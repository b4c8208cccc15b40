import { createHmac, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEvent, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { AuditAction, type AuditActorType } from '../generated/prisma/enums.js';
import type { SqlQuery, Statement } from '../infra/db.js';
import type { Logger } from '../infra/logger.js';
import { AppError, badInput, forbidden, fromZodIssues } from './errors.js';
import { isAdmin, type Principal } from './principal.js';

/**
 * The audit log (security checklist G5): one append-only row per admin change, grant lifecycle
 * event and credential issuance, written by the domain service where the change happens. This class
 * is the only writer of `audit_events` and it only inserts (maintenance.ts prunes rows past the
 * retention). A row never carries a secret: an access token appears only as `fingerprint(token)`,
 * an HMAC as Vault's audit devices store sensitive values; refresh tokens, codes, client secrets and
 * API keys not at all.
 */
export interface Actor {
  type: AuditActorType;
  id: string | null;
}

export interface AuditEntry {
  /** Null only for server-wide actions (key rotation). */
  accountId: string | null;
  actor: Actor;
  action: AuditAction;
  dataSourceId?: string | null;
  contentId?: string | null;
  viewerId?: string | null;
  /** The user or API key an identity action was about. */
  subjectId?: string | null;
  /** What changed or why, never a value that could be secret. */
  reason?: string | null;
  tokenFingerprint?: string | null;
}

export const actorOf = (principal: Principal): Actor =>
  principal.kind === 'content'
    ? { type: 'CONTENT', id: principal.contentId }
    : { type: principal.role === 'PLATFORM' ? 'PLATFORM' : 'USER', id: principal.userId };

/** This server acting on its own (refresh, reauthorization, CLI); the id names the instance when known. */
export const systemActor = (instanceId?: string): Actor => ({ type: 'SYSTEM', id: instanceId ?? null });

const REASON_MAX_LENGTH = 200;

export const auditQueryInput = z.object({
  first: z.number().int().min(1).max(200).nullish(),
  after: z.string().max(200).nullish(),
  action: z.enum(AuditAction).nullish(),
  dataSourceId: z.uuid().nullish(),
  viewerId: z.uuid().nullish(),
});

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[];
  /** Pass as `after` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** `insert` as one prepared statement, for the rows written on the credential path (infra/db.ts `Statement`). */
const INSERT_EVENT: Statement = {
  name: 'audit_event_insert',
  text: `INSERT INTO audit_events (id, created_at, account_id, actor_type, actor_id, action, data_source_id, content_id,
    viewer_id, subject_id, reason, token_fingerprint)
    VALUES ($1::uuid, $2::timestamptz AT TIME ZONE 'UTC', $3::uuid, $4::"AuditActorType", $5, $6::"AuditAction", $7::uuid,
    $8::uuid, $9::uuid, $10::uuid, $11, $12)`,
};

export class AuditLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlQuery,
    private readonly fingerprintKey: Buffer,
    private readonly logger: Logger,
  ) {}

  /**
   * The write of admin changes and grant events. It returns Prisma's lazy promise so that a caller
   * already running a batch transaction puts the row into that same transaction; everyone else
   * awaits `record`.
   */
  insert(entry: AuditEntry): Prisma.PrismaPromise<unknown> {
    return this.prisma.auditEvent.create({ data: { id: randomUUID(), ...columns(entry) }, select: { id: true } });
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.insert(entry);
  }

  /**
   * For rows that must exist before a token leaves (CREDENTIAL_ISSUED, TOKEN_REFRESHED): a failed
   * insert is logged and becomes `auditUnavailable`, so the caller withholds the token (fail closed).
   */
  async recordOrWithhold(entry: AuditEntry): Promise<void> {
    try {
      const row = columns(entry);
      await this.sql(INSERT_EVENT, [
        randomUUID(),
        new Date().toISOString(),
        row.accountId,
        row.actorType,
        row.actorId,
        row.action,
        row.dataSourceId,
        row.contentId,
        row.viewerId,
        row.subjectId,
        row.reason,
        row.tokenFingerprint,
      ]);
    } catch (error) {
      this.logger.error({ action: entry.action, dataSourceId: entry.dataSourceId, error: (error as Error)?.name }, 'audit insert failed; credential withheld');
      throw auditUnavailable();
    }
  }

  /** Hex HMAC-SHA256: equal tokens correlate across rows, the token itself cannot be recovered. */
  fingerprint(accessToken: string): string {
    return createHmac('sha256', this.fingerprintKey).update(accessToken).digest('hex');
  }

  /** The account's events for admins, newest first, filtered and paged with an opaque cursor. */
  async list(principal: Principal, raw: unknown): Promise<AuditPage> {
    if (!isAdmin(principal)) throw forbidden('Only account admins can read the audit log');
    const parsed = auditQueryInput.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues);
    const { first: requested, after, action, dataSourceId, viewerId } = parsed.data;
    const first = requested ?? 50;
    const cursor = after ? decodeCursor(after) : null;
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        accountId: principal.accountId,
        ...(action ? { action } : {}),
        ...(dataSourceId ? { dataSourceId } : {}),
        ...(viewerId ? { viewerId } : {}),
        ...(cursor
          ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
          : {}),
      },
      // id breaks ties between rows of the same millisecond, so pages neither skip nor repeat rows.
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
    const events = rows.slice(0, first);
    return { events, nextCursor: rows.length > first ? encodeCursor(events.at(-1)!) : null };
  }
}

/** A position in (createdAt desc, id desc) order; opaque to clients. */
function encodeCursor(event: Pick<AuditEvent, 'createdAt' | 'id'>): string {
  return Buffer.from(`${event.createdAt.getTime()}.${event.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || !z.uuid().safeParse(match[2]).success) throw badInput('after', 'is not a cursor returned by auditEvents');
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/**
 * Fail closed (checklist G5): when the audit row for a token cannot be written the caller gets no
 * token, with the same 503 + Retry-After a provider outage gives, which SDKs already retry.
 */
export const auditUnavailable = () =>
  new AppError('PROVIDER_UNAVAILABLE', 'Credentials cannot be issued right now (the audit log is unavailable); retry later', {
    retryAfterSeconds: 5,
  });

/** An entry as audit_events columns (Prisma field names). */
function columns(entry: AuditEntry) {
  return {
    accountId: entry.accountId,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    action: entry.action,
    dataSourceId: entry.dataSourceId ?? null,
    contentId: entry.contentId ?? null,
    viewerId: entry.viewerId ?? null,
    subjectId: entry.subjectId ?? null,
    reason: entry.reason ? entry.reason.slice(0, REASON_MAX_LENGTH) : null,
    tokenFingerprint: entry.tokenFingerprint ?? null,
  };
}
