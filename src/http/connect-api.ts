import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../app.js';
import type { DataSource, ViewerAuthorization } from '../generated/prisma/client.js';
import { AppError, badInput, unauthenticated } from '../core/errors.js';
import type { Credentials } from '../core/credentials.js';
import type { Principal } from '../core/principal.js';
import { enforce } from '../core/rate-limits.js';
import { providerByTemplate, providerFor } from '../providers/index.js';
import { AuthenticationGuard } from './authentication-guard.js';
import { LastBodyPerConnection } from './connection-memo.js';
import { sendConnectError } from './connect-errors.js';
import { parseForm } from './form.js';
import { BodyTooLargeError, MAX_BODY_BYTES, apiKeyFrom, collectBody, readBody, sendJson, sendJsonText, type RequestTarget } from './io.js';
import { andThen, catching, runSyncFirst, wait, type MaybePromise, type Steps } from '../infra/sync-first.js';

/**
 * The Connect-compatible REST surface posit-sdk and connectapi call (shared/docs/wire-compat.md):
 * the RFC 8693 credential exchange, integration CRUD, content associations and OAuth sessions.
 * Routes translate wire shapes to domain calls and back; all rules live in core/.
 */
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const USER_SESSION_TOKEN = 'urn:posit:connect:user-session-token';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

type Route = { method: string; pattern: RegExp; handle: (ctx: RouteContext, ...params: string[]) => MaybePromise<void> };
interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: RequestTarget;
  principal: Principal;
  services: Services;
}

export const CREDENTIALS_PATH = '/__api__/v1/oauth/integrations/credentials';

export function createConnectApi(services: Services) {
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/__api__\/v1\/oauth\/integrations$/, handle: listIntegrations },
    { method: 'POST', pattern: /^\/__api__\/v1\/oauth\/integrations$/, handle: createIntegration },
    { method: 'GET', pattern: /^\/__api__\/v1\/oauth\/integrations\/([^/]+)$/, handle: getIntegration },
    { method: 'PATCH', pattern: /^\/__api__\/v1\/oauth\/integrations\/([^/]+)$/, handle: updateIntegration },
    { method: 'DELETE', pattern: /^\/__api__\/v1\/oauth\/integrations\/([^/]+)$/, handle: deleteIntegration },
    { method: 'GET', pattern: /^\/__api__\/v1\/content\/([^/]+)\/oauth\/integrations\/associations$/, handle: listAssociations },
    { method: 'PUT', pattern: /^\/__api__\/v1\/content\/([^/]+)\/oauth\/integrations\/associations$/, handle: putAssociations },
    { method: 'GET', pattern: /^\/__api__\/v1\/content\/([^/]+)$/, handle: getContent },
    { method: 'GET', pattern: /^\/__api__\/v1\/oauth\/sessions$/, handle: listSessions },
    { method: 'GET', pattern: /^\/__api__\/v1\/oauth\/sessions\/([^/]+)$/, handle: getSession },
    { method: 'DELETE', pattern: /^\/__api__\/v1\/oauth\/sessions\/([^/]+)$/, handle: deleteSession },
  ];

  const guard = new AuthenticationGuard(services);

  /**
   * Authenticates, keeps changes within the key's budget, runs the handler, and answers AppErrors in
   * Connect's `{code, error, payload}` shape (RATE_LIMITED: 429 with Retry-After). Sync-first, so a
   * cached key and a synchronous handler (the exchange, mostly) answer without a promise in between.
   */
  const run = (
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    handle: Route['handle'] | undefined,
    params: string[],
    changes = false,
  ): MaybePromise<void> => catching(() => runSyncFirst(routeSteps(req, res, url, handle, params, changes)), (error) => answerError(res, error));

  function* routeSteps(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
    handle: Route['handle'] | undefined,
    params: string[],
    changes: boolean,
  ): Steps<void> {
    if (!handle) throw new AppError('BAD_USER_INPUT', `Method ${req.method} is not allowed here`);
    const principal = yield* wait(guard.authenticate(apiKeyFrom(req), req));
    if (!principal) throw unauthenticated();
    if (changes) yield* wait(enforce(services.rateLimits.mutations, principal.apiKeyId, 'Too many changes with this API key'));
    yield* wait(handle({ req, res, url, principal, services }, ...params));
  }

  return {
    /**
     * POST /__api__/v1/oauth/integrations/credentials, routed by exact path: it is the hot path. A body
     * that is too large or breaks off is answered by `run` too, after authentication, as any route's.
     */
    exchange: (req: IncomingMessage, res: ServerResponse, url: RequestTarget, fail: (error: unknown) => void): MaybePromise<void> => {
      if (req.method !== 'POST') return run(req, res, url, undefined, []);
      // The body by callback and no promise around it: once the body is in, a warm exchange runs to its
      // answer synchronously. What `run` does not answer itself goes to `fail`, now or when it settles.
      const runWith = (handle: Route['handle']) => void catching(() => run(req, res, url, handle, []), fail);
      const rethrow = (error: Error) => () => {
        throw error;
      };
      collectBody(req, MAX_BODY_BYTES, (raw) => runWith((ctx) => exchangeCredentials(ctx, raw)), (error) => runWith(rethrow(error)));
    },
    /** Every other route; false when none matches the path. */
    dispatch: async (req: IncomingMessage, res: ServerResponse, url: RequestTarget): Promise<boolean> => {
      const matching = routes.filter((r) => r.pattern.test(url.pathname));
      if (matching.length === 0) return false;
      const route = matching.find((r) => r.method === req.method);
      const params = route ? route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent) : [];
      // The exchange (its own route, its own budget) aside, every non-GET route changes something.
      await run(req, res, url, route?.handle, params, req.method !== 'GET');
      return true;
    },
  };
}

