/**
 * A small bounded cache with a time-to-live, for the credential hot path (API keys, attachments,
 * authorization rows). The owner deletes entries the moment it changes the underlying data in this
 * process; the TTL bounds how long another instance's change can go unseen.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, CacheEntry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: K): V | undefined {
    return this.entry(key)?.value;
  }

  /**
   * The entry answering for `key`, for a caller that keeps it and later asks `isCurrent` instead of
   * looking the key up again (core/exchange-memo.ts).
   */
  entry(key: K): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (!isCurrent(entry)) {
      this.drop(key, entry);
      return undefined;
    }
    return entry;
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest tenth rather than growing without bound.
      let drop = Math.ceil(this.maxEntries / 10);
      for (const [oldKey, oldest] of this.entries) {
        this.drop(oldKey, oldest);
        if (--drop === 0) break;
      }
    }
    const previous = this.entries.get(key);
    if (previous) previous.held = false;
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs, held: true });
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry) this.drop(key, entry);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.held = false;
    this.entries.clear();
  }

  private drop(key: K, entry: CacheEntry<V>): void {
    entry.held = false;
    this.entries.delete(key);
  }
}

export interface CacheEntry<V> {
  readonly value: V;
  readonly expiresAt: number;
  /** Whether the cache still holds this entry: false once it is replaced, deleted, evicted or cleared. */
  held: boolean;
}

/** Whether a kept entry still answers for its key: the cache holds it and its TTL has not run out. */
export function isCurrent(entry: CacheEntry<unknown>, now = Date.now()): boolean {
  return entry.held && entry.expiresAt > now;
}
