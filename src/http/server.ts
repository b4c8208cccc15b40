import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Services } from '../app.js';
import { describe } from '../graphql/errors.js';
import { CREDENTIALS_PATH, createConnectApi } from './connect-api.js';
import { createGraphQLHandler } from './graphql-http.js';
import { createOAuthRoutes } from './oauth-routes.js';
import { attachWebSocketServer } from './websocket.js';
import { CALLBACK_PATH } from '../infra/config.js';
import { START_PATH } from '../core/authorization-flow.js';
import { RequestTarget, sendJson } from './io.js';
import { catching, type MaybePromise } from '../infra/sync-first.js';

/**
 * The node:http server and its route table; nothing else. Each route module parses, authorizes,
 * calls the domain and shapes the answer.
 */
export const SERVER_VERSION = '2025.07.0';

/**
 * Answers, or returns a promise of answering. A route that goes on after it returned without handing
 * back a promise (the exchange, so that a warm one needs none) reports a failure to `fail` itself.
 */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: RequestTarget, fail: (error: unknown) => void) => MaybePromise<void>;

export interface RunningServer {
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(services: Services, port = services.config.port, host = services.config.host): Promise<RunningServer> {
  const graphql = await createGraphQLHandler(services);
  const oauth = createOAuthRoutes(services);
  const connectApi = createConnectApi(services);
  const routes: Record<string, Handler> = {
    '/graphql': graphql.handle,
    // The hot path gets an exact route instead of the pattern table below.
    [CREDENTIALS_PATH]: connectApi.exchange,
    [START_PATH]: oauth.start,
    [CALLBACK_PATH]: oauth.callback,
    // posit-sdk / connectapi call these before any OAuth call (wire-compat.md).
    '/__ping__': (_req, res) => sendJson(res, 200, {}),
    '/__api__/server_settings': (_req, res) => sendJson(res, 200, { version: SERVER_VERSION, product: 'oauth-integrations' }),
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
  };

  const elsewhere: Handler = async (req, res, url) => {
    if (url.pathname.startsWith('/__api__/') && (await connectApi.dispatch(req, res, url))) return;
    sendJson(res, 404, { code: 4, error: 'Not found', payload: null });
  };
  const failed = (req: http.IncomingMessage, res: http.ServerResponse, error: unknown) => {
    const requestId = randomUUID();
    const path = (req.url ?? '/').split('?', 1)[0];
    services.logger.error({ requestId, path, err: describe(error) }, 'unhandled error in HTTP route');
    if (!res.headersSent) sendJson(res, 500, { code: 1, error: `Internal server error (request id ${requestId})`, payload: null });
    else res.destroy();
  };

  // Not an async listener: a route that answers synchronously (the warm exchange) needs no promise.
  const server = http.createServer((req, res) => {
    const fail = (error: unknown) => failed(req, res, error);
    catching(() => {
      const url = new RequestTarget(req.url ?? '/');
      return (routes[url.pathname] ?? elsewhere)(req, res, url, fail);
    }, fail);
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const websocket = attachWebSocketServer(server, services);
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await graphql.stop();
    },
  };
}
