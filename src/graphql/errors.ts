import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '../core/errors.js';
import type { Logger } from '../infra/logger.js';

/**
 * Error masking for both transports (Apollo over HTTP and graphql-ws). Only AppErrors and GraphQL's
 * own request errors (syntax, validation, variable coercion) reach a client, with a stable
 * `extensions.code`. Anything else (a Prisma error, a provider response, a bug) becomes
 * INTERNAL_SERVER_ERROR with a correlation id that also appears in the log line: its message may
 * carry internals or secrets, so it is never sent.
 */
const PASS_THROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

export function maskError(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
  requestId: string,
): GraphQLFormattedError {
  const original = appErrorIn(error) ?? unwrapResolverError(error);
  if (original instanceof AppError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, ...original.details },
    };
  }
  const code = formatted.extensions?.code;
  const isRequestError = !(original instanceof Error) || original instanceof GraphQLError;
  if (isRequestError && typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
    return { message: withoutEchoedValue(formatted.message, error), locations: formatted.locations, extensions: { code } };
  }
  if (original instanceof GraphQLError && !original.originalError && code === undefined) {
    // graphql-js errors raised outside Apollo (graphql-ws): syntax/validation, safe to show, but
    // without the schema hints Apollo hides too.
    const message = formatted.message.replace(/ Did you mean .*\?$/, '');
    return { message, locations: formatted.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }
  logger.error({ requestId, err: describe(original) }, 'unhandled error in GraphQL operation');
  return {
    message: `Internal server error (request id ${requestId})`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

/**
 * graphql-js echoes the whole offending variable in coercion errors ('Variable "$input" got invalid
 * value { clientSecret: "…" }; Field … is not defined'), which would put a client secret into the
 * response. Keep the variable name and the reason, drop the value.
 */
function withoutEchoedValue(message: string, error: unknown): string {
  const match = /^Variable "\$([^"]+)" got invalid value /.exec(message);
  if (!match) return message;
  const inner = (error as { originalError?: { originalError?: unknown; message?: string } }).originalError;
  const reason =
    (inner?.originalError as { message?: string } | undefined)?.message ?? (inner && inner.message !== message ? inner.message : undefined);
  return `Variable "$${match[1]}" has an invalid value${reason ? `: ${reason}` : ''}`;
}

/** The AppError behind a (possibly wrapped) error: graphql-ws wraps subscribe errors without a path. */
export function appErrorIn(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof AppError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** The class, code and stack of an error without its message, which may embed secret values. */
export function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  return {
    type: error.constructor.name,
    code: (error as { code?: unknown }).code,
    stack: error.stack?.split('\n').slice(1, 6).join('\n'),
  };
}
