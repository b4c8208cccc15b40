/**
 * Storage and console plumbing for the fake provider (fake-provider.ts).
 *
 * oidc-provider's built-in memory adapter keeps ONE module-global LRU (1000 entries) shared by every
 * Provider in the process and cannot list grants by account. Tests start several providers per worker
 * and need "revoke everything alice has", so each fake provider gets its own Map-backed store.
 */

interface Entry {
  payload: Record<string, unknown>;
  expiresAt: number;
}

/** The adapter interface oidc-provider calls (one instance per model name). */
export interface AdapterLike {
  upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Record<string, unknown> | undefined>;
  findByUid(uid: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export class FakeProviderStore {
  private readonly entries = new Map<string, Entry>();
  /**
   * Lookups oidc-provider makes by a payload field, indexed: scanning every entry made each login
   * slower than the last (the bench authorizes 10,000 viewers through one provider: ~13 ms each at
   * the start, ~30 ms by the 6,000th, nearly all of it in these scans).
   */
  private readonly byUid = new Map<string, string>();
  private readonly byUserCode = new Map<string, string>();
  private readonly byGrant = new Map<string, Set<string>>();

  /** Pass as `adapter` in the Provider configuration: oidc-provider calls it with a model name. */
  readonly adapterFactory = (model: string): AdapterLike => {
    const key = (id: string) => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        this.put(key(id), { payload, expiresAt });
      },
      find: async (id) => this.live(key(id)),
      findByUid: async (uid) => this.findIndexed(this.byUid, `${model}:${uid}`, (p) => p.uid === uid),
      findByUserCode: async (userCode) => this.findIndexed(this.byUserCode, `${model}:${userCode}`, (p) => p.userCode === userCode),
      consume: async (id) => {
        const payload = this.live(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => this.remove(key(id)),
      revokeByGrantId: async (grantId) => this.dropGrantMembers(grantId),
    };
  };

  /**
   * Deletes every grant of the account and every token/code minted from it, exactly what
   * oidc-provider does on refresh-token reuse, so the next refresh answers `invalid_grant`.
   */
  revokeAccount(accountId: string): number {
    let revoked = 0;
    for (const [k, entry] of this.entries) {
      if (k.startsWith('Grant:') && entry.payload.accountId === accountId) {
        this.remove(k);
        this.dropGrantMembers(String(entry.payload.jti ?? k.slice('Grant:'.length)));
        revoked += 1;
      }
    }
    return revoked;
  }

  private put(k: string, entry: Entry): void {
    this.remove(k);
    this.entries.set(k, entry);
    for (const [index, at] of this.fieldIndexesOf(k, entry.payload)) index.set(at, k);
    const { grantId } = entry.payload;
    if (typeof grantId === 'string') this.byGrant.set(grantId, (this.byGrant.get(grantId) ?? new Set<string>()).add(k));
  }

  private remove(k: string): void {
    const entry = this.entries.get(k);
    if (!entry) return;
    this.entries.delete(k);
    for (const [index, at] of this.fieldIndexesOf(k, entry.payload)) if (index.get(at) === k) index.delete(at);
    const { grantId } = entry.payload;
    if (typeof grantId !== 'string') return;
    const members = this.byGrant.get(grantId);
    members?.delete(k);
    if (members?.size === 0) this.byGrant.delete(grantId);
  }

  /** Where an entry stands in the uid and user-code indexes, as [index, key in it] (`model:value`). */
  private fieldIndexesOf(k: string, payload: Record<string, unknown>): Array<[Map<string, string>, string]> {
    const model = k.slice(0, k.indexOf(':'));
    const at: Array<[Map<string, string>, string]> = [];
    if (typeof payload.uid === 'string') at.push([this.byUid, `${model}:${payload.uid}`]);
    if (typeof payload.userCode === 'string') at.push([this.byUserCode, `${model}:${payload.userCode}`]);
    return at;
  }

  private dropGrantMembers(grantId: string): void {
    for (const k of [...(this.byGrant.get(grantId) ?? [])]) this.remove(k);
  }

  private live(k: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(k);
      return undefined;
    }
    return entry.payload;
  }

  /** The index says where to look; the payload itself is still checked (it may have changed since). */
  private findIndexed(index: Map<string, string>, indexKey: string, match: (p: Record<string, unknown>) => boolean) {
    const k = index.get(indexKey);
    const payload = k === undefined ? undefined : this.live(k);
    return payload && match(payload) ? payload : undefined;
  }
}

/**
 * oidc-provider prints "oidc-provider NOTICE/WARNING: ..." through console.info/warn for dev-only
 * features we enable on purpose (devInteractions, Node 20 "unsupported runtime", a pre-read token
 * body). Drop exactly those lines; everything else passes through. FAKE_PROVIDER_VERBOSE=1 keeps them.
 */
export function silenceOidcProviderNotices(): void {
  const flag = Symbol.for('fake-provider.console-filter');
  const globals = globalThis as Record<symbol, unknown>;
  if (globals[flag] || process.env.FAKE_PROVIDER_VERBOSE) return;
  globals[flag] = true;
  const isNotice = (args: unknown[]) =>
    typeof args[0] === 'string' && /^(\x1b\[[0-9;]*m)?oidc-provider (NOTICE|WARNING):/.test(args[0]);
  for (const method of ['info', 'warn'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (!isNotice(args)) original(...args);
    };
  }
}
