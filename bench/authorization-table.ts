import { createHash } from 'node:crypto';
import pg from 'pg';
import { authorizationId } from '../src/core/authorizations.js';

/**
 * What PostgreSQL itself says about viewer_authorizations during path 4b, read over a separate
 * connection from the bench process: how many rows it holds (the target is judged on the counted
 * number, not the requested one), how many primary-key lookups the server made (proof that the timed
 * first exchanges read their row from the database rather than a cache), and the plan of such a lookup.
 */
/**
 * A PostgreSQL backend publishes its statistics when it goes idle, but at most once a second; what
 * it holds back is published after 10 s of idleness at the latest (PGSTAT_IDLE_INTERVAL).
 */
const STATISTICS_DELAY_MS = 11_000;

export class AuthorizationTable {
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<AuthorizationTable> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new AuthorizationTable(client);
  }

  async count(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>('SELECT count(*) AS n FROM viewer_authorizations');
    return Number(rows[0]!.n);
  }

  /** Cumulative index scans of the primary key: the server's findUnique by id is the only reader. */
  async primaryKeyLookups(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      `SELECT coalesce(sum(idx_scan), 0) AS n FROM pg_stat_user_indexes WHERE indexrelname = 'viewer_authorizations_pkey'`,
    );
    return Number(rows[0]!.n);
  }

  /**
   * The count once every lookup made before `idleSince` (when the server last worked, e.g. the
   * logins' upserts) is published, so that none of them is mistaken for a timed exchange's.
   */
  async primaryKeyLookupsAtRest(idleSince: number): Promise<number> {
    const wait = idleSince + STATISTICS_DELAY_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return this.primaryKeyLookups();
  }

  /** Polls until at least `expected` lookups appear since `since`, or gives up and returns what is there. */
  async lookupsSince(since: number, expected: number, timeoutMs = STATISTICS_DELAY_MS + 4_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = (await this.primaryKeyLookups()) - since;
      if (seen >= expected || performance.now() > deadline) return seen;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** EXPLAIN (ANALYZE, BUFFERS) of the lookup the exchange makes (Prisma's findUnique by id). */
  async explainLookup(id: string): Promise<string[]> {
    // I/O timings show whether a page came from disk or the OS cache (superusers only: optional).
    await this.client.query('SET track_io_timing = on').catch(() => {});
    const { rows } = await this.client.query<{ 'QUERY PLAN': string }>('EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM viewer_authorizations WHERE id = $1 LIMIT 1', [id]);
    return rows.map((r) => r['QUERY PLAN']);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/**
 * The id of filler row `n` (1-based) of stored-authorizations.ts, computed here with the server's own
 * derivation: a plan that finds its row also proves the SQL derivation matches the server's.
 */
export function fillerAuthorizationId(dataSourceId: string, n: number): string {
  const h = createHash('md5').update(`bench-filler-${n}`).digest('hex');
  const userId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return authorizationId(dataSourceId, userId);
}
