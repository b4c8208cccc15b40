import * as client from 'openid-client';
import { z } from 'zod';
import type { PrismaClient, ViewerAuthorization } from '../generated/prisma/client.js';
import type { Logger } from '../infra/logger.js';
import { outboundRefusalIn } from '../infra/outbound-refusals.js';
import { actorOf, type Actor, type AuditLog } from './audit.js';
import type { AuthorizationFlow } from './authorization-flow.js';
import type { DataSourceService } from './data-sources.js';
import type { AuthorizationStore } from './authorizations.js';
import { forbidden, fromZodIssues, notFound } from './errors.js';
import type { AuthorizationStatusValue, EventBus } from './events.js';
import type { OAuthClients } from './oauth-client.js';
import { isAdmin, type Principal } from './principal.js';

/**
 * Viewer authorizations ("OAuth sessions" in Connect's words): current status for a viewer, logout
 * and admin revocation (with revocation at the provider where its metadata offers an endpoint),
 * and listing for admins.
 */
export interface StatusSnapshot {
  dataSourceId: string;
  userId: string;
  status: AuthorizationStatusValue;
  authorizationUrl: string | null;
  at: Date;
}

const pageSchema = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
  after: z.uuid('must be the id of the last authorization of the previous page').optional(),
});

export class ViewerAuthorizations {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: AuthorizationStore,
    private readonly clients: OAuthClients,
    private readonly events: EventBus,
    private readonly flow: AuthorizationFlow,
    private readonly dataSources: DataSourceService,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
  ) {}

  /** The viewer's status for one data source, with a fresh authorization URL unless authorized. */
  async snapshot(session: { accountId: string; contentId: string; userId: string; expiresAt: number }, dataSourceId: string): Promise<StatusSnapshot> {
    const row = await this.store.find(dataSourceId, session.userId);
    const status = (row?.status ?? 'NOT_AUTHORIZED') as AuthorizationStatusValue;
    const dataSource = await this.prisma.dataSource.findUnique({ where: { id: dataSourceId } });
    const authorizationUrl = status === 'AUTHORIZED' || !dataSource ? null : await this.flow.createTransaction(session, dataSource);
    return { dataSourceId, userId: session.userId, status, authorizationUrl, at: row?.updatedAt ?? new Date() };
  }

  /** Logout (own) or revocation (admins, any viewer of their account). */
  async revoke(principal: Principal, dataSourceId: string, userId?: string | null): Promise<boolean> {
    if (principal.kind !== 'user') throw forbidden();
    const target = userId ?? principal.userId;
    if (target !== principal.userId && !isAdmin(principal)) throw forbidden("Only admins can revoke another viewer's authorization");
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    const row = await this.store.find(dataSource.id, target, { fresh: true });
    if (!row) return false;
    await this.revokeRow(row, actorOf(principal));
    return true;
  }

  async revokeRow(row: ViewerAuthorization, actor: Actor): Promise<void> {
    const refreshToken = this.safeOpen(row);
    let revoked = false;
    for (let attempt = 0; attempt < 3 && !revoked; attempt++) {
      const current = attempt === 0 ? row : await this.store.find(row.dataSourceId, row.userId, { fresh: true });
      if (!current) break;
      revoked = await this.store.setStatus(current, 'REVOKED', 'revoked');
    }
    await this.events.publish({ accountId: row.accountId, dataSourceId: row.dataSourceId, userId: row.userId, status: 'REVOKED', at: new Date() });
    // Before the audit insert, which may fail: the grant must die at the provider whatever happens here.
    if (refreshToken) await this.revokeAtProvider(row.dataSourceId, refreshToken);
    if (revoked) {
      await this.audit.record({
        accountId: row.accountId,
        actor,
        action: 'AUTHORIZATION_REVOKED',
        dataSourceId: row.dataSourceId,
        viewerId: row.userId,
        reason: actor.id === row.userId ? 'logout' : `previous status ${row.status}`,
      });
    }
  }

  /** Best effort (RFC 7009): the local revocation already happened whatever the provider says. */
  private async revokeAtProvider(dataSourceId: string, refreshToken: string): Promise<void> {
    try {
      const dataSource = await this.prisma.dataSource.findUnique({ where: { id: dataSourceId } });
      if (!dataSource) return;
      const config = await this.clients.configuration(dataSource);
      if (!config.serverMetadata().revocation_endpoint) return;
      await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    } catch (error) {
      this.logger.warn({ dataSourceId, error: outboundRefusalIn(error)?.reason ?? (error as Error).name }, 'revocation at the provider failed');
    }
  }

  private safeOpen(row: ViewerAuthorization): string | undefined {
    try {
      return this.store.openRefreshToken(row);
    } catch {
      return undefined;
    }
  }

  /**
   * Admin listing (`all`) or the caller's own authorizations, oldest first; `first`/`after` page
   * through large lists (an admin dashboard with many viewers).
   */
  list(principal: Principal, options: { all?: boolean; dataSourceId?: string; first?: number | null; after?: string | null } = {}) {
    if (principal.kind !== 'user') throw forbidden();
    if (options.all && !isAdmin(principal)) throw forbidden('Only admins can list every viewer');
    const page = pageSchema.safeParse({ first: options.first ?? undefined, after: options.after ?? undefined });
    if (!page.success) throw fromZodIssues(page.error.issues);
    const { first, after } = page.data;
    return this.prisma.viewerAuthorization.findMany({
      where: {
        accountId: principal.accountId,
        ...(options.all ? {} : { userId: principal.userId }),
        ...(options.dataSourceId ? { dataSourceId: options.dataSourceId } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      ...(first !== undefined ? { take: first } : {}),
      ...(after !== undefined ? { cursor: { id: after }, skip: 1 } : {}),
    });
  }

  async get(principal: Principal, id: string): Promise<ViewerAuthorization> {
    const row = z.uuid().safeParse(id).success
      ? await this.prisma.viewerAuthorization.findFirst({ where: { id, accountId: principal.accountId } })
      : null;
    const visible = row && principal.kind === 'user' && (isAdmin(principal) || row.userId === principal.userId);
    if (!visible) throw notFound('OAuth session');
    return row;
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.get(principal, id);
    await this.revokeRow(row, actorOf(principal));
    await this.prisma.viewerAuthorization.deleteMany({ where: { id: row.id } });
    this.store.forget(row.dataSourceId, row.userId);
  }

  /**
   * Removes a data source (admins): every viewer's grant is revoked first (at the provider where it
   * offers revocation, and on live subscriptions), then the row and its attachments go.
   */
  async removeDataSource(principal: Principal, dataSourceId: string): Promise<boolean> {
    await this.revokeEvery(principal, dataSourceId);
    return this.dataSources.remove(principal, dataSourceId);
  }

  /** Revokes every viewer's live grant for a data source (admins); returns how many. */
  async purge(principal: Principal, dataSourceId: string): Promise<number> {
    const revoked = await this.revokeEvery(principal, dataSourceId);
    await this.audit.record({
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'AUTHORIZATIONS_PURGED',
      dataSourceId,
      reason: `${revoked} authorization(s) revoked`,
    });
    return revoked;
  }

  /** Each revoked grant is audited on its own (AUTHORIZATION_REVOKED), so a viewer's history is complete. */
  private async revokeEvery(principal: Principal, dataSourceId: string): Promise<number> {
    if (!isAdmin(principal)) throw forbidden('Only account admins can manage data sources');
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    const rows = await this.prisma.viewerAuthorization.findMany({ where: { dataSourceId: dataSource.id, status: 'AUTHORIZED' } });
    for (const row of rows) await this.revokeRow(row, actorOf(principal));
    return rows.length;
  }

}

