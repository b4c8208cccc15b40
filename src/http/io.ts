import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small request/response helpers for the node:http edge. */
export const MAX_BODY_BYTES = 100 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads a small request body. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => collectBody(req, limit, resolve, reject));
}

/**
 * readBody with callbacks, for the credential exchange: it runs synchronously once the body is in
 * (http/connect-api.ts), and a promise here would be the one asynchronous step left on its path.
 * Events, not an async iterator, for the same reason.
 */
export function collectBody(req: IncomingMessage, limit: number, onBody: (raw: string) => void, onError: (error: Error) => void): void {
  if (Number(req.headers['content-length'] ?? 0) > limit) return onError(new BodyTooLargeError());
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const fail = (error: Error) => {
    if (settled) return;
    settled = true;
    onError(error);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) return void chunks.push(chunk);
    req.off('data', onData);
    req.resume();
    fail(new BodyTooLargeError());
  };
  req.on('data', onData);
  req.once('end', () => {
    if (settled) return;
    settled = true;
    onBody(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.once('error', fail);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/**
 * JSON already serialized (the credential exchange writes its reply as text), with every JSON
 * answer's headers. They go to writeHead as a flat list: no header object is built per reply.
 */
export function sendJsonText(res: ServerResponse, status: number, payload: string, headers?: Record<string, string>): void {
  const head = ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(payload)), 'cache-control', 'no-store'];
  if (headers) for (const [name, value] of Object.entries(headers)) head.push(name, value);
  res.writeHead(status, head);
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

const KEY_AUTHORIZATION = /^Key\s+(\S+)\s*$/i;

/** `Authorization: Key <key>` (the Connect convention); returns the key or undefined. */
export function apiKeyFrom(req: IncomingMessage): string | undefined {
  const header = headerValue(req, 'authorization');
  if (header === undefined) return undefined;
  // What our clients send, "Key " and the key, is taken without the regular expression: it is on
  // every credential request, and the expression's match costs more than the scan.
  if (header.startsWith('Key ') && isVisibleAscii(header, 4)) return header.slice(4);
  return KEY_AUTHORIZATION.exec(header)?.[1];
}

/** At least one character from `from` on, each printable ASCII other than space (so no `\s`). */
function isVisibleAscii(text: string, from: number): boolean {
  if (text.length <= from) return false;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
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
