import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildConfiguration, ROUTES, type FakeClient, type Flavour } from './fake-provider-config.js';
import { FakeProviderStore, silenceOidcProviderNotices } from './fake-provider-store.js';
import { tamperIdToken, type IdTokenFault } from './id-token-tamper.js';

export type { FakeClient, Flavour } from './fake-provider-config.js';

/**
 * A REAL oidc-provider on 127.0.0.1:<random port>, shaped like Databricks or Snowflake as an OAuth
 * client sees them. A plain node:http server sits in front of provider.callback() to count token
 * requests, inject outages and (databricks) mount everything under /oidc — nothing is mocked.
 */
export interface FakeProviderOptions {
  flavour: Flavour;
  clients: FakeClient[];
  /** Access-token lifetime; default 3600 (Databricks ~1 h; Snowflake's real default is ~600). */
  accessTokenTtlSeconds?: number;
  /** Refresh-token lifetime, fixed at first issue (rotation keeps the remainder); default 7 days. */
  refreshTokenTtlSeconds?: number;
  /** Default true: every refresh rotates; reuse of an old one -> invalid_grant AND the grant is revoked. */
  rotateRefreshTokens?: boolean;
  /** Snowflake: roles accepted as `session:role:<ROLE>` scopes (unknown scopes are silently dropped). */
  snowflakeRoles?: string[];
  /** Snowflake: token errors carry `message` next to `error_description` ('both', default) or instead of it. */
  snowflakeErrorStyle?: 'both' | 'message-only';
}

export interface FakeProviderStats {
  tokenRequests: number;
  refreshRequests: number;
  authorizationCodeRequests: number;
  /** Raw token-request bodies, oldest first (includes injected failures). */
  lastTokenRequestBodies: string[];
  lastTokenRequestHeaders: Record<string, string>[];
}

export interface FakeProvider {
  flavour: Flavour;
  issuer: string;
  /** http://127.0.0.1:<port>: the "host URL" an admin would type. */
  baseUrl: string;
  port: number;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  stats: FakeProviderStats;
  resetStats(): void;
  /** Answer the next n token requests with `status` before oidc-provider sees them (grant untouched). */
  failNextTokenRequests(n: number, status?: 503 | 500 | 429): void;
  /** Delay every following token response by ms (0 to stop). */
  delayTokenResponses(ms: number): void;
  /** Answer the next n token requests with `302 Location: location` before oidc-provider sees them (grant untouched). */
  redirectNextTokenRequests(n: number, location: string): void;
  /** Rewrite the id_token of the next token response that carries one (checklist A10). */
  tamperNextIdToken(fault: IdTokenFault): void;
  /** RFC 7662 introspection over HTTP with an internal client. */
  introspect(accessToken: string): Promise<{ active: boolean; sub?: string; client_id?: string; scope?: string; exp?: number }>;
  /** Userinfo over HTTP; null unless 200 (needs the openid scope, so databricks in practice). */
  userinfo(accessToken: string): Promise<Record<string, unknown> | null>;
  /** Deletes every grant (and its tokens) of the account: the next refresh gets invalid_grant. */
  revokeAllGrantsFor(accountId: string): Promise<number>;
  close(): Promise<void>;
}

const MOUNT = '/oidc';

