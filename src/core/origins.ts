import type { PrismaClient } from '../generated/prisma/client.js';
import { TtlCache } from '../infra/ttl-cache.js';
import { forbidden } from './errors.js';

/**
 * Which browser origins may call us (checklist C4, F7). Content SDKs and servers send no `Origin`
 * and are judged by their key alone; a browser always sends one, and a page of an unrelated site
 * must not be able to drive an exchange or open a status socket with a key it obtained. Allowed:
 * our own public origin, origins the operator lists (ALLOWED_ORIGINS), and the origin of a
 * content's registered URL — for the exchange, only that content's.
 */
export class OriginPolicy {
  // A content's URL never changes; an origin unknown now may belong to content created a moment later.
  private readonly contentOrigin = new TtlCache<string, string | null>(60_000, 10_000);
  private readonly knownOrigins = new TtlCache<string, true>(60_000, 10_000);
  private readonly unknownOrigins = new TtlCache<string, true>(5_000, 10_000);
  private readonly fixed: Set<string>;

  constructor(
    private readonly prisma: PrismaClient,
    publicUrl: string,
    extraOrigins: readonly string[],
  ) {
    this.fixed = new Set([new URL(publicUrl).origin, ...extraOrigins]);
  }

  /** The exchange for `contentId`: a browser caller must be on our origin or on that content's. */
  async assertMayExchange(contentId: string, origin: string | undefined): Promise<void> {
    if (origin === undefined || this.fixed.has(origin)) return;
    let registered = this.contentOrigin.get(contentId);
    if (registered === undefined) {
      const content = await this.prisma.content.findUnique({ where: { id: contentId }, select: { url: true } });
      registered = originOf(content?.url);
      this.contentOrigin.set(contentId, registered);
    }
    if (registered !== origin) throw forbidden('Requests from this origin are not allowed for this content');
  }

  /** A WebSocket upgrade, before any authentication: the origin must be ours, listed, or some content's. */
  async mayOpenSocket(origin: string | undefined): Promise<boolean> {
    if (origin === undefined || this.fixed.has(origin)) return true;
    const normalized = originOf(origin);
    if (normalized !== origin) return false; // "null", paths or garbage: never a registered origin
    if (this.knownOrigins.get(origin)) return true;
    if (this.unknownOrigins.get(origin)) return false;
    const match = await this.prisma.content.findFirst({
      where: { OR: [{ url: origin }, { url: { startsWith: `${origin}/` } }] },
      select: { id: true },
    });
    (match ? this.knownOrigins : this.unknownOrigins).set(origin, true);
    return match !== null;
  }
}

function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
