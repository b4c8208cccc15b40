import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJsonText, sendText } from '../src/http/io.js';

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
