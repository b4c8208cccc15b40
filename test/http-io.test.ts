import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFrom, sendJsonText, sendText } from '../src/http/io.js';

/** The bytes on the wire, as a client reads them: UTF-8, with a content-length that counts bytes, not characters. */
describe('JSON and text replies (src/http/io.ts)', () => {
  let server: http.Server;
  let url: string;
  const replies: Record<string, (res: http.ServerResponse) => void> = {
    '/ascii': (res) => sendJsonText(res, 200, JSON.stringify({ access_token: 'dapi-0123456789', expires_in: 3540 })),
    '/latin1-range': (res) => sendJsonText(res, 200, JSON.stringify({ name: 'café ÿ' })),
    '/astral': (res) => sendJsonText(res, 429, JSON.stringify({ name: '🔑 倉庫' }), { 'retry-after': '3' }),
    '/text': (res) => sendText(res, 400, 'Entrepôt ÿ'),
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => replies[req.url!]!(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string) => {
    const response = await fetch(url + path);
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it.each([
    ['/ascii', '{"access_token":"dapi-0123456789","expires_in":3540}'],
    ['/latin1-range', '{"name":"café ÿ"}'],
    ['/astral', '{"name":"🔑 倉庫"}'],
    ['/text', 'Entrepôt ÿ'],
  ])('%s: the UTF-8 bytes of the reply, with their length', async (path, expected) => {
    const { response, bytes } = await get(path);
    expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    if (path !== '/text') expect(response.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('keeps the status, the JSON headers and any extra header', async () => {
    const { response } = await get('/astral');
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('retry-after')).toBe('3');
  });
});

describe('apiKeyFrom: `Authorization: Key <key>`', () => {
  // The rule the fast path must agree with everywhere (Connect's convention, as before it existed).
  const byRule = (header: string) => /^Key\s+(\S+)\s*$/i.exec(header)?.[1];
  const keyIn = (authorization: string | string[] | undefined) => apiKeyFrom({ headers: { authorization } } as unknown as http.IncomingMessage);

  it.each([
    ['Key oik_abc123', 'oik_abc123'],
    ['key oik_abc123', 'oik_abc123'],
    ['KEY\toik_abc123', 'oik_abc123'],
    ['Key   oik_abc123  ', 'oik_abc123'],
    ['Key oik_abc123\u00a0', 'oik_abc123'],
    ['Key oik_abc 123', undefined],
    ['Key ', undefined],
    ['Key', undefined],
    ['Keyoik_abc123', undefined],
    ['Bearer oik_abc123', undefined],
    ['Key oik_\u00e9t\u00e9', 'oik_\u00e9t\u00e9'],
    ['Key oik_\u00a0abc', undefined],
  ])('%j -> %j', (header, expected) => {
    expect(keyIn(header)).toBe(expected);
    expect(keyIn(header)).toBe(byRule(header));
  });

  it('takes the first of repeated headers, and nothing without one', () => {
    expect(keyIn(['Key first', 'Key second'])).toBe('first');
    expect(keyIn(undefined)).toBeUndefined();
  });

  it('agrees with the rule on random latin1 headers that start like a key', () => {
    const alphabet = ['a', 'Z', '0', '_', '-', ' ', '\t', '\n', '\u000b', '\u000c', '\r', '\u007f', '\u0085', '\u00a0', '\u00ff', '~', '!'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      let header = ['Key ', 'key ', 'Key', 'Key\t'][next() % 4]!;
      const length = next() % 8;
      for (let j = 0; j < length; j++) header += alphabet[next() % alphabet.length];
      expect(keyIn(header), JSON.stringify(header)).toBe(byRule(header));
    }
  });
});