export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  silenceOidcProviderNotices();
  // Imported lazily so the console filter is in place before the module prints its Node-version notice.
  const { default: Provider } = await import('oidc-provider');
  const { flavour } = options;
  const mount = flavour === 'databricks' ? MOUNT : '';
  const routes = ROUTES[flavour];
  const store = new FakeProviderStore();
  const introspector = { clientId: 'fake-provider-introspector', clientSecret: randomBytes(16).toString('hex') };
  const stats: FakeProviderStats = { tokenRequests: 0, refreshRequests: 0, authorizationCodeRequests: 0, lastTokenRequestBodies: [], lastTokenRequestHeaders: [] };
  const faults = { remaining: 0, status: 503 as 503 | 500 | 429, delayMs: 0, redirects: 0, redirectTo: '' };

  // Listen first: the issuer must contain the port, and the Provider needs the issuer up front.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const issuer = `${baseUrl}${mount}`;

  const configuration = buildConfiguration({
    flavour,
    clients: options.clients,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 7 * 24 * 3600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    snowflakeRoles: options.snowflakeRoles ?? ['PUBLIC', 'ANALYST', 'SYSADMIN'],
    store,
    introspector,
  });
  const provider = new Provider(issuer, configuration);
  const idTokenFaults: IdTokenFault[] = [];
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (idTokenFaults.length === 0 || ctx.path !== routes.token || typeof body?.id_token !== 'string') return;
    const providerKey = (configuration.jwks as { keys: Array<Record<string, unknown>> }).keys[0]!;
    ctx.body = { ...body, id_token: await tamperIdToken(body.id_token, idTokenFaults.shift()!, providerKey) };
  });
  if (flavour === 'snowflake') provider.use(snowflakeWireShape(provider, options, routes.token!));
  const callback = provider.callback();
  const tokenPath = `${mount}${routes.token}`;

  handler = (req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && path === tokenPath) {
        const body = await readBody(req);
        stats.tokenRequests += 1;
        const grantType = new URLSearchParams(body).get('grant_type');
        if (grantType === 'refresh_token') stats.refreshRequests += 1;
        if (grantType === 'authorization_code') stats.authorizationCodeRequests += 1;
        stats.lastTokenRequestBodies.push(body);
        stats.lastTokenRequestHeaders.push(flattenHeaders(req));
        if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
        if (faults.remaining > 0) {
          faults.remaining -= 1;
          return injectFailure(res, faults.status, flavour);
        }
        if (faults.redirects > 0) {
          faults.redirects -= 1;
          return void res.writeHead(302, { location: faults.redirectTo }).end();
        }
        // The stream is drained; oidc-provider falls back to a pre-parsed req.body (string is fine).
        Object.assign(req, { body });
      }
      if (mount) {
        if (!path?.startsWith(`${mount}/`)) return void res.writeHead(404).end();
        // Databricks serves RFC 8414 metadata at this non-RFC path; same document as OIDC discovery.
        if (path === `${mount}/.well-known/oauth-authorization-server`) req.url = `${mount}/.well-known/openid-configuration`;
        // oidc-provider derives its mount path from originalUrl minus url (express-style mounting).
        Object.assign(req, { originalUrl: req.url });
        req.url = req.url!.slice(mount.length);
      }
      callback(req, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake provider wrapper error: ${String(err)}`);
    });
  };

  const endpoint = (name: string) => `${issuer}${routes[name]}`;
  const introspectorAuth = `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString('base64')}`;
  return {
    flavour,
    issuer,
    baseUrl,
    port,
    authorizationEndpoint: endpoint('authorization'),
    tokenEndpoint: endpoint('token'),
    stats,
    resetStats() {
      Object.assign(stats, { tokenRequests: 0, refreshRequests: 0, authorizationCodeRequests: 0, lastTokenRequestBodies: [], lastTokenRequestHeaders: [] });
    },
    failNextTokenRequests(n, status = 503) {
      faults.remaining = n;
      faults.status = status;
    },
    delayTokenResponses(ms) {
      faults.delayMs = ms;
    },
    redirectNextTokenRequests(n, location) {
      faults.redirects = n;
      faults.redirectTo = location;
    },
    tamperNextIdToken(fault) {
      idTokenFaults.push(fault);
    },
    async introspect(accessToken) {
      const res = await fetch(endpoint('introspection'), {
        method: 'POST',
        headers: { authorization: introspectorAuth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
      });
      if (!res.ok) throw new Error(`introspection failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as Awaited<ReturnType<FakeProvider['introspect']>>;
    },
    async userinfo(accessToken) {
      const res = await fetch(endpoint('userinfo'), { headers: { authorization: `Bearer ${accessToken}` } });
      return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
    },
    async revokeAllGrantsFor(accountId) {
      return store.revokeAccount(accountId);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * Snowflake differences a client can see: no `iss` on the authorization response (RFC 9207 is not
 * implemented there, so a client must not require it), `message` on token errors, and
 * `refresh_token_expires_in` + `username` on token responses.
 */
function snowflakeWireShape(provider: InstanceType<typeof import('oidc-provider').Provider>, options: FakeProviderOptions, tokenPath: string) {
  return async (ctx: import('oidc-provider').OidcKoaContext, next: () => Promise<void>) => {
    await next();
    const location = ctx.status >= 300 && ctx.status < 400 ? ctx.response.get('location') : '';
    if (location && options.clients.some((c) => c.redirectUris.some((uri) => location.startsWith(uri)))) {
      const url = new URL(location);
      url.searchParams.delete('iss');
      ctx.response.set('location', url.href);
    }
    if (ctx.path !== tokenPath || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    if (typeof body.error === 'string') {
      const { error_description: description, ...rest } = body;
      ctx.body = options.snowflakeErrorStyle === 'message-only'
        ? { ...rest, message: description ?? body.error }
        : { ...body, message: description ?? body.error };
    } else if (typeof body.refresh_token === 'string') {
      const refresh = await provider.RefreshToken.find(body.refresh_token);
      if (refresh?.exp) body.refresh_token_expires_in = refresh.exp - Math.floor(Date.now() / 1000);
      if (refresh) body.username = refresh.accountId;
    }
  };
}

function injectFailure(res: ServerResponse, status: 503 | 500 | 429, flavour: Flavour) {
  const error = status === 500 ? 'server_error' : 'temporarily_unavailable';
  const description = `fake provider: injected HTTP ${status}`;
  const body = flavour === 'snowflake' ? { error, message: description } : { error, error_description: description };
  res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
