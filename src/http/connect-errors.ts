import type { ServerResponse } from 'node:http';
import { AppError, type ErrorCode } from '../core/errors.js';
import { sendJson } from './io.js';

/**
 * Errors on the Connect-compatible REST surface: `{code, error, payload}` with a 4xx/5xx status
 * (posit-sdk raises on code + error; connectapi prints both). Numeric codes are stable; 212 is
 * Connect's own "no integrations associated" code.
 */
const CODES: Record<ErrorCode | 'INTERNAL', { code: number; status: number }> = {
  INTERNAL: { code: 1, status: 500 },
  UNAUTHENTICATED: { code: 3, status: 401 },
  NOT_FOUND: { code: 4, status: 404 },
  BAD_USER_INPUT: { code: 5, status: 400 },
  FORBIDDEN: { code: 6, status: 403 },
  CONFLICT: { code: 7, status: 409 },
  DATA_SOURCE_NOT_ATTACHED: { code: 212, status: 400 },
  AMBIGUOUS_DATA_SOURCE: { code: 213, status: 400 },
  NOT_AUTHORIZED: { code: 214, status: 400 },
  REAUTHORIZATION_REQUIRED: { code: 215, status: 400 },
  PROVIDER_UNAVAILABLE: { code: 216, status: 503 },
  INVALID_SESSION_TOKEN: { code: 217, status: 400 },
  PROVIDER_MISCONFIGURED: { code: 218, status: 502 },
  // Ours (Connect has no rate limiting); 429 + Retry-After per RFC 6585 §4.
  RATE_LIMITED: { code: 219, status: 429 },
};

export function sendConnectError(res: ServerResponse, error: AppError): void {
  const { code, status } = CODES[error.code];
  const payload: Record<string, unknown> = { reason: error.code };
  if (error.details.field) payload.field = error.details.field;
  if (error.details.authorizationUrl) payload.authorization_url = error.details.authorizationUrl;
  const headers: Record<string, string> = {};
  if (error.details.retryAfterSeconds) headers['retry-after'] = String(error.details.retryAfterSeconds);
  sendJson(res, status, { code, error: error.message, payload }, headers);
}

