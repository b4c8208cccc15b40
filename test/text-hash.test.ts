import { createHash as nodeCreateHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHash, sha256Hex } from '../src/infra/text-hash.js';

/**
 * The bundle gives Apollo this createHash (scripts/bundle-shims/apollo-createhash.ts), and Apollo finds
 * parsed documents by its digests: every answer must be Node's, however the hash is fed.
 */
const reference = (text: string) => nodeCreateHash('sha256').update(text).digest('hex');

describe('remembered SHA-256 of texts (src/infra/text-hash.ts)', () => {
  it('gives the digest of each text, the first time and when it is remembered', () => {
    const texts = ['{ __typename }', '{ __typenamf }', 'query Q($t: String!) { oauthCredentials(sessionToken: $t) { accessToken } }', 'Entrepôt 🔑 倉庫', ''];
    for (const text of texts) {
      expect(sha256Hex(text)).toBe(reference(text));
      expect(sha256Hex(text)).toBe(reference(text));
      expect(createHash('sha256').update(text).digest('hex')).toBe(reference(text));
    }
  });

  it('answers a text that equals a remembered one but is another string object', () => {
    const first = ['query', '{ a }'].join(' ');
    const second = `${'query'} ${'{ a }'}`;
    expect(sha256Hex(first)).toBe(sha256Hex(second));
    expect(sha256Hex(second)).toBe(reference('query { a }'));
  });

  it('stays right past its bound and for texts too long to remember', () => {
    const texts = Array.from({ length: 1_200 }, (_, i) => `query Q${i} { __typename }`);
    for (const text of texts) expect(sha256Hex(text)).toBe(reference(text));
    for (const text of texts.slice(0, 50)) expect(sha256Hex(text)).toBe(reference(text));
    const long = 'x'.repeat(20_000);
    expect(sha256Hex(long)).toBe(reference(long));
    expect(sha256Hex(long + 'y')).toBe(reference(long + 'y'));
  });

  it('falls back to Node for every other way of feeding or reading the hash', () => {
    const text = 'query { viewer }';
    expect(createHash('sha256').update(text).digest().equals(nodeCreateHash('sha256').update(text).digest())).toBe(true);
    expect(createHash('sha256').update(text).digest('base64')).toBe(nodeCreateHash('sha256').update(text).digest('base64'));
    expect(createHash('sha256').update('query ').update('{ viewer }').digest('hex')).toBe(reference(text));
    expect(createHash('sha256').update(Buffer.from(text)).digest('hex')).toBe(reference(text));
    expect(createHash('sha256').update(Buffer.from('query ')).update('{ viewer }').digest('hex')).toBe(reference(text));
    expect(createHash('sha256').update('cXVlcnkgeyB2aWV3ZXIgfQ==', 'base64').digest('hex')).toBe(reference(text));
    expect(createHash('sha256').digest('hex')).toBe(reference(''));
    expect(createHash('sha512').update(text).digest('hex')).toBe(nodeCreateHash('sha512').update(text).digest('hex'));
  });
});
