/**
 * One interface for every data provider. A provider module is mostly a typed descriptor (endpoints,
 * client authentication, default scopes, quirks); the OAuth protocol itself lives in core and uses
 * openid-client. Adding a provider means adding one file and registering it in providers/index.ts.
 */
export type ProviderId = 'DATABRICKS' | 'SNOWFLAKE';

export interface HostPolicy {
  /** Lets data sources point at http://127.0.0.1:<port> / http://localhost providers (demos, tests). */
  allowHttpLoopback: boolean;
}

export interface ProviderEndpoints {
  /** Expected issuer: the transaction is bound to it and the callback's `iss` must match (mix-up defence). */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 8414 metadata URL when the provider publishes one (revocation endpoint, iss support...). */
  metadataUrl?: string;
}

export interface ProviderModule {
  id: ProviderId;
  /** The Connect wire name (`template` in posit-sdk/connectapi integration objects). */
  template: string;
  displayName: string;
  defaultScopes: readonly string[];
  /** Whether a data source must carry a client secret (Snowflake is confidential-only). */
  requiresClientSecret: boolean;
  /** What an admin calls the host field, for error messages. */
  hostLabel: string;
  /** Validates and normalises what an admin typed; returns `https://host` or throws with a human message. */
  normalizeHost(input: string, policy: HostPolicy): string;
  endpoints(hostUrl: string): ProviderEndpoints;
  /** How the client authenticates at the token endpoint. */
  clientAuthentication: 'client_secret_post' | 'client_secret_basic';
  /** Whether an OpenID id_token (and so a nonce) is part of the flow when `openid` is in scope. */
  supportsOpenId: boolean;
  /** Refresh-token rotation may be on (single-use refresh tokens): never replay an old one. */
  mayRotateRefreshTokens: boolean;
  /** Access-token lifetime to assume when the token response has no expires_in. */
  defaultAccessTokenLifetimeSeconds: number;
}

export class HostValidationError extends Error {}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL names this machine: the only hosts a loopback test/demo provider may use. */
export const isLoopbackHost = (url: URL) => LOOPBACK_HOSTS.has(url.hostname);

/**
 * Shared host parsing: https only, no credentials, path, query or fragment; a loopback http(s) URL with
 * a port only when the policy allows it. The host must end with one of `allowedSuffixes`.
 */
export function parseProviderHost(
  input: string,
  allowedSuffixes: readonly string[],
  policy: HostPolicy,
  example: string,
): URL {
  const trimmed = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new HostValidationError(`is not a valid host name (expected e.g. ${example})`);
  }
  if (url.username || url.password) throw new HostValidationError('must not contain credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new HostValidationError(`must be a bare host without path or query (expected e.g. ${example})`);
  }
  const loopback = isLoopbackHost(url);
  if (loopback) {
    if (!policy.allowHttpLoopback) {
      throw new HostValidationError('must be a public https host (loopback providers are disabled)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HostValidationError('must use https');
    return url;
  }
  if (url.protocol !== 'https:') throw new HostValidationError('must use https');
  if (url.port && url.port !== '443') throw new HostValidationError('must use the default https port');
  if (/^[\d.]+$/.test(url.hostname) || url.hostname.startsWith('[')) {
    throw new HostValidationError('must be a host name, not an IP address');
  }
  const host = url.hostname.toLowerCase();
  if (!allowedSuffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length)) {
    throw new HostValidationError(`must be a ${allowedSuffixes.map((s) => `*${s}`).join(' or ')} host (e.g. ${example})`);
  }
  return url;
}

export const originOf = (url: URL) => `${url.protocol}//${url.host}`;
