import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, it, expect } from 'vitest';
import {
  CryptoError,
  Keyring,
  formatKeyList,
  generateKeyMaterial,
  parseKeyList,
  randomToken,
  sha256Base64Url,
  timingSafeEqualString,
  type KeyMaterial,
  type SealContext,
} from '../src/infra/crypto.js';

const fixedKey = (fill: number): Buffer => Buffer.alloc(32, fill);
const ctx: SealContext = { table: 'viewer_authorizations', column: 'refresh_token', rowId: '0b6f3f0e-4c1f-4c52-9f3e-2a7d2f1f9d11' };
const SECRET = 'refresh-token-CANARY-7f3a9c';

/** Runs fn, asserts it throws a CryptoError and returns it. */
function cryptoErrorOf(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return err as CryptoError;
  }
  throw new Error('expected a CryptoError, but nothing was thrown');
}

/** Independent reference implementation of the v1 envelope, straight from the spec. */
function referenceSeal(key: Buffer, kid: string, iv: Buffer, plaintext: string, c: SealContext): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`oauth-integrations/v1\0${c.table}\0${c.column}\0${c.rowId}\0${kid}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', kid, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function referenceOpen(key: Buffer, sealed: string, c: SealContext): string {
  const [v, kid, iv, ct, tag] = sealed.split('.') as [string, string, string, string, string];
  expect(v).toBe('v1');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
  d.setAAD(Buffer.from(`oauth-integrations/v1\0${c.table}\0${c.column}\0${c.rowId}\0${kid}`, 'utf8'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

describe('Keyring seal/open', () => {
  const ring = new Keyring([{ kid: 'k1', key: fixedKey(1) }], 'k1');

  it('round-trips ASCII, empty, multi-byte and long plaintexts', () => {
    for (const pt of [SECRET, '', 'ünïcødé 🔑 秘密', 'x'.repeat(20_000)]) {
      const sealed = ring.seal(pt, ctx);
      expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
      expect(sealed).not.toContain(pt || '\u0000');
      expect(ring.open(sealed, ctx)).toBe(pt);
    }
  });

  it('10,000 seals of one plaintext use 10,000 distinct IVs (and ciphertexts)', () => {
    const ivs = new Set<string>();
    const values = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const sealed = ring.seal(SECRET, ctx);
      ivs.add(sealed.split('.')[2]!);
      values.add(sealed);
    }
    expect(ivs.size).toBe(10_000);
    expect(values.size).toBe(10_000);
  });

  it('flipping any single character anywhere in the envelope throws CryptoError, never garbage', () => {
    const sealed = ring.seal(SECRET, ctx);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const replacements = [...alphabet, '+', '/', '=', '.', ' ', '%', '\n'];
    const ct = sealed.split('.')[3]!;
    let attempts = 0;
    const codes = new Set<string>();
    for (let pos = 0; pos < sealed.length; pos++) {
      for (const r of replacements) {
        if (r === sealed[pos]) continue;
        const tampered = sealed.slice(0, pos) + r + sealed.slice(pos + 1);
        const err = cryptoErrorOf(() => ring.open(tampered, ctx));
        expect(['DECRYPTION_FAILED', 'MALFORMED_CIPHERTEXT', 'KEY_NOT_FOUND']).toContain(err.code);
        expect(err.message).not.toContain(SECRET);
        expect(err.message).not.toContain(ct);
        codes.add(err.code);
        attempts++;
      }
    }
    expect(attempts).toBeGreaterThan(sealed.length * 60);
    // all three failure kinds were exercised (bad auth, bad encoding/structure, relabelled kid)
    expect(codes).toEqual(new Set(['DECRYPTION_FAILED', 'MALFORMED_CIPHERTEXT', 'KEY_NOT_FOUND']));
    // the original still opens
    expect(ring.open(sealed, ctx)).toBe(SECRET);
  });

  it('rejects non-canonical base64url that Node alone would decode to the same bytes', () => {
    const sealed = ring.seal(SECRET, ctx);
    const [, kid, iv, ct, tag] = sealed.split('.') as [string, string, string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 16 tag bytes = 22 characters; the last one carries 4 unused bits, so value ^ 1 decodes identically
    const sibling = alphabet[alphabet.indexOf(tag.at(-1)!) ^ 1]!;
    for (const variant of [tag.slice(0, -1) + sibling, tag + '==']) {
      expect(Buffer.from(variant, 'base64url').equals(Buffer.from(tag, 'base64url'))).toBe(true);
      const err = cryptoErrorOf(() => ring.open(['v1', kid, iv, ct, variant].join('.'), ctx));
      expect(err.code).toBe('MALFORMED_CIPHERTEXT');
    }
    // '+' / '/' in the IV decode to the same bytes in Node too; also refused
    const stdIv = 'A+/' + iv.slice(3);
    expect(Buffer.from(stdIv, 'base64url').equals(Buffer.from('A-_' + iv.slice(3), 'base64url'))).toBe(true);
    expect(cryptoErrorOf(() => ring.open(['v1', kid, stdIv, ct, tag].join('.'), ctx)).code).toBe('MALFORMED_CIPHERTEXT');
  });

  it('rejects IV and tag segments of the wrong length (no short tags, no odd IVs)', () => {
    const [, kid, iv, ct, tag] = ring.seal(SECRET, ctx).split('.') as [string, string, string, string, string];
    const b64 = (n: number) => randomBytes(n).toString('base64url');
    const cases = [
      [b64(8), tag], [b64(16), tag], [iv + 'AAAA', tag], ['', tag],
      [iv, b64(12)], [iv, tag.slice(0, 16)], [iv, b64(15)], [iv, b64(32)], [iv, ''],
    ];
    for (const [badIv, badTag] of cases) {
      const err = cryptoErrorOf(() => ring.open(['v1', kid, badIv, ct, badTag].join('.'), ctx));
      expect(err.code).toBe('MALFORMED_CIPHERTEXT');
    }
  });

  it('a ciphertext moved to another row, column or table fails', () => {
    const sealed = ring.seal(SECRET, ctx);
    const moved: SealContext[] = [
      { ...ctx, rowId: '7d9a2c44-1e0b-4f57-8a61-5c1b9e0f3a22' },
      { ...ctx, rowId: ctx.rowId.toUpperCase() },
      { ...ctx, column: 'access_token' },
      { ...ctx, table: 'data_sources', column: 'client_secret' },
    ];
    for (const other of moved) {
      const err = cryptoErrorOf(() => ring.open(sealed, other));
      expect(err.code).toBe('DECRYPTION_FAILED');
      expect(err.message).not.toContain(SECRET);
      expect(err.message).not.toContain(sealed.split('.')[3]!);
    }
    // field boundaries are unambiguous: ("ab","c") is not ("a","bc")
    const a = ring.seal(SECRET, { table: 't', column: 'ab', rowId: 'c' });
    expect(() => ring.open(a, { table: 't', column: 'a', rowId: 'bc' })).toThrow(CryptoError);
  });

  it('rejects context fields that are empty or contain NUL (they would make the AAD ambiguous)', () => {
    expect(() => ring.seal(SECRET, { ...ctx, rowId: '' })).toThrow(TypeError);
    expect(() => ring.seal(SECRET, { ...ctx, column: 'a\0b' })).toThrow(TypeError);
  });

  it('relabelling the kid fails even when two kids hold the same key bytes (kid is in the AAD)', () => {
    const aliased = new Keyring([{ kid: 'a', key: fixedKey(9) }, { kid: 'b', key: fixedKey(9) }], 'a');
    const sealed = aliased.seal(SECRET, ctx);
    expect(aliased.open(sealed, ctx)).toBe(SECRET);
    expect(cryptoErrorOf(() => aliased.open(sealed.replace(/^v1\.a\./, 'v1.b.'), ctx)).code).toBe('DECRYPTION_FAILED');
  });

  it('never falls back to plaintext: anything not "v1." is MALFORMED_CIPHERTEXT', () => {
    for (const v of [SECRET, '', 'v1', 'v1.', 'V1.k1.a.b.c', 'v2.k1.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA', 'v1.k1.x.y', 'v1.k1.a.b.c.d']) {
      const err = cryptoErrorOf(() => ring.open(v, ctx));
      expect(err.code).toBe('MALFORMED_CIPHERTEXT');
      if (v.length > 3) expect(err.message).not.toContain(v);
    }
  });
});

describe('known-answer vector (pins the v1 format)', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
  const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex');
  const kac: SealContext = { table: 'data_sources', column: 'client_secret', rowId: '11111111-2222-4333-8444-555555555555' };
  const plaintext = 'dapi-client-secret-0123456789';
  // Computed once with referenceSeal() (plain node:crypto) and pasted here.
  const VECTOR = 'v1.kat-1.yv66vvrO263eyviI.7sLQT4cZI3IjZSnwCHjqTWhU7WHuK1lAe-kzSYc.y-wNOZiVhh9bynrYxRVX8Q';

  it('an independent node:crypto computation reproduces the pinned string', () => {
    expect(referenceSeal(key, 'kat-1', iv, plaintext, kac)).toBe(VECTOR);
  });

  it('Keyring.open opens the pinned string, and only in its context', () => {
    const ring = new Keyring([{ kid: 'kat-1', key }], 'kat-1');
    expect(ring.open(VECTOR, kac)).toBe(plaintext);
    expect(() => ring.open(VECTOR, { ...kac, rowId: '11111111-2222-4333-8444-555555555556' })).toThrow(CryptoError);
  });

  it('Keyring.seal output is opened by the independent implementation', () => {
    const ring = new Keyring([{ kid: 'kat-1', key }], 'kat-1');
    expect(referenceOpen(key, ring.seal(plaintext, kac), kac)).toBe(plaintext);
  });

  it('checkValue is HMAC-SHA256(key, "oauth-integrations key check v1") in base64url', () => {
    const ring = new Keyring([{ kid: 'kat-1', key }], 'kat-1');
    const expected = createHmac('sha256', key).update('oauth-integrations key check v1').digest('base64url');
    expect(ring.checkValue('kat-1')).toBe(expected);
  });
});

describe('rotation', () => {
  const oldKey: KeyMaterial = { kid: 'k-old', key: fixedKey(2) };
  const newKey: KeyMaterial = { kid: 'k-new', key: fixedKey(3) };

  it('a keyring [old,new] with active=new opens old values, flags them and reseals to the new kid', () => {
    const before = new Keyring([oldKey], 'k-old');
    const oldValue = before.seal(SECRET, ctx);
    const ring = new Keyring([oldKey, newKey], 'k-new');
    expect(ring.kids).toEqual(['k-old', 'k-new']);
    expect(ring.activeKid).toBe('k-new');
    expect(ring.open(oldValue, ctx)).toBe(SECRET);
    expect(ring.kidOf(oldValue)).toBe('k-old');
    expect(ring.needsReseal(oldValue)).toBe(true);

    const resealed = ring.reseal(oldValue, ctx);
    expect(ring.kidOf(resealed)).toBe('k-new');
    expect(ring.needsReseal(resealed)).toBe(false);
    expect(ring.open(resealed, ctx)).toBe(SECRET);
    expect(new Keyring([newKey], 'k-new').open(resealed, ctx)).toBe(SECRET);
    // reseal still authenticates: a moved old value cannot be laundered into a valid new one
    expect(() => ring.reseal(oldValue, { ...ctx, rowId: 'other-row' })).toThrow(CryptoError);
  });

  it('a keyring without the old kid throws KEY_NOT_FOUND naming the kid', () => {
    const oldValue = new Keyring([oldKey], 'k-old').seal(SECRET, ctx);
    const err = cryptoErrorOf(() => new Keyring([newKey], 'k-new').open(oldValue, ctx));
    expect(err.code).toBe('KEY_NOT_FOUND');
    expect(err.message).toContain('k-old');
    expect(err.message).not.toContain(SECRET);
  });

  it('a keyring with a different key under the same kid fails with DECRYPTION_FAILED', () => {
    const value = new Keyring([oldKey], 'k-old').seal(SECRET, ctx);
    const impostor = new Keyring([{ kid: 'k-old', key: fixedKey(4) }], 'k-old');
    expect(cryptoErrorOf(() => impostor.open(value, ctx)).code).toBe('DECRYPTION_FAILED');
    expect(impostor.checkValue('k-old')).not.toBe(new Keyring([oldKey], 'k-old').checkValue('k-old'));
  });
});

describe('Keyring construction', () => {
  it('rejects keys that are not exactly 32 bytes', () => {
    for (const len of [0, 16, 24, 31, 33, 64]) {
      expect(cryptoErrorOf(() => new Keyring([{ kid: 'k', key: Buffer.alloc(len, 7) }], 'k')).code).toBe('INVALID_KEY');
    }
    expect(cryptoErrorOf(() => new Keyring([{ kid: 'k', key: 'x'.repeat(32) as unknown as Buffer }], 'k')).code).toBe('INVALID_KEY');
  });

  it('rejects duplicate kids, bad kid characters, an unknown activeKid and an empty keyring', () => {
    const k = fixedKey(5);
    expect(cryptoErrorOf(() => new Keyring([{ kid: 'a', key: k }, { kid: 'a', key: fixedKey(6) }], 'a')).code).toBe('INVALID_KEY');
    for (const kid of ['', 'a.b', 'a:b', 'a,b', 'a b', 'ü', 'a/b', 'x'.repeat(65)]) {
      expect(cryptoErrorOf(() => new Keyring([{ kid, key: k }], kid)).code).toBe('INVALID_KEY');
    }
    expect(cryptoErrorOf(() => new Keyring([{ kid: 'a', key: k }], 'b')).code).toBe('INVALID_KEY');
    expect(cryptoErrorOf(() => new Keyring([], 'a')).code).toBe('INVALID_KEY');
  });

  it('copies key material and never exposes it through inspect or JSON', () => {
    const key = randomBytes(32);
    const b64 = key.toString('base64');
    const ring = new Keyring([{ kid: 'k', key }], 'k');
    const sealed = ring.seal(SECRET, ctx);
    key.fill(0);
    expect(ring.open(sealed, ctx)).toBe(SECRET);
    const shown = inspect(ring, { depth: 10, showHidden: true }) + JSON.stringify(ring);
    expect(shown).not.toContain(b64);
    expect(shown).not.toContain(Buffer.from(b64, 'base64').toString('hex'));
  });
});

describe('key lists', () => {
  const k1 = fixedKey(0xfb); // standard base64 has '+' and '/', url-safe has '-' and '_'
  const k2 = randomBytes(32);

  it('parses standard and url-safe base64, with or without padding, and round-trips formatKeyList', () => {
    const parsed = parseKeyList(` k1:${k1.toString('base64')} , k2:${k2.toString('base64url')}`);
    expect(parsed.map((k) => k.kid)).toEqual(['k1', 'k2']);
    expect(parsed[0]!.key.equals(k1)).toBe(true);
    expect(parsed[1]!.key.equals(k2)).toBe(true);
    const text = formatKeyList(parsed);
    expect(text).toBe(`k1:${k1.toString('base64')},k2:${k2.toString('base64')}`);
    expect(parseKeyList(text)).toEqual(parsed);
  });

  it('errors name the position but never contain the key text', () => {
    const good = `k1:${k1.toString('base64')}`;
    const secretB64 = k2.toString('base64');
    const short = randomBytes(31).toString('base64');
    const long = randomBytes(33).toString('base64');
    const cases: Array<[string, string]> = [
      [`${good},${secretB64}`, secretB64], // missing "kid:"
      [`${good},k2:${short}`, short],
      [`${good},k2:${long}`, long],
      [`${good},k2:${secretB64.slice(0, 20)}!!${secretB64.slice(22)}`, secretB64.slice(0, 20)],
      [`${good},${secretB64.replace(/=+$/, '')}:k2`, secretB64.slice(0, 20)], // swapped order
      [`${good},bad kid:${secretB64}`, secretB64],
      [`${good},k1:${secretB64}`, secretB64], // duplicate kid
      [`${good},`, ''],
    ];
    for (const [list, secret] of cases) {
      const err = cryptoErrorOf(() => parseKeyList(list));
      expect(err.code).toBe('INVALID_KEY');
      expect(err.message).toContain('entry 2');
      if (secret) expect(err.message).not.toContain(secret);
      // nor any base64 run, in either alphabet, with or without padding
      expect(err.message).not.toMatch(/[A-Za-z0-9+/_=-]{16,}/);
      expect(err.message).not.toContain(k1.toString('base64'));
    }
    expect(cryptoErrorOf(() => parseKeyList('')).code).toBe('INVALID_KEY');
  });

  it('formatKeyList refuses invalid material', () => {
    expect(() => formatKeyList([{ kid: 'k', key: Buffer.alloc(16) }])).toThrow(CryptoError);
    expect(() => formatKeyList([{ kid: 'a:b', key: fixedKey(1) }])).toThrow(CryptoError);
  });

  it('generateKeyMaterial makes fresh 32-byte keys with dated kids', () => {
    const a = generateKeyMaterial();
    const b = generateKeyMaterial();
    expect(a.key).toHaveLength(32);
    expect(a.key.equals(b.key)).toBe(false);
    expect(a.kid).toMatch(/^k\d{8}-[0-9a-f]{6}$/);
    expect(a.kid).not.toBe(b.kid);
    expect(generateKeyMaterial('custom_1').kid).toBe('custom_1');
    expect(() => generateKeyMaterial('no.dots')).toThrow(CryptoError);
    expect(new Keyring([a, b], b.kid).open(new Keyring([a, b], b.kid).seal('x', ctx), ctx)).toBe('x');
  });
});

describe('checkValue', () => {
  it('differs per key, is stable across calls and instances, and does not reveal the key', () => {
    const a: KeyMaterial = { kid: 'a', key: randomBytes(32) };
    const b: KeyMaterial = { kid: 'b', key: randomBytes(32) };
    const ring = new Keyring([a, b], 'a');
    expect(ring.checkValue('a')).not.toBe(ring.checkValue('b'));
    expect(ring.checkValue('a')).toBe(ring.checkValue('a'));
    expect(new Keyring([{ kid: 'a', key: Buffer.from(a.key) }], 'a').checkValue('a')).toBe(ring.checkValue('a'));
    expect(ring.checkValue('a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ring.checkValue('a')).not.toBe(a.key.toString('base64url'));
    expect(cryptoErrorOf(() => ring.checkValue('zzz')).code).toBe('KEY_NOT_FOUND');
  });
});

describe('helpers', () => {
  it('sha256Base64Url matches the SHA-256 test vector', () => {
    expect(sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    expect(sha256Base64Url('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });

  it('randomToken is url-safe, sized and unique', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(48)).toHaveLength(64);
    expect(new Set(Array.from({ length: 1000 }, () => randomToken())).size).toBe(1000);
    expect(() => randomToken(8)).toThrow(RangeError);
  });

  it('timingSafeEqualString compares by value, including different lengths', () => {
    expect(timingSafeEqualString('abc', 'abc')).toBe(true);
    expect(timingSafeEqualString('', '')).toBe(true);
    expect(timingSafeEqualString('abc', 'abd')).toBe(false);
    expect(timingSafeEqualString('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualString('', 'a')).toBe(false);
    expect(timingSafeEqualString('é', 'e\u0301')).toBe(false);
  });
});
