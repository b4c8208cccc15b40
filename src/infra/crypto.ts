/**
 * Secrets at rest: OAuth client secrets, refresh/access tokens, PKCE verifiers (security checklist D1-D5).
 *
 * Attacks stopped:
 * - DB dump/backup/replica leak: AES-256-GCM; keys come from env or DATA_DIR/keys.json, never the DB (D1, D3).
 * - Tampering/bit-flipping: 16-byte GCM tag, any failure is a hard CryptoError; envelope segments must be
 *   canonical base64url (Node's decoder alone accepts '+', '/', '=' and non-zero trailing bits).
 * - Cut-and-paste between rows/columns/tables (viewer A's refresh token copied into viewer B's row): table,
 *   column and row id are AEAD associated data (D2; Tink AEAD docs, GitLab MR 2349; the no-AAD findings
 *   tembo/agent-studio#49 and jonwiggins/optio#302). The kid is in the AAD too, so relabelling fails.
 * - Plaintext fallback/downgrade: anything not "v1." is MALFORMED_CIPHERTEXT (D5; unlike Nango's
 *   shouldEncrypt()). Unknown kid is an explicit KEY_NOT_FOUND, never garbage (D3; Grafana, Vault transit).
 * - Missing/changed key at start-up (airflow-operator#694, airflow#53091): checkValue() is an HMAC of a
 *   constant, compared with the DB by keys.ts (D5). Rotation: one key seals, all keys open, reseal (D4;
 *   Airflow MultiFernet, Vault rewrap).
 * - Leaks via logs: messages carry codes, table/column/row and kid only; never plaintext, key bytes or
 *   ciphertext. Keys are KeyObjects in a private field (hidden from inspect/JSON).
 * - Timing oracles: timingSafeEqualString compares fixed-length digests.
 *
 * Following Nango packages/utils/lib/encryption.ts (aes-256-gcm, randomBytes(12), separate tag) and NIST
 * SP 800-38D (96-bit IV; random IVs allow at most 2^32 seals per key: rotate long before that).
 * Envelope "v1.<kid>.<iv>.<ciphertext>.<tag>" (base64url); AAD = "oauth-integrations/v1\0" + table + "\0" +
 * column + "\0" + rowId + "\0" + kid. Keys are used directly (no per-call derivation). rowIds are compared
 * byte for byte: use the lowercase UUID text PostgreSQL returns.
 */
import {
  createCipheriv, createDecipheriv, createHmac, createSecretKey, hash, randomBytes, timingSafeEqual, type KeyObject,
} from 'node:crypto';

export interface KeyMaterial { kid: string; key: Buffer }
/** Where a sealed value lives; bound into the AEAD associated data so a ciphertext moved to another row/column fails. */
export interface SealContext { table: string; column: string; rowId: string }

export type CryptoErrorCode = 'DECRYPTION_FAILED' | 'KEY_NOT_FOUND' | 'MALFORMED_CIPHERTEXT' | 'INVALID_KEY';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(readonly code: CryptoErrorCode, message: string) {
    super(message);
  }
}

const VERSION = 'v1.';
const AAD_PREFIX = 'oauth-integrations/v1\0';
const CHECK_CONSTANT = 'oauth-integrations key check v1';
const ALG = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL_RE = /^[A-Za-z0-9_-]*$/;

const malformed = (why: string) => new CryptoError('MALFORMED_CIPHERTEXT', `Sealed value is malformed: ${why}`);

/** Value of a base64url character already known to be in the alphabet. */
function b64Value(c: number): number {
  if (c >= 97) return c - 71; // a-z
  if (c >= 65) return c < 91 ? c - 65 : 63; // A-Z, '_'
  return c >= 48 ? c + 4 : 62; // 0-9, '-'
}

