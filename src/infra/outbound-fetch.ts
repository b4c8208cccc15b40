import { Agent, fetch as undiciFetch } from 'undici';
import type { AddressPolicy } from './address-policy.js';
import { RedirectRefusedError } from './outbound-refusals.js';
import { guardedConnector, systemDnsLookup, type DnsLookup } from './ssrf-guard.js';

/**
 * The one fetch every outbound OAuth request goes through: discovery, token, revocation (and
 * userinfo / JWKS should they ever be used), handed to openid-client as its `customFetch` (checklist
 * F11). Two guarantees on top of plain fetch:
 *
 * - connections are opened by an undici Agent whose connector checks the resolved address
 *   (ssrf-guard.ts), one Agent per address policy;
 * - redirects are never followed: `redirect: 'manual'` is forced whatever the caller asked, and a
 *   3xx answer is turned into a RedirectRefusedError, so a token endpoint that answers 302 is a
 *   provider error and its Location is never requested (toolhive GHSA-3768-rwj3-38p2 followed one).
 *
 * It uses undici from npm (pinned) with that package's own fetch: Node 20 bundles an older undici
 * (6.x) whose global fetch is not meant to drive an Agent from another undici major version.
 */
export type OutboundFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface OutboundHttp {
  /** The guarded fetch for data sources under this policy. */
  fetchFor(policy: AddressPolicy): OutboundFetch;
  /** Closes the pooled connections (server shutdown). */
  close(): Promise<void>;
}

export interface OutboundHttpOptions {
  /** How host names are resolved before the address check; the system resolver unless a test injects one. */
  dnsLookup?: DnsLookup;
}

export function createOutboundHttp(options: OutboundHttpOptions = {}): OutboundHttp {
  const lookup = options.dnsLookup ?? systemDnsLookup;
  const agents: Record<AddressPolicy, Agent> = {
    'public-only': new Agent({ connect: guardedConnector('public-only', lookup) }),
    'loopback-only': new Agent({ connect: guardedConnector('loopback-only', lookup) }),
  };
  const fetches = {
    'public-only': guardedFetch(agents['public-only']),
    'loopback-only': guardedFetch(agents['loopback-only']),
  };
  return {
    fetchFor: (policy) => fetches[policy],
    close: async () => {
      await Promise.all(Object.values(agents).map((agent) => agent.close()));
    },
  };
}

function guardedFetch(dispatcher: Agent): OutboundFetch {
  return async (url, init) => {
    // The global RequestInit and undici's own differ only in type details (both are WHATWG fetch).
    const response = await undiciFetch(url, { ...(init as object), redirect: 'manual', dispatcher });
    if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
      await response.body?.cancel().catch(() => undefined);
      const { origin, pathname } = new URL(url); // no query string: it could carry a secret
      throw new RedirectRefusedError(`${origin}${pathname}`, response.status);
    }
    // oauth4webapi recognises a Response by its toStringTag, so undici's class is accepted as is.
    return response as unknown as Response;
  };
}