function exchangeCredentials({ req, res, principal, services }: RouteContext, raw: string): MaybePromise<void> {
  const { subjectToken, audience } = exchangeRequests.parsedOn(req.socket, raw, req.headers['content-type'] ?? '');
  return andThen(services.credentials.exchange(principal, subjectToken, audience, req.headers.origin), (credentials) => sendCredentials(res, credentials));
}

/**
 * The RFC 8693 answer, written as text: the same bytes sendJson would write, without building and
 * serializing an object per request. It is the hot path's reply: with the header list, ~1 µs of the
 * exchange's ~21 µs of CPU (bench:compare, seven alternating pairs, bench/FINDINGS.md).
 */
function sendCredentials(res: ServerResponse, credentials: Credentials): void {
  sendJsonText(
    res,
    200,
    `{"access_token":${JSON.stringify(credentials.accessToken)},"issued_token_type":"${credentials.issuedTokenType}",` +
      `"token_type":"${credentials.tokenType}","expires_in":${credentials.expiresIn}}`,
  );
}

interface ExchangeRequest {
  subjectToken: string;
  audience: string | null;
}

/** The exchange request each kept-alive connection sent last (connection-memo.ts says why). */
const exchangeRequests = new LastBodyPerConnection(exchangeRequest);

/** The RFC 8693 request, as a form (posit-sdk, connectapi) or a JSON object. */
function exchangeRequest(raw: string, contentType: string): ExchangeRequest {
  let form: Map<string, string>;
  if (contentType.includes('application/json')) {
    const json = parseJson(raw);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badInput('body', 'must be a JSON object');
    form = new Map(Object.entries(json).map(([k, v]): [string, string] => [k, String(v)]));
  } else form = parseForm(raw);
  if (form.get('grant_type') !== TOKEN_EXCHANGE) throw badInput('grant_type', `must be ${TOKEN_EXCHANGE}`);
  if (form.get('subject_token_type') !== USER_SESSION_TOKEN) {
    throw badInput('subject_token_type', `must be ${USER_SESSION_TOKEN} (service-account tokens are not supported)`);
  }
  const requested = form.get('requested_token_type');
  if (requested && requested !== ACCESS_TOKEN) throw badInput('requested_token_type', `only ${ACCESS_TOKEN} is supported`);
  const subjectToken = form.get('subject_token');
  if (!subjectToken) throw badInput('subject_token', 'is required');
  return { subjectToken, audience: form.get('audience') || null };
}

/** Connect's `{code, error, payload}` answers for what a route may throw; anything else goes on up. */
function answerError(res: ServerResponse, error: unknown): void {
  if (error instanceof BodyTooLargeError) sendJson(res, 413, { code: 5, error: 'Request body too large', payload: null });
  else if (error instanceof AppError) sendConnectError(res, error);
  else throw error;
}

function integrationJson(ds: DataSource) {
  const provider = providerFor(ds.provider);
  return {
    id: ds.id,
    guid: ds.id,
    created_time: ds.createdAt.toISOString(),
    updated_time: ds.updatedAt.toISOString(),
    name: ds.name,
    description: ds.description,
    template: provider.template,
    auth_type: 'Viewer',
    config: {
      client_id: ds.clientId,
      scopes: ds.scopes.join(' '),
      [provider.id === 'SNOWFLAKE' ? 'account_url' : 'workspace_host']: ds.hostUrl,
    },
  };
}

