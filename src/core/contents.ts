import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Content, PrismaClient } from '../generated/prisma/client.js';
import { actorOf, type AuditEntry, type AuditLog } from './audit.js';
import type { CreatedKey, IdentityService } from './identity.js';
import type { DataSourceService } from './data-sources.js';
import { forbidden, fromZodIssues, notFound } from './errors.js';
import { hasRole, isAdmin, type Principal } from './principal.js';

/**
 * Content: a publisher's deployed item, its API keys (the CONNECT_API_KEY a hosting platform
 * injects), and the data sources attached to it. Only the owner or an admin changes a content item.
 */
export const createContentInput = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  url: z.url({ protocol: /^https?$/ }).max(2000).nullish(),
});

export class ContentService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly identity: IdentityService,
    private readonly dataSources: DataSourceService,
    private readonly audit: AuditLog,
    /** Drops the hot path's attachment cache after a change. */
    private readonly invalidate: () => void = () => {},
  ) {}

  async create(principal: Principal, raw: unknown): Promise<Content> {
    if (!hasRole(principal, 'ADMIN', 'PUBLISHER') || principal.kind !== 'user') {
      throw forbidden('Only publishers and admins can create content');
    }
    const parsed = createContentInput.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'input');
    const content = await this.prisma.content.create({
      data: {
        id: randomUUID(),
        accountId: principal.accountId,
        ownerId: principal.userId,
        name: parsed.data.name,
        url: parsed.data.url ?? null,
      },
    });
    await this.audit.record({ accountId: principal.accountId, actor: actorOf(principal), action: 'CONTENT_CREATED', contentId: content.id });
    return content;
  }

  /** Visible to everyone in the account (viewers open content); a content key sees only itself. */
  async get(principal: Principal, id: string): Promise<Content> {
    if (principal.kind === 'content' && principal.contentId !== id) throw notFound('Content');
    const found = z.uuid().safeParse(id).success
      ? await this.prisma.content.findFirst({ where: { id, accountId: principal.accountId } })
      : null;
    if (!found) throw notFound('Content');
    return found;
  }

  async createApiKey(principal: Principal, contentId: string): Promise<CreatedKey> {
    const content = await this.getManaged(principal, contentId);
    return this.identity.issueKey(principal, { accountId: content.accountId, contentId: content.id, name: `content ${content.name}` });
  }

  async attach(principal: Principal, contentId: string, dataSourceId: string): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    // Attaching what is already attached changes nothing, so it is not audited.
    const { count } = await this.prisma.contentDataSource.createMany({
      data: [{ contentId: content.id, dataSourceId: dataSource.id }],
      skipDuplicates: true,
    });
    this.invalidate();
    if (count > 0) await this.audit.record(this.attachmentEntry(principal, 'DATA_SOURCE_ATTACHED', content.id, dataSource.id));
    return content;
  }

  async detach(principal: Principal, contentId: string, dataSourceId: string): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    const { count } = await this.prisma.contentDataSource.deleteMany({ where: { contentId: content.id, dataSourceId: dataSource.id } });
    this.invalidate();
    if (count > 0) await this.audit.record(this.attachmentEntry(principal, 'DATA_SOURCE_DETACHED', content.id, dataSource.id));
    return content;
  }

  /** Replaces the whole attachment set (Connect's PUT associations); all ids must be the account's. */
  async setAttachments(principal: Principal, contentId: string, dataSourceIds: string[]): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const unique = [...new Set(dataSourceIds)];
    for (const id of unique) await this.dataSources.get(principal, id);
    // One row per actual change, in the replacing transaction itself.
    const before = new Set((await this.prisma.contentDataSource.findMany({ where: { contentId: content.id } })).map((a) => a.dataSourceId));
    const changes = [
      ...unique.filter((id) => !before.has(id)).map((id) => this.attachmentEntry(principal, 'DATA_SOURCE_ATTACHED', content.id, id)),
      ...[...before].filter((id) => !unique.includes(id)).map((id) => this.attachmentEntry(principal, 'DATA_SOURCE_DETACHED', content.id, id)),
    ];
    await this.prisma.$transaction([
      this.prisma.contentDataSource.deleteMany({ where: { contentId: content.id } }),
      this.prisma.contentDataSource.createMany({ data: unique.map((dataSourceId) => ({ contentId: content.id, dataSourceId })) }),
      ...changes.map((entry) => this.audit.insert(entry)),
    ]);
    this.invalidate();
    return content;
  }

  attachments(contentId: string) {
    return this.prisma.contentDataSource.findMany({
      where: { contentId },
      include: { dataSource: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  private attachmentEntry(principal: Principal, action: 'DATA_SOURCE_ATTACHED' | 'DATA_SOURCE_DETACHED', contentId: string, dataSourceId: string): AuditEntry {
    return { accountId: principal.accountId, actor: actorOf(principal), action, contentId, dataSourceId };
  }

  private async getManaged(principal: Principal, contentId: string): Promise<Content> {
    const content = await this.get(principal, contentId);
    const owns = principal.kind === 'user' && principal.userId === content.ownerId;
    if (!owns && !isAdmin(principal)) throw forbidden("Only the content's owner or an admin can change it");
    return content;
  }
}
