import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeProvider } from '../test/support/fake-provider.js';

/**
 * The demo's stand-ins for the hosting platform: it launches the content app as its own process
 * with CONNECT_SERVER / CONNECT_API_KEY / DATA_PROVIDER_URL in its environment (what Connect injects)
 * and fronts it with a proxy that sets Posit-Connect-User-Session-Token on every viewer request.
 */
export const SESSION_HEADER = 'posit-connect-user-session-token';
const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'node-content', 'app.mjs');

export interface Closable {
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: http.Server): Closable {
  return { close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

/** `node examples/node-content/app.mjs` as a child process; its (token-free) log lines are echoed. */
export async function startContentApp(env: Record<string, string>, log: (line: string) => void): Promise<Closable & { url: string }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [APP], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        if (line.includes('listening on')) resolve();
        log(`[content app] ${line}`);
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => reject(new Error(`the content app exited (code ${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The hosting platform's front door for the content: every request reaches the app with a fresh
 * session token for the demo viewer (a client-supplied header of that name is dropped, never forwarded).
 */
export async function startPlatformProxy(port: number, target: string, mintToken: () => Promise<string>): Promise<Closable> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    void (async () => {
      const headers = { ...req.headers, [SESSION_HEADER]: await mintToken() };
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502).end('content app unavailable'));
      req.pipe(forward);
    })().catch(() => (res.headersSent ? res.destroy() : res.writeHead(502).end('could not mint a session token')));
  });
  await listen(server, port);
  return closer(server);
}

/**
 * Snowflake access tokens carry no `openid` scope, so the provider's userinfo refuses them. In its
 * place: a tiny "who am I" API standing in for Snowflake's SQL API (`SELECT CURRENT_USER()`): it
 * accepts a Bearer token only if the provider's RFC 7662 introspection says it is active, and
 * answers with what the provider knows about it.
 */
export async function startIntrospectionDataApi(provider: FakeProvider): Promise<Closable & { url: string }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const info = token ? await provider.introspect(token) : { active: false };
      const body = info.active
        ? { source: 'provider token introspection', current_user: info.sub, scope: info.scope, client_id: info.client_id, expires_at: new Date((info.exp ?? 0) * 1000).toISOString() }
        : { error: 'invalid_token' };
      res.writeHead(info.active ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    })().catch(() => res.writeHead(502).end());
  });
  const port = await listen(server, 0);
  return { url: `http://127.0.0.1:${port}/whoami`, ...closer(server) };
}
