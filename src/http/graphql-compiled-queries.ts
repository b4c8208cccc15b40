import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type { GraphQLContext } from '../graphql/builder.js';
import { describe } from '../graphql/errors.js';
import type { Logger } from '../infra/logger.js';
import { answerRateLimited } from './graphql-rate-limits.js';

/**
 * Queries run as compiled JavaScript (graphql-jit) from their document's tenth use on.
 *
 * Why: `oauthCredentials` is the GraphQL hot path, and Apollo's execution step plus graphql-js
 * cost it more than the credential exchange behind it. In process, with a constant resolver, a
 * request took 63–76 µs on graphql-js and 26 µs compiled; `{ __typename }` 34–43 µs and 15–16 µs
 * (bench/FINDINGS.md).
 *
 * What stays on graphql-js: mutations (rare admin writes, run in order by graphql-js), subscriptions
 * (graphql-ws), a document's first uses (a one-off query, or one too large for Apollo's document
 * store, which is a new object on every request, is never compiled), long documents, a document
 * graphql-jit cannot compile (or fails on), and a request whose variables do not coerce: nothing has run then,
 * so graphql-js runs it again and its errors are the ones error masking knows how to strip of
 * echoed values.
 *
 * Errors of a compiled query go through the same `formatError` (error masking) as Apollo's and
 * get the same HTTP status (429 with Retry-After for RATE_LIMITED). Apollo runs a plugin's
 * `responseForOperation` after `didResolveOperation` (the mutation budget), and no plugin of ours
 * has execution hooks, which a compiled query skips.
 */
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

interface OperationEntry {
  uses: number;
  /** The one compilation, which concurrent requests wait for together. */
  compiling?: Promise<void>;
  /** null: graphql-jit could not compile it; it stays on graphql-js. */
  compiled?: CompiledQuery | null;
}

/**
 * What repays compiling: a document used this often, of at most this much query text. Compiling
 * costs ~1 ms for `oauthCredentials` and ~50–80 ms for 100 aliased fields, while a compiled query
 * saves some tens of µs per use; our clients' repeated operations are a few hundred characters.
 */
export const COMPILE_FROM_USE = 10;
export const MAX_COMPILED_QUERY_CHARS = 2048;

export function compiledQueriesPlugin(formatError: FormatError, logger: Logger): ApolloServerPlugin<GraphQLContext> {
  // By document object: Apollo's document store hands out the same one for the same query text,
  // and an evicted document takes its compiled code with it.
  const operations = new WeakMap<DocumentNode, Map<string, OperationEntry>>();
  let jit: Promise<typeof import('graphql-jit')> | undefined;

  const listener: GraphQLRequestListener<GraphQLContext> = {
    async responseForOperation({ operation, document, source, schema, request, contextValue, response }) {
      if (operation.operation !== 'query' || source.length > MAX_COMPILED_QUERY_CHARS) return null;
      let byName = operations.get(document);
      if (!byName) operations.set(document, (byName = new Map()));
      const name = request.operationName ?? '';
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { uses: 0 }));
      if (entry.compiled === undefined) {
        if (++entry.uses < COMPILE_FROM_USE) return null;
        const operationName = operation.name?.value ?? null;
        const compiling = async () => {
          try {
            // Loaded on first need: start-up does not pay for it.
            const { compileQuery, isCompiledQuery } = await (jit ??= import('graphql-jit'));
            const compiled = compileQuery(schema, document, request.operationName ?? undefined);
            entry.compiled = isCompiledQuery(compiled) ? compiled : null;
            logger.debug({ operationName, compiled: entry.compiled !== null }, 'repeated query compiled');
          } catch (error) {
            // A compiler fault must not fail the query: it stays on graphql-js.
            entry.compiled = null;
            logger.warn({ operationName, err: describe(error) }, 'repeated query not compiled');
          }
        };
        await (entry.compiling ??= compiling());
      }
      if (!entry.compiled) return null;

      const result = await entry.compiled.query(undefined, contextValue, request.variables ?? {});
      if (result.data === undefined) return null;
      if (result.errors?.length) answerRateLimited(result.errors, response.http);
      const errors = result.errors?.map((error) => formatted(error, formatError));
      return { http: response.http, body: { kind: 'single', singleResult: errors ? { data: result.data, errors } : { data: result.data } } };
    },
  };
  return { requestDidStart: async () => listener };
}

/** What Apollo hands `formatError` for an execution error: its JSON with a code (default INTERNAL_SERVER_ERROR). */
function formatted(error: GraphQLError, formatError: FormatError): GraphQLFormattedError {
  try {
    const json = error.toJSON();
    return formatError({ ...json, extensions: { ...error.extensions, code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } }, error);
  } catch {
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
}
