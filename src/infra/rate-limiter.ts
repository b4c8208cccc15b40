import { performance } from 'node:perf_hooks';

/**
 * An in-memory token bucket per key, kept as the generic cell rate algorithm (GCRA): each key
 * stores one number, the "theoretical arrival time" (TAT) at which its bucket would be full again.
 * A request costing n tokens moves the TAT n intervals later; it is refused when that would put the
 * TAT more than `burst` intervals ahead of now, and the overshoot is exactly how long to wait.
 * So a check is O(1), needs no timer per key, and a key whose TAT has passed is the same as a key
 * never seen, which is what lets the map be bounded by forgetting such keys first.
 *
 * Why not rate-limiter-flexible's RateLimiterMemory: it is a fixed window (a burst of twice the
 * budget across a window edge), starts one timer per key, keeps an unbounded Map and answers through
 * a promise per check; this file is the few lines we need on the credential hot path.
 *
 * The state is per process; SharedRateLimiter (shared-rate-limiter.ts) keeps the same buckets in
 * PostgreSQL for budgets that several instances must share.
 */
export interface RateLimitSpec {
  /** Sustained rate: tokens per second (fractional for slow rates: 30/min is 0.5). */
  perSecond: number;
  /** Tokens available at once after a quiet period; at least 1. */
  burst: number;
}

export interface RateLimiterOptions {
  /** Keys remembered at most; beyond it idle keys are forgotten first, then the oldest. */
  maxKeys?: number;
  /** Milliseconds on a monotonic clock (tests inject their own). */
  now?: () => number;
  /** Told about each refusal (the owner logs a throttled summary). */
  onRefused?: (key: string) => void;
}

/** A budget to check: in memory (RateLimiter) or shared by every instance (SharedRateLimiter). */
export interface Budget {
  readonly enabled: boolean;
  /** Takes `cost` tokens for `key`: 0 when allowed, else whole seconds to wait (nothing taken). */
  take(key: string, cost?: number): number | Promise<number>;
  /** What `take` would answer, taking nothing (for budgets charged after the fact). */
  retryAfter(key: string, cost?: number): number | Promise<number>;
}

/** The rounding allowance of Gcra.overshootMs (the SQL of SharedRateLimiter uses it too). */
export const FORGIVEN_MS = 0.001;

/**
 * The arithmetic of one GCRA budget, shared by RateLimiter (in memory) and SharedRateLimiter (the
 * same buckets in PostgreSQL), so that both count alike.
 */
export class Gcra {
  /** How far ahead of now a bucket's TAT may be: `burst` intervals. */
  readonly capacityMs: number;
  private readonly intervalMs: number;

  constructor(private readonly spec: RateLimitSpec) {
    this.intervalMs = 1000 / spec.perSecond;
    this.capacityMs = this.intervalMs * spec.burst;
  }

  /** How far `cost` tokens move the TAT; a cost above the burst is charged as the whole burst. */
  stepMs(cost: number): number {
    return this.intervalMs * Math.min(cost, this.spec.burst);
  }

  /**
   * Milliseconds by which taking `stepMs` with `debtMs` outstanding (TAT minus now; <= 0 for a full
   * bucket) would exceed the capacity (<= 0: allowed). A microsecond is forgiven, so float rounding of
   * clock values never refuses a request that is exactly within budget.
   */
  overshootMs(debtMs: number, stepMs: number): number {
    return Math.max(debtMs, 0) + stepMs - this.capacityMs - FORGIVEN_MS;
  }
}

/** How many keys at the head of the map a full limiter inspects for idle ones before evicting. */
const EVICTION_SCAN = 16;

/**
 * A key's TAT in an object of its own: the hot path updates it in place, one Map lookup per check,
 * where a number stored in the Map would need a second lookup (and a new heap number) to write back.
 */
export interface Bucket {
  tat: number;
  /** False once the limiter has forgotten the key: a kept bucket must not be charged after that. */
  held: boolean;
}

export class RateLimiter implements Budget {
  private readonly tats = new Map<string, Bucket>();
  private readonly gcra: Gcra | null;
  private readonly maxKeys: number;
  private readonly now: () => number;

  /** `spec` null disables the limiter: every check passes and nothing is stored. */
  constructor(
    readonly spec: RateLimitSpec | null,
    private readonly options: RateLimiterOptions = {},
  ) {
    this.gcra = spec ? new Gcra(spec) : null;
    this.maxKeys = options.maxKeys ?? 50_000;
    this.now = options.now ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.spec !== null;
  }

