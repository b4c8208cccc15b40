/**
 * Typed application errors with stable codes. Every error that reaches a client is one of these;
 * anything else is masked as INTERNAL_SERVER_ERROR with a correlation id (see graphql/errors.ts and
 * http/responses.ts). Messages are written for humans and never carry secrets or internals.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_USER_INPUT'
  | 'NOT_AUTHORIZED'
  | 'REAUTHORIZATION_REQUIRED'
  | 'DATA_SOURCE_NOT_ATTACHED'
  | 'AMBIGUOUS_DATA_SOURCE'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_MISCONFIGURED'
  | 'INVALID_SESSION_TOKEN'
  | 'RATE_LIMITED';

export interface AppErrorDetails {
  /** Path of the offending input field, e.g. `input.hostUrl`. */
  field?: string;
  /** Where the viewer can (re)authorize, for NOT_AUTHORIZED / REAUTHORIZATION_REQUIRED. */
  authorizationUrl?: string;
  /** Seconds after which a retry makes sense, for PROVIDER_UNAVAILABLE and RATE_LIMITED. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', message);
export const unauthenticated = () => new AppError('UNAUTHENTICATED', 'Authentication required: send `Authorization: Key <api key>`');
export const badInput = (field: string, message: string) =>
  new AppError('BAD_USER_INPUT', `${field}: ${message}`, { field });

/** Turns a zod failure into BAD_USER_INPUT naming the first offending field under `prefix`. */
export function fromZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix?: string,
): AppError {
  const first = issues[0];
  const path = [prefix, ...(first?.path ?? []).map(String)].filter(Boolean).join('.');
  return badInput(path || 'input', first?.message ?? 'invalid value');
}
