import type { Agent } from 'undici';
import type { AddressPolicy } from './address-policy.js';
import { RedirectRefusedError } from './outbound-refusals.js';
import type { DnsLookup } from './ssrf-guard.js';

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
 * undici (~1 MB of code, ~0.1 s of start-up; a chunk of its own in the bundle) and the guard built on
 * it are loaded on the first outbound request, not at start-up: a server answers before any viewer
 * logs in (bench path 6).
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

interface Dispatch {
  fetch: typeof import('undici').fetch;
  agent: Agent;
}

export function createOutboundHttp(options: OutboundHttpOptions = {}): OutboundHttp {
  const dispatches = new Map<AddressPolicy, Promise<Dispatch>>();
  let closing: Promise<void> | undefined;
  const dispatchFor = (policy: AddressPolicy): Promise<Dispatch> => {
    // A request still running at shutdown must not open a pool that nothing would close.
    if (closing) return Promise.reject(new Error('outbound HTTP is closed'));
    let dispatch = dispatches.get(policy);
    if (!dispatch) {
      // undici is CommonJS: its `default` (module.exports) is what both Node and the bundle
      // (scripts/build.ts) hand out; a bundle's dynamic import has no named exports for it.
      dispatch = Promise.all([import('undici'), import('./ssrf-guard.js')]).then(([{ default: undici }, guard]) => ({
        fetch: undici.fetch,
        agent: new undici.Agent({ connect: guard.guardedConnector(policy, options.dnsLookup ?? guard.systemDnsLookup) }),
      }));
      // A failed load is not remembered: the next request tries again.
      dispatch.catch(() => dispatches.delete(policy));
      dispatches.set(policy, dispatch);
    }
    return dispatch;
  };
  const fetches = {
    'public-only': guardedFetch(() => dispatchFor('public-only')),
    'loopback-only': guardedFetch(() => dispatchFor('loopback-only')),
  };
  return {
    fetchFor: (policy) => fetches[policy],
    close: () =>
      (closing ??= Promise.allSettled(dispatches.values()).then(async (opened) => {
        await Promise.all(opened.map((d) => (d.status === 'fulfilled' ? d.value.agent.close() : undefined)));
      })),
  };
}

function guardedFetch(dispatchOf: () => Promise<Dispatch>): OutboundFetch {
  return async (url, init) => {
    const { fetch, agent } = await dispatchOf();
    // The global RequestInit and undici's own differ only in type details (both are WHATWG fetch).
    const response = await fetch(url, { ...(init as object), redirect: 'manual', dispatcher: agent });
    if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
      await response.body?.cancel().catch(() => undefined);
      const { origin, pathname } = new URL(url); // no query string: it could carry a secret
      throw new RedirectRefusedError(`${origin}${pathname}`, response.status);
    }
    // oauth4webapi recognises a Response by its toStringTag, so undici's class is accepted as is.
    return response as unknown as Response;
  };
}
