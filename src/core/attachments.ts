import type { DataSource, PrismaClient } from '../generated/prisma/client.js';
import { AppError } from './errors.js';
import { TtlCache, type CacheEntry } from '../infra/ttl-cache.js';
import type { ViewerSession } from './session-tokens.js';
import type { MaybePromise } from '../infra/sync-first.js';

type Attached = Array<{ dataSourceId: string; dataSource: DataSource }>;
/** A content's attachments with the account they were read for. */
type AttachedFor = { accountId: string; attached: Attached };

/**
 * Which data source a viewer session may use: it must be attached to the session's content, in the
 * session's account, checked at request time (a detach takes effect on the next request).
 */
export class AttachmentResolver {
  /**
   * Attached data sources by content id (with the account they were read for, so the key needs no
   * string built per request); dropped on every attach/detach/data-source change here.
   */
  private readonly byContent: TtlCache<string, AttachedFor>;

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

  /**
   * The data source a session may use: synchronous when this content's attachments are cached. A
   * caller that already took `cacheEntryFor(session)` passes it, and it is not looked up again.
   */
  resolve(session: ViewerSession, dataSourceId?: string | null, cached = this.cacheEntryFor(session)): MaybePromise<DataSource> {
    if (cached) return choose(cached.value.attached, dataSourceId);
    return this.load(session).then((attached) => choose(attached, dataSourceId));
  }

  /**
   * The cache entry `resolve` answers this session from, while cached: its choice stands as long as
   * `isCurrent` holds for the entry (an attach, detach or data-source change ends it).
   */
  cacheEntryFor(session: ViewerSession): CacheEntry<AttachedFor> | undefined {
    const entry = this.byContent.entry(session.contentId);
    return entry?.value.accountId === session.accountId ? entry : undefined;
  }

  private async load(session: ViewerSession): Promise<Attached> {
    const attached = await this.prisma.contentDataSource.findMany({
      where: { contentId: session.contentId, content: { accountId: session.accountId } },
      include: { dataSource: true },
    });
    this.byContent.set(session.contentId, { accountId: session.accountId, attached });
    return attached;
  }
}

/** The named data source, or the only one attached. */
function choose(attached: Attached, dataSourceId?: string | null): DataSource {
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
