import type { DataSource, PrismaClient } from '../generated/prisma/client.js';
import { AppError } from './errors.js';
import { TtlCache } from '../infra/ttl-cache.js';
import type { ViewerSession } from './session-tokens.js';

/**
 * Which data source a viewer session may use: it must be attached to the session's content, in the
 * session's account, checked at request time (a detach takes effect on the next request).
 */
export class AttachmentResolver {
  /**
   * Attached data sources by content id (with the account they were read for, so the key needs no
   * string built per request); dropped on every attach/detach/data-source change here.
   */
  private readonly byContent: TtlCache<string, { accountId: string; attached: Array<{ dataSourceId: string; dataSource: DataSource }> }>;

  constructor(
    private readonly prisma: PrismaClient,
    cacheTtlMs: number,
  ) {
    this.byContent = new TtlCache(cacheTtlMs);
  }

  /** Called after any change to attachments or data sources (rare, so everything goes). */
  forget(): void {
    this.byContent.clear();
  }

  async resolve(session: ViewerSession, dataSourceId?: string | null): Promise<DataSource> {
    const cached = this.byContent.get(session.contentId);
    let attached = cached?.accountId === session.accountId ? cached.attached : undefined;
    if (!attached) {
      attached = await this.prisma.contentDataSource.findMany({
        where: { contentId: session.contentId, content: { accountId: session.accountId } },
        include: { dataSource: true },
      });
      this.byContent.set(session.contentId, { accountId: session.accountId, attached });
    }
    if (dataSourceId) {
      const match = attached.find((a) => a.dataSourceId === dataSourceId);
      if (!match) throw new AppError('DATA_SOURCE_NOT_ATTACHED', 'This data source is not attached to this content');
      return match.dataSource;
    }
    if (attached.length === 0) {
      throw new AppError('DATA_SOURCE_NOT_ATTACHED', 'No OAuth integrations have been associated with this content item.');
    }
    if (attached.length > 1) {
      throw new AppError(
        'AMBIGUOUS_DATA_SOURCE',
        'Several data sources are attached to this content: name one (audience / dataSourceId)',
      );
    }
    return attached[0]!.dataSource;
  }
}
