import { pino, type Logger } from 'pino';

/**
 * One pino logger. Redaction is a second line of defence: code never logs secrets on purpose, and
 * these paths make sure an accidentally logged header or token field is censored anyway.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["posit-connect-user-session-token"]',
  '*.authorization',
  '*.cookie',
  '*.access_token',
  '*.accessToken',
  '*.refresh_token',
  '*.refreshToken',
  '*.id_token',
  '*.client_secret',
  '*.clientSecret',
  '*.code',
  '*.code_verifier',
  '*.subject_token',
  '*.sessionToken',
  '*.apiKey',
  '*.key',
  '*.connectionParams',
];

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined },
    destination as pino.DestinationStream | undefined,
  );
}