/** Connect's integration body -> our data-source input (config keys per template). */
function integrationInput(body: Record<string, unknown>, forUpdate: boolean) {
  const config = (body.config ?? {}) as Record<string, unknown>;
  const host = config.workspace_host ?? config.account_url ?? config.host;
  const scopes = typeof config.scopes === 'string' ? config.scopes.split(/\s+/).filter(Boolean) : undefined;
  const input: Record<string, unknown> = {
    name: body.name,
    description: body.description,
    clientId: config.client_id,
    clientSecret: config.client_secret,
    hostUrl: host,
    scopes,
  };
  if (!forUpdate) {
    const provider = typeof body.template === 'string' ? providerByTemplate(body.template) : undefined;
    if (!provider) throw badInput('template', 'must be "databricks" or "snowflake"');
    input.provider = provider.id;
  }
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

async function listIntegrations({ res, principal, services }: RouteContext) {
  sendJson(res, 200, (await services.dataSources.list(principal)).map(integrationJson));
}
async function createIntegration({ req, res, principal, services }: RouteContext) {
  const created = await services.dataSources.add(principal, integrationInput(await jsonBody(req), false));
  sendJson(res, 201, integrationJson(created));
}
async function getIntegration({ res, principal, services }: RouteContext, id: string) {
  sendJson(res, 200, integrationJson(await services.dataSources.get(principal, id)));
}
async function updateIntegration({ req, res, principal, services }: RouteContext, id: string) {
  sendJson(res, 200, integrationJson(await services.dataSources.update(principal, id, integrationInput(await jsonBody(req), true))));
}
async function deleteIntegration({ res, principal, services }: RouteContext, id: string) {
  await services.authorizations.removeDataSource(principal, id);
  res.writeHead(204).end();
}

async function listAssociations({ res, principal, services }: RouteContext, contentId: string) {
  const content = await services.contents.get(principal, contentId);
  const attached = await services.contents.attachments(content.id);
  sendJson(
    res,
    200,
    attached.map((a) => ({
      content_guid: content.id,
      oauth_integration_guid: a.dataSource.id,
      oauth_integration_name: a.dataSource.name,
      oauth_integration_description: a.dataSource.description,
      oauth_integration_template: providerFor(a.dataSource.provider).template,
      oauth_integration_auth_type: 'Viewer',
      created_time: a.createdAt.toISOString(),
    })),
  );
}
async function putAssociations({ req, res, principal, services }: RouteContext, contentId: string) {
  const body = parseJson(await readBody(req));
  if (!Array.isArray(body)) throw badInput('body', 'must be an array of {"oauth_integration_guid": "..."}');
  const ids = body.map((item, i) => {
    const id = (item as { oauth_integration_guid?: unknown })?.oauth_integration_guid;
    if (typeof id !== 'string') throw badInput(`body.${i}.oauth_integration_guid`, 'is required');
    return id;
  });
  await services.contents.setAttachments(principal, contentId, ids);
  res.writeHead(204).end();
}
async function getContent({ res, principal, services }: RouteContext, contentId: string) {
  const content = await services.contents.get(principal, contentId);
  sendJson(res, 200, {
    guid: content.id,
    name: content.name,
    title: content.name,
    content_url: content.url,
    owner_guid: content.ownerId,
    created_time: content.createdAt.toISOString(),
    last_deployed_time: content.updatedAt.toISOString(),
  });
}

const sessionJson = (row: ViewerAuthorization) => ({
  id: row.id,
  guid: row.id,
  user_guid: row.userId,
  oauth_integration_guid: row.dataSourceId,
  has_refresh_token: row.refreshTokenSealed !== null,
  status: row.status,
  created_time: row.createdAt.toISOString(),
  updated_time: row.updatedAt.toISOString(),
});

async function listSessions({ url, res, principal, services }: RouteContext) {
  const all = /^true$/i.test(url.searchParams.get('all') ?? '');
  const dataSourceId = url.searchParams.get('oauth_integration_guid') ?? undefined;
  sendJson(res, 200, (await services.authorizations.list(principal, { all, dataSourceId })).map(sessionJson));
}
async function getSession({ res, principal, services }: RouteContext, id: string) {
  sendJson(res, 200, sessionJson(await services.authorizations.get(principal, id)));
}
async function deleteSession({ res, principal, services }: RouteContext, id: string) {
  await services.authorizations.remove(principal, id);
  res.writeHead(204).end();
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = parseJson(await readBody(req));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badInput('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw || 'null');
  } catch {
    throw badInput('body', 'is not valid JSON');
  }
}
