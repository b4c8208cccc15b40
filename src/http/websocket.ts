import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, parse, specifiedRules, validate } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Services } from '../app.js';
import type { Principal } from '../core/principal.js';
import type { GraphQLContext } from '../graphql/builder.js';
import { describe, maskError } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';

/**
 * graphql-ws on /graphql. graphql-ws bypasses Apollo entirely, so this file gives it the same
 * guarantees (checklist F4, F6-F8): authentication in connectionParams (an API key, never a cookie;
 * a refused connection gets `false`, i.e. 4403, with no message), the same validation rules
 * (introspection off unless configured), subscriptions only, small frames, and the same error masking.
 */
type Extra = {
  principal?: Principal | null;
};

export function attachWebSocketServer(server: http.Server, services: Services) {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 64 * 1024 });
  const rules = services.config.graphqlIntrospection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];

  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      // Never put internal error text into close reasons, whatever NODE_ENV says (checklist F4).
      isProd: true,
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = typeof params.authorization === 'string' ? params.authorization : typeof params.apiKey === 'string' ? `Key ${params.apiKey}` : '';
        const key = /^Key\s+(\S+)$/i.exec(raw)?.[1];
        let principal;
        try {
          principal = key ? await services.identity.authenticate(key) : null;
        } catch (error) {
          // graphql-ws prints what onConnect throws with console.error: never the raw message.
          services.logger.error({ err: describe(error) }, 'WebSocket authentication failed');
          throw new Error('Internal server error');
        }
        if (!principal) return false;
        ctx.extra.principal = principal;
        return true;
      },
      context: (ctx): GraphQLContext => ({ principal: ctx.extra.principal ?? null, services, requestId: randomUUID() }),
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: 2_000 });
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') {
          return [new GraphQLError('Only subscriptions are served over WebSocket; use HTTP for queries and mutations')];
        }
        return undefined;
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
    wss,
  );

  return {
    close: async () => {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
