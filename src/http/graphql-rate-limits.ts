import type { ApolloServerPlugin, GraphQLRequestListener, HTTPGraphQLHead } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { enforce } from '../core/rate-limits.js';
import type { Budget } from '../infra/rate-limiter.js';
import type { GraphQLContext } from '../graphql/builder.js';
import { appErrorIn } from '../graphql/errors.js';

/**
 * Rate limits on GraphQL over HTTP (checklist F9), as an Apollo plugin:
 * - mutations cost one token per root field of the caller's key, so aliasing a hundred
 *   `removeDataSource` into one request costs a hundred (capped at the burst); minting session
 *   tokens is exempt, since a hosting platform does it for every viewer visit;
 * - any RATE_LIMITED error (this budget, or the per-viewer one inside `oauthCredentials` and
 *   `viewerAuthorizationUrl`) turns the answer into HTTP 429 with `Retry-After`, next to the usual
 *   `extensions.code` and `extensions.retryAfterSeconds`.
 * Failed authentications are refused before Apollo runs (graphql-http.ts).
 */
const EXEMPT_MUTATIONS = new Set(['createUserSessionToken']);

export function rateLimitPlugin(mutations: Budget): ApolloServerPlugin<GraphQLContext> {
  // One listener object for every request: its hooks get the request context as an argument.
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async didResolveOperation({ operation, document, contextValue }) {
      if (operation?.operation !== 'mutation' || !contextValue.principal || !mutations.enabled) return;
      const cost = countedFields(operation.selectionSet, document, new Set());
      if (cost > 0) await enforce(mutations, contextValue.principal.apiKeyId, 'Too many changes with this API key', cost);
    },
    async didEncounterErrors({ errors, response }) {
      answerRateLimited(errors, response.http);
    },
  };
  return { requestDidStart: async () => listener };
}

/** HTTP 429 with Retry-After when any of `errors` is RATE_LIMITED (also for compiled queries). */
export function answerRateLimited(errors: readonly unknown[], http: HTTPGraphQLHead): void {
  let retryAfterSeconds = 0;
  for (const error of errors) {
    const appError = appErrorIn(error);
    if (appError?.code === 'RATE_LIMITED') retryAfterSeconds = Math.max(retryAfterSeconds, appError.details.retryAfterSeconds ?? 1);
  }
  if (retryAfterSeconds === 0) return;
  http.status = 429;
  http.headers.set('retry-after', String(retryAfterSeconds));
}

/** Root fields of a selection set, through inline fragments and fragment spreads (each spread once). */
function countedFields(selectionSet: SelectionSetNode, document: DocumentNode, spread: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!EXEMPT_MUTATIONS.has(selection.name.value) && selection.name.value !== '__typename') count += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countedFields(selection.selectionSet, document, spread);
    } else if (!spread.has(selection.name.value)) {
      spread.add(selection.name.value);
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) count += countedFields(fragment.selectionSet, document, spread);
    }
  }
  return count;
}
