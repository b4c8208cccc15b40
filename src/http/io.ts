import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small request/response helpers for the node:http edge. */
export const MAX_BODY_BYTES = 100 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads a small request body (events, not an async iterator: this runs on every exchange). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Authorization: Key <key>` (the Connect convention); returns the key or undefined. */
export function apiKeyFrom(req: IncomingMessage): string | undefined {
  const header = headerValue(req, 'authorization');
  const match = header ? /^Key\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The request target without WHATWG URL parsing (measurable on the credential hot path): the path
 * for routing, the query parsed only when a route asks for it.
 */
export class RequestTarget {
  readonly pathname: string;
  readonly search: string;
  private params: URLSearchParams | undefined;

  constructor(raw: string) {
    const target = raw.startsWith('/') ? raw : (() => {
      const absolute = new URL(raw);
      return absolute.pathname + absolute.search;
    })();
    const query = target.indexOf('?');
    this.pathname = query < 0 ? target : target.slice(0, query);
    this.search = query < 0 ? '' : target.slice(query);
  }

  get searchParams(): URLSearchParams {
    return (this.params ??= new URLSearchParams(this.search));
  }
}
