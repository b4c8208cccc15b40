/**
 * Errors for outbound OAuth requests that we refused ourselves, as opposed to requests the provider
 * failed. They are a policy decision (checklist F11): retrying will not help, an admin has to fix
 * the data source. Messages name hosts, addresses and status codes only: never a URL query, a
 * header or a body, so no token, code or secret can end up in a log line or an error.
 */
export abstract class OutboundRequestRefused extends Error {
  /** Short, secret-free reason for logs and the row's `lastError`. */
  abstract readonly reason: string;
}

/** The connection would have reached an address outside the policy (private, loopback, metadata...). */
export class BlockedAddressError extends OutboundRequestRefused {
  override readonly name = 'BlockedAddressError';
  readonly reason: string;

  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`refused to connect to ${hostname}: it resolves to ${address} (${range}), which OAuth requests may not reach`);
    this.reason = `blocked address (${range})`;
  }
}

/** The provider answered with a redirect, which OAuth back-channel requests never follow. */
export class RedirectRefusedError extends OutboundRequestRefused {
  override readonly name = 'RedirectRefusedError';
  readonly reason: string;

  constructor(
    readonly endpoint: string,
    readonly status: number,
  ) {
    super(`${endpoint} answered with a redirect (HTTP ${status}), which is never followed`);
    this.reason = `redirect refused (HTTP ${status})`;
  }
}

/**
 * The refusal behind an error, if any. undici wraps connector errors as `TypeError('fetch failed',
 * { cause })` and openid-client wraps unknown errors as `ClientError({ cause })`, so walk the chain.
 */
export function outboundRefusalIn(error: unknown): OutboundRequestRefused | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof OutboundRequestRefused) return current;
    current = current.cause;
  }
  return undefined;
}