  /**
   * Takes `cost` tokens for `key`: 0 when allowed, otherwise the whole seconds (at least 1) after
   * which the same request would pass; a refused request takes nothing. A cost above the burst is
   * charged as the whole burst, so a large batch waits for a full bucket instead of never passing.
   */
  take(key: string, cost = 1): number {
    if (!this.gcra) return 0;
    return this.charge(this.gcra, key, this.tats.get(key), cost);
  }

  /**
   * `key`'s bucket (undefined before its first `take`, or while disabled), for a caller that charges
   * the same key again and again: `takeFrom` charges it without looking the key up.
   */
  bucket(key: string): Bucket | undefined {
    return this.tats.get(key);
  }

  /** `take(key, cost)` through the key's bucket; undefined once the limiter has forgotten it (take again). */
  takeFrom(key: string, bucket: Bucket, cost = 1): number | undefined {
    if (!this.gcra || !bucket.held) return undefined;
    return this.charge(this.gcra, key, bucket, cost);
  }

  private charge(gcra: Gcra, key: string, bucket: Bucket | undefined, cost: number): number {
    const now = this.now();
    const step = gcra.stepMs(cost);
    const overshoot = gcra.overshootMs(bucket === undefined ? 0 : bucket.tat - now, step);
    if (overshoot > 0) {
      this.options.onRefused?.(key);
      return secondsFrom(overshoot);
    }
    if (bucket !== undefined) {
      bucket.tat = Math.max(bucket.tat, now) + step;
      return 0;
    }
    if (this.tats.size >= this.maxKeys) this.makeRoom(now);
    this.tats.set(key, { tat: now + step, held: true });
    return 0;
  }

  /**
   * What `take(key, cost)` would answer, without taking anything: for budgets charged only after the
   * fact (failures), checked before the work. Callers refuse on a positive answer, so it is reported
   * to `onRefused` like a refused `take`.
   */
  retryAfter(key: string, cost = 1): number {
    if (!this.gcra) return 0;
    const bucket = this.tats.get(key);
    if (bucket === undefined) return 0;
    const overshoot = this.gcra.overshootMs(bucket.tat - this.now(), this.gcra.stepMs(cost));
    if (overshoot <= 0) return 0;
    this.options.onRefused?.(key);
    return secondsFrom(overshoot);
  }

  /** Keys currently remembered (tests and diagnostics). */
  get size(): number {
    return this.tats.size;
  }

  /**
   * Maps iterate in insertion order, so the head holds the keys first seen longest ago, most likely
   * idle. Forgetting an idle key loses nothing; only when the inspected head is all busy is the
   * oldest key forgotten anyway (it then starts again with a full bucket). Amortised O(1).
   */
  private makeRoom(now: number): void {
    let inspected = 0;
    for (const [key, bucket] of this.tats) {
      if (bucket.tat <= now) this.forget(key, bucket);
      if (++inspected === EVICTION_SCAN) break;
    }
    if (this.tats.size >= this.maxKeys) this.forget(...this.tats.entries().next().value!);
  }

  private forget(key: string, bucket: Bucket): void {
    bucket.held = false;
    this.tats.delete(key);
  }
}

/** Retry-After is whole seconds (RFC 9110 §10.2.3); rounding up means a client that waits passes. */
export const secondsFrom = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * A RateLimiter per scope, for two-part bucket keys (API key id, viewer id) without building a
 * string per check: a freshly concatenated key has to be hashed on every Map lookup (measured
 * ~1.5 µs with 10,000 keys), while ids we already hold hash once (~0.1 µs for both lookups).
 * Scopes should be a bounded set (ids of authenticated API keys); each scope holds `maxKeys` keys.
 */
export class ScopedRateLimiter {
  private readonly scopes = new Map<string, RateLimiter>();

  constructor(
    readonly spec: RateLimitSpec | null,
    private readonly options: RateLimiterOptions = {},
  ) {}

  get enabled(): boolean {
    return this.spec !== null;
  }

  /** `RateLimiter.take` for `key` within `scope`; refusals reach `onRefused` as "scope key". */
  take(scope: string, key: string, cost = 1): number {
    if (!this.spec) return 0;
    let limiter = this.scopes.get(scope);
    if (!limiter) {
      const { onRefused } = this.options;
      limiter = new RateLimiter(this.spec, { ...this.options, onRefused: onRefused && ((inner) => onRefused(`${scope} ${inner}`)) });
      this.scopes.set(scope, limiter);
    }
    return limiter.take(key, cost);
  }

  /** The limiter `take` uses for `scope`, once it has taken for it (none while disabled). */
  limiterOf(scope: string): RateLimiter | undefined {
    return this.scopes.get(scope);
  }
}