/** Strict, canonical base64url (no padding, no '+' '/', zero trailing bits); undefined when not. */
function decodeB64Url(s: string, expectedBytes?: number): Buffer | undefined {
  const len = s.length;
  const rem = len & 3;
  if (rem === 1 || !B64URL_RE.test(s)) return undefined;
  if (expectedBytes !== undefined && (len * 3) >> 2 !== expectedBytes) return undefined;
  if (rem !== 0 && (b64Value(s.charCodeAt(len - 1)) & (rem === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  return Buffer.from(s, 'base64url');
}

const badField = (v: unknown) => typeof v !== 'string' || v.length === 0 || v.includes('\0');

function aad(ctx: SealContext, kid: string): Buffer {
  if (badField(ctx.table) || badField(ctx.column) || badField(ctx.rowId)) {
    throw new TypeError('SealContext table, column and rowId must be non-empty strings without NUL');
  }
  return Buffer.from(`${AAD_PREFIX}${ctx.table}\0${ctx.column}\0${ctx.rowId}\0${kid}`, 'utf8');
}

interface Parsed { kid: string; iv: string; ct: string; tag: string }

function parse(sealed: string): Parsed {
  if (typeof sealed !== 'string' || !sealed.startsWith(VERSION)) throw malformed('not a v1 envelope');
  const a = sealed.indexOf('.', 3);
  const b = a < 0 ? -1 : sealed.indexOf('.', a + 1);
  const c = b < 0 ? -1 : sealed.indexOf('.', b + 1);
  if (c < 0 || sealed.indexOf('.', c + 1) >= 0) throw malformed('expected 5 dot-separated segments');
  const kid = sealed.slice(3, a);
  if (!KID_RE.test(kid)) throw malformed('invalid key id');
  return { kid, iv: sealed.slice(a + 1, b), ct: sealed.slice(b + 1, c), tag: sealed.slice(c + 1) };
}

function checkKid(kid: unknown, where: string): asserts kid is string {
  if (typeof kid !== 'string' || !KID_RE.test(kid)) {
    throw new CryptoError('INVALID_KEY', `${where}: key id must be 1-64 characters of [A-Za-z0-9_-]`);
  }
}

function checkMaterial(kid: unknown, key: unknown, where: string): void {
  checkKid(kid, where);
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new CryptoError('INVALID_KEY', `${where} ("${kid}"): key must be exactly ${KEY_BYTES} bytes`);
  }
}

export class Keyring {
  readonly activeKid: string;
  readonly kids: string[];
  readonly #keys = new Map<string, KeyObject>();

  constructor(keys: KeyMaterial[], activeKid: string) {
    if (!Array.isArray(keys) || keys.length === 0) throw new CryptoError('INVALID_KEY', 'Keyring needs at least one key');
    keys.forEach(({ kid, key }, i) => {
      checkMaterial(kid, key, `Key #${i + 1}`);
      if (this.#keys.has(kid)) throw new CryptoError('INVALID_KEY', `Duplicate key id "${kid}"`);
      this.#keys.set(kid, createSecretKey(key)); // copies the bytes
    });
    this.kids = Object.freeze([...this.#keys.keys()]) as string[];
    if (typeof activeKid !== 'string' || !this.#keys.has(activeKid)) {
      throw new CryptoError('INVALID_KEY', `Active key id is not one of the configured keys (${this.kids.join(', ')})`);
    }
    this.activeKid = activeKid;
  }

  #key(kid: string): KeyObject {
    const key = this.#keys.get(kid);
    if (!key) throw new CryptoError('KEY_NOT_FOUND', `Encryption key "${kid}" is not in the keyring`);
    return key;
  }

  seal(plaintext: string, ctx: SealContext): string {
    if (typeof plaintext !== 'string') throw new TypeError('seal() takes a string');
    const kid = this.activeKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALG, this.#key(kid), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(ctx, kid));
    const ct = cipher.update(plaintext, 'utf8');
    cipher.final(); // GCM: no output, computes the tag
    const tag = cipher.getAuthTag();
    return `${VERSION}${kid}.${iv.toString('base64url')}.${ct.toString('base64url')}.${tag.toString('base64url')}`;
  }

  open(sealed: string, ctx: SealContext): string {
    const p = parse(sealed);
    const key = this.#key(p.kid);
    const iv = decodeB64Url(p.iv, IV_BYTES);
    const tag = decodeB64Url(p.tag, TAG_BYTES);
    const ct = decodeB64Url(p.ct);
    if (!iv || !tag || !ct) throw malformed('bad iv, ciphertext or tag encoding');
    const decipher = createDecipheriv(ALG, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(ctx, p.kid));
    decipher.setAuthTag(tag);
    const pt = decipher.update(ct);
    try {
      decipher.final(); // throws on authentication failure; pt is never used unless this passes
    } catch {
      pt.fill(0);
      throw new CryptoError(
        'DECRYPTION_FAILED',
        `Sealed value for ${ctx.table}.${ctx.column} row ${ctx.rowId} failed authentication (key "${p.kid}")`,
      );
    }
    const out = pt.toString('utf8');
    pt.fill(0);
    return out;
  }

  kidOf(sealed: string): string {
    return parse(sealed).kid;
  }

  /** True when not sealed with the active key. Throws MALFORMED_CIPHERTEXT on a non-envelope. */
  needsReseal(sealed: string): boolean {
    return parse(sealed).kid !== this.activeKid;
  }

  reseal(sealed: string, ctx: SealContext): string {
    return this.seal(this.open(sealed, ctx), ctx);
  }

  /** HMAC-SHA256(key, constant): a one-way fingerprint stored in the DB to detect a missing/changed key. */
  checkValue(kid: string): string {
    return createHmac('sha256', this.#key(kid)).update(CHECK_CONSTANT).digest('base64url');
  }
}

export function generateKeyMaterial(kid?: string): KeyMaterial {
  const id = kid ?? `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
  checkKid(id, 'Generated key');
  return { kid: id, key: randomBytes(KEY_BYTES) };
}

/** "kid1:base64key,kid2:base64key" (standard or url-safe base64). Errors name the position, never key text. */
export function parseKeyList(value: string): KeyMaterial[] {
  if (typeof value !== 'string' || value.trim() === '') throw new CryptoError('INVALID_KEY', 'Key list is empty');
  const out: KeyMaterial[] = [];
  const seen = new Map<string, number>();
  value.split(',').forEach((raw, i) => {
    const pos = `Key list entry ${i + 1}`;
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    if (colon < 0) throw new CryptoError('INVALID_KEY', `${pos}: expected "kid:base64key"`);
    const kid = entry.slice(0, colon).trim();
    checkKid(kid, pos);
    const b64 = entry.slice(colon + 1).trim().replaceAll('+', '-').replaceAll('/', '_').replace(/={1,2}$/, '');
    const key = decodeB64Url(b64);
    if (!key || key.length !== KEY_BYTES) {
      throw new CryptoError('INVALID_KEY', `${pos}: key must be base64 of exactly ${KEY_BYTES} bytes`);
    }
    const prev = seen.get(kid);
    if (prev !== undefined) throw new CryptoError('INVALID_KEY', `${pos}: duplicate key id (same as entry ${prev})`);
    seen.set(kid, i + 1);
    out.push({ kid, key });
  });
  return out;
}

export function formatKeyList(keys: KeyMaterial[]): string {
  return keys.map(({ kid, key }, i) => (checkMaterial(kid, key, `Key #${i + 1}`), `${kid}:${key.toString('base64')}`)).join(',');
}

export function sha256Base64Url(value: string): string {
  return hash('sha256', value, 'base64url');
}

/** base64url of `bytes` random bytes (default 32; at least 16 for 128 bits of entropy). */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) throw new RangeError('randomToken: bytes must be 16..1024');
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time for equal-length digests; lengths are hidden by hashing both sides first. */
export function timingSafeEqualString(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}
