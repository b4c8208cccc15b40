import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, specifiedRules } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Services } from '../app.js';
import { AppError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { GraphQLContext } from '../graphql/builder.js';
import { describe, maskError } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';
import { AuthenticationGuard } from './authentication-guard.js';
import { clientBucket } from './client-ip.js';
import { ConnectionRefusal, serveGraphQLOverWs } from './graphql-ws-adapter.js';
import { SubscriptionDocuments } from './subscription-documents.js';

/**
 * graphql-ws on /graphql. graphql-ws bypasses Apollo entirely, so this file gives it the same
 * guarantees (checklist F4, F6-F8): authentication in connectionParams (an API key, never a cookie;
 * a refused connection gets `false`, i.e. 4403, with no message), the same failed-authentication
 * budget per client network (F9: 1013 once it is spent), the same validation rules
 * (introspection off unless configured), subscriptions only, small frames, the same error masking,
 * and browsers only from allowed origins.
 * Open subscriptions are long-lived and numerous, so what each one keeps is kept small (see
 * graphql-ws-adapter.ts and subscription-documents.ts).
 */
type Extra = {
  principal: Principal | null;
  /** The client network, for the failed-authentication budget of connection_init. */
  client: string;
};

/**
 * RFC 6455's "Try Again Later" (IANA WebSocket close code registry). Not graphql-ws's 4429, which
 * means "a second connection_init" and which its client treats as fatal; not 4403, which says the
 * key was refused. graphql-ws's client retries a 1013 with its backoff, which is what we ask for.
 */
const TRY_AGAIN_LATER = 1013;

export function attachWebSocketServer(server: http.Server, services: Services) {
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: 64 * 1024,
    // Cross-site WebSocket hijacking (checklist F7): a browser page of an unknown origin is refused
    // at the upgrade with 403, before graphql-ws sees the socket. Non-browser clients send no Origin.
    verifyClient: (info, accept) => {
      services.origins.mayOpenSocket(info.req.headers.origin).then(
        (allowed) => accept(allowed, allowed ? undefined : 403),
        () => accept(false, 503),
      );
    },
  });
  const rules = services.config.graphqlIntrospection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const documents = new SubscriptionDocuments(schema, rules);
  const guard = new AuthenticationGuard(services);

  const adapter = serveGraphQLOverWs<Record<string, unknown> | undefined, Extra>(
    wss,
    {
      schema,
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = typeof params.authorization === 'string' ? params.authorization : typeof params.apiKey === 'string' ? `Key ${params.apiKey}` : '';
        const key = /^Key\s+(\S+)$/i.exec(raw)?.[1];
        let principal;
        try {
          principal = await guard.authenticate(key, ctx.extra.client ?? 'unknown');
        } catch (error) {
          if (error instanceof AppError && error.code === 'RATE_LIMITED') {
            throw new ConnectionRefusal(TRY_AGAIN_LATER, `Rate limited: retry after ${error.details.retryAfterSeconds ?? 1} s`);
          }
          // Never the raw message: the adapter closes with 4500 "Internal server error".
          services.logger.error({ err: describe(error) }, 'WebSocket authentication failed');
          throw new Error('Internal server error');
        }
        if (!principal) return false;
        ctx.extra.principal = principal;
        return true;
      },
      context: (ctx): GraphQLContext => ({ principal: ctx.extra.principal ?? null, services }),
      onSubscribe: (_ctx, _id, payload) => {
        const parsed = documents.get(payload.query);
        if ('errors' in parsed) return parsed.errors;
        const { document } = parsed;
        if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions are served over WebSocket; use HTTP for queries and mutations')];
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        return {
          ...result,
          errors: result.errors.map((error) => maskError(error.toJSON(), error, services.logger, randomUUID())),
        };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => maskError(error.toJSON(), error, services.logger, randomUUID())),
    },
    {
      keepAliveMs: 12_000,
      initialExtra: (request) => ({ client: clientBucket(request, services.config.trustProxyHops) }),
      // ws reports a client's protocol violation (oversized or malformed frame) as a socket error and
      // closes with 1009/1002 itself: worth a warning, not an error.
      onInternalError: (error, where) =>
        services.logger[where === 'socket' ? 'warn' : 'error']({ err: describe(error), where }, 'WebSocket error'),
    },
  );

  return { close: () => adapter.dispose() };
}
