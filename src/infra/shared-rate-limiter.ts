import type { PrismaClient } from '../generated/prisma/client.js';
import { FORGIVEN_MS, Gcra, secondsFrom, type Budget, type RateLimitSpec, type RateLimiterOptions } from './rate-limiter.js';

/**
 * The same GCRA bucket as RateLimiter, kept in PostgreSQL so that every instance on one database
 * draws from one budget (checklist F9: N+1 requests across 2 instances -> 429). One row per bucket
 * holds its theoretical arrival time in epoch milliseconds on the database's clock, so instances
 * with skewed clocks still agree. A check is one upsert that moves the TAT only when the request
 * fits (row-locked, so concurrent checks on several instances serialize); a refusal costs one more
 * read to say how long to wait, and takes nothing.
 *
 * Used for the budgets guarding slow paths (failed authentications, sign-in pages, mutations);
 * the credential exchange keeps its in-memory budget, as its hot path has no database round trip.
 */
export class SharedRateLimiter implements Budget {
  private readonly gcra: Gcra | null;

  constructor(
    private readonly prisma: PrismaClient,
    /** Buckets of different limits share the table: the name keeps them apart. */
    private readonly name: string,
    readonly spec: RateLimitSpec | null,
    private readonly options: Pick<RateLimiterOptions, 'onRefused'> = {},
  ) {
    this.gcra = spec ? new Gcra(spec) : null;
  }

  get enabled(): boolean {
    return this.spec !== null;
  }

  async take(key: string, cost = 1): Promise<number> {
    if (!this.gcra) return 0;
    const bucket = `${this.name} ${key}`;
    const step = this.gcra.stepMs(cost);
    // `excluded.tat - step` is now; the new TAT is max(TAT, now) + step, allowed while it stays within
    // the capacity ahead of now: Gcra.overshootMs <= 0, written in SQL.
    const taken = await this.prisma.$queryRaw<Array<{ tat: number }>>`
      INSERT INTO rate_limit_buckets AS b (bucket, tat)
      VALUES (${bucket}, extract(epoch FROM clock_timestamp())::float8 * 1000 + ${step}::float8)
      ON CONFLICT (bucket) DO UPDATE
        SET tat = greatest(b.tat, excluded.tat - ${step}::float8) + ${step}::float8
        WHERE greatest(b.tat - (excluded.tat - ${step}::float8), 0) + ${step}::float8 <= ${this.gcra.capacityMs}::float8 + ${FORGIVEN_MS}::float8
      RETURNING tat`;
    if (taken.length > 0) return 0;
    // Refused: at least a second, even if the bucket refilled since (nothing was taken).
    this.options.onRefused?.(key);
    return secondsFrom(Math.max(await this.overshootMs(this.gcra, bucket, step), 0));
  }

  async retryAfter(key: string, cost = 1): Promise<number> {
    if (!this.gcra) return 0;
    const overshoot = await this.overshootMs(this.gcra, `${this.name} ${key}`, this.gcra.stepMs(cost));
    if (overshoot <= 0) return 0;
    this.options.onRefused?.(key);
    return secondsFrom(overshoot);
  }

  /** Milliseconds by which taking `step` now would exceed the capacity of `bucket` (<= 0: it fits). */
  private async overshootMs(gcra: Gcra, bucket: string, step: number): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ debt: number }>>`
      SELECT tat - extract(epoch FROM clock_timestamp())::float8 * 1000 AS debt FROM rate_limit_buckets WHERE bucket = ${bucket}`;
    return gcra.overshootMs(rows[0]?.debt ?? 0, step);
  }
}

/** Buckets whose TAT has passed are the same as absent ones: housekeeping deletes them. */
export async function pruneRateLimitBuckets(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`DELETE FROM rate_limit_buckets WHERE tat < extract(epoch FROM clock_timestamp())::float8 * 1000`;
}
