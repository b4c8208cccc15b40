import type { ViewerAuthorization } from '../generated/prisma/client.js';
import { actorOf, type AuditLog } from './audit.js';
import type { Principal } from './principal.js';
import type { ViewerSession } from './session-tokens.js';

/**
 * CREDENTIAL_ISSUED, once per distinct access token per content, without touching the database on
 * the exchange hot path (it is benchmarked): content asks for the viewer's token on every request,
 * and the token only changes on refresh or a new grant.
 *
 * - The row is written before the token is returned, and a failed insert fails the exchange (no
 *   token, 503): checklist G5 "fail closed".
 * - Already audited on this instance: a WeakMap on the cached row object answers without hashing
 *   (cached rows are shared and replaced whenever the row changes); a row object re-read from the
 *   database falls back to a bounded set of (row, content, fingerprint) keys.
 * - Concurrent first exchanges of one token share one insert.
 * - Not deduplicated across instances or restarts: another instance (or this one after a restart or
 *   after the set evicted the key) writes its own row for the same token. That errs towards an extra
 *   row, never a missing one; readers group by tokenFingerprint.
 */
const REMEMBERED_KEYS = 50_000;

export class IssuanceAudit {
  private readonly contentsByRow = new WeakMap<ViewerAuthorization, string[]>();
  /** Insertion-ordered, so the oldest key is evicted first. */
  private readonly audited = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly audit: AuditLog) {}

  /** The hot-path check: true when this row object's token was already audited for this content. */
  isRecorded(row: ViewerAuthorization, contentId: string): boolean {
    return this.contentsByRow.get(row)?.includes(contentId) === true;
  }

  /** Writes CREDENTIAL_ISSUED unless this instance already did for this token and content. */
  async record(principal: Principal, session: ViewerSession, row: ViewerAuthorization, accessToken: string): Promise<void> {
    const fingerprint = this.audit.fingerprint(accessToken);
    const key = `${row.id}\0${session.contentId}\0${fingerprint}`;
    if (!this.audited.has(key)) {
      let pending = this.inFlight.get(key);
      if (!pending) {
        pending = this.insert(principal, session, row, fingerprint, key).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      await pending;
    }
    const contents = this.contentsByRow.get(row);
    if (!contents) this.contentsByRow.set(row, [session.contentId]);
    else if (!contents.includes(session.contentId)) contents.push(session.contentId);
  }

  private async insert(principal: Principal, session: ViewerSession, row: ViewerAuthorization, fingerprint: string, key: string) {
    await this.audit.recordOrWithhold({
      accountId: session.accountId,
      actor: actorOf(principal),
      action: 'CREDENTIAL_ISSUED',
      dataSourceId: row.dataSourceId,
      contentId: session.contentId,
      viewerId: session.userId,
      tokenFingerprint: fingerprint,
    });
    if (this.audited.size >= REMEMBERED_KEYS) this.audited.delete(this.audited.values().next().value!);
    this.audited.add(key);
  }
}
