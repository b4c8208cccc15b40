import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Content, PrismaClient } from '../generated/prisma/client.js';
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
    /** Drops the hot path's attachment cache after a change. */
    private readonly invalidate: () => void = () => {},
  ) {}

  async create(principal: Principal, raw: unknown): Promise<Content> {
    if (!hasRole(principal, 'ADMIN', 'PUBLISHER') || principal.kind !== 'user') {
      throw forbidden('Only publishers and admins can create content');
    }
    const parsed = createContentInput.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'input');
    return this.prisma.content.create({
      data: {
        id: randomUUID(),
        accountId: principal.accountId,
        ownerId: principal.userId,
        name: parsed.data.name,
        url: parsed.data.url ?? null,
      },
    });
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
    return this.identity.issueKey({ accountId: content.accountId, contentId: content.id, name: `content ${content.name}` });
  }

  async attach(principal: Principal, contentId: string, dataSourceId: string): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    await this.prisma.contentDataSource.upsert({
      where: { contentId_dataSourceId: { contentId: content.id, dataSourceId: dataSource.id } },
      create: { contentId: content.id, dataSourceId: dataSource.id },
      update: {},
    });
    this.invalidate();
    return content;
  }

  async detach(principal: Principal, contentId: string, dataSourceId: string): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const dataSource = await this.dataSources.get(principal, dataSourceId);
    await this.prisma.contentDataSource.deleteMany({ where: { contentId: content.id, dataSourceId: dataSource.id } });
    this.invalidate();
    return content;
  }

  /** Replaces the whole attachment set (Connect's PUT associations); all ids must be the account's. */
  async setAttachments(principal: Principal, contentId: string, dataSourceIds: string[]): Promise<Content> {
    const content = await this.getManaged(principal, contentId);
    const unique = [...new Set(dataSourceIds)];
    for (const id of unique) await this.dataSources.get(principal, id);
    await this.prisma.$transaction([
      this.prisma.contentDataSource.deleteMany({ where: { contentId: content.id } }),
      this.prisma.contentDataSource.createMany({ data: unique.map((dataSourceId) => ({ contentId: content.id, dataSourceId })) }),
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

  private async getManaged(principal: Principal, contentId: string): Promise<Content> {
    const content = await this.get(principal, contentId);
    const owns = principal.kind === 'user' && principal.userId === content.ownerId;
    if (!owns && !isAdmin(principal)) throw forbidden("Only the content's owner or an admin can change it");
    return content;
  }
}
