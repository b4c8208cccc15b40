import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Services } from '../app.js';
import { maskError } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';
import type { GraphQLContext } from '../graphql/builder.js';
import { AppError } from '../core/errors.js';
import { AuthenticationGuard } from './authentication-guard.js';
import { LastBodyPerConnection } from './connection-memo.js';
import { rateLimitPlugin } from './graphql-rate-limits.js';
import { compiledQueriesPlugin } from './graphql-compiled-queries.js';
import { catching } from '../infra/sync-first.js';
import { BodyTooLargeError, apiKeyFrom, readBody, sendJson, type RequestTarget } from './io.js';
import { endAtTurnEnd } from './turn-end-replies.js';

/**
 * Parsed and validated documents, by query hash. Apollo's default store holds 30 MiB of documents
 * measured as JSON, which is about four times that in heap as parsed trees, and keeps any document
 * it ever saw: an admin's batch of 100 aliased mutations (~70 KB as JSON, ~280 KB of heap) stays
 * for good; 200 of them, about what the bench's set-up sends, held 55 MiB that every mark-compact
 * then walked. What repays caching is what clients send again and again: our clients' operations
 * are 1-6 KB as JSON. Larger documents are parsed and validated each time instead.
 */
const documentStore = () => new InMemoryLRUCache<DocumentNode>({ maxSize: 4 * 1024 * 1024, maxEntrySize: 16 * 1024 });

/**
 * Request headers Apollo never sees: we authenticate from the request itself, so an API key or a
 * cookie has no business in Apollo's request object, where a plugin or an error could echo it.
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The JSON body each kept-alive connection sent last (connection-memo.ts says why). Apollo only reads
 * the parsed body and copies what it uses (its runHttpQuery), so repeated requests may share it.
 */
const jsonBodies = new LastBodyPerConnection<unknown>((raw) => JSON.parse(raw));

/**
 * Apollo Server 5 on plain node:http (measured faster than Express/Fastify here). CSRF prevention
 * stays on (Apollo >= 5.5.0 advisories), batching stays off, no stack traces, introspection only when
 * configured, and schema hints ("Did you mean ...") hidden.
 */
export async function createGraphQLHandler(services: Services) {
  const formatError = (formatted: GraphQLFormattedError, error: unknown) => maskError(formatted, error, services.logger, randomUUID());
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    documentStore: documentStore(),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: services.config.graphqlIntrospection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    stopOnTerminationSignals: false,
    formatError,
    // We send no cache hints; the default cache-control plugin would wrap every field resolver
    // (measurable on the oauthCredentials hot path). No landing page: this is an API.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      rateLimitPlugin(services.rateLimits.mutations),
      compiledQueriesPlugin(formatError, services.logger),
    ],
  });
  await apollo.start();
  const guard = new AuthenticationGuard(services);

  const handle = async (req: IncomingMessage, res: ServerResponse, url: RequestTarget) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined && !CREDENTIAL_HEADERS.has(key)) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      let raw: string;
      try {
        raw = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendJson(res, 413, { errors: [{ message: 'Request body too large' }] });
        throw error;
      }
      const isJson = (headers.get('content-type') ?? '').toLowerCase().includes('application/json');
      try {
        body = isJson && raw ? jsonBodies.parsedOn(req.socket, raw) : raw;
      } catch {
        return sendJson(res, 400, { errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const key = apiKeyFrom(req);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({
        principal: await catching(() => guard.authenticate(key, req), withHttpStatus),
        services,
        origin: req.headers.origin,
      }),
    });
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      endAtTurnEnd(res, result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return { handle, stop: () => apollo.stop() };
}

/**
 * A client over its failed-authentication budget gets HTTP 429 with Retry-After: Apollo takes the
 * status and headers of a context-creation error from `extensions.http`, and maskError shows the
 * AppError inside (RATE_LIMITED, retryAfterSeconds). Any other error goes on to be masked.
 */
function withHttpStatus(error: unknown): never {
  if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED') throw error;
  const retryAfter = String(error.details.retryAfterSeconds ?? 1);
  throw new GraphQLError(error.message, {
    originalError: error,
    extensions: { http: { status: 429, headers: new Map([['retry-after', retryAfter]]) } },
  });
}
