import type { IncomingMessage } from 'node:http';
import type { Services } from '../app.js';
import type { Principal } from '../core/principal.js';
import { rateLimited } from '../core/rate-limits.js';
import { clientBucket } from './client-ip.js';
import type { MaybePromise } from '../infra/sync-first.js';

/**
 * API-key authentication with a budget of failed attempts per client network (checklist F9), for
 * every surface that takes a key: REST, GraphQL over HTTP and graphql-ws connection_init.
 *
 * Keys carry 256 random bits, so guessing one is hopeless; what a scanner, a revoked key left in a
 * loop or a misconfigured client can do is make us look up one unknown key after another. Each
 * presented key that fails costs the client one token; once the budget is spent, its keys are
 * refused with RATE_LIMITED before any lookup. A key this instance already knows as valid (the
 * identity cache, HOT_CACHE_TTL_SECONDS) still passes: a broken client behind a shared address (a
 * hosting platform's egress, a NAT) does not lock out its neighbours, and it tells a guesser
 * nothing (it still cannot try new keys). A request without a key costs no lookup and is not
 * counted.
 */
export class AuthenticationGuard {
  constructor(private readonly services: Services) {}

  /**
   * The principal behind `key`, or null (no key, or an unknown or revoked one); throws RATE_LIMITED.
   * `client` is the request, or the client network already resolved (WebSocket connections).
   */
  authenticate(key: string | undefined, client: IncomingMessage | string): MaybePromise<Principal | null> {
    if (key === undefined) return null;
    const { identity, rateLimits } = this.services;
    if (!rateLimits.failedAuthentications.enabled) return identity.authenticate(key);
    // The hot path: a key known as valid is answered synchronously, with no budget involved.
    return identity.knownPrincipal(key) ?? this.authenticateCounted(key, client);
  }

  private async authenticateCounted(key: string, client: IncomingMessage | string): Promise<Principal | null> {
    const { identity, rateLimits, config } = this.services;
    const failures = rateLimits.failedAuthentications;
    // Resolved only when needed: a cached answer (the hot path) needs neither address nor limiter.
    let bucket: string | undefined;
    const refuseIfOverBudget = async () => {
      bucket = typeof client === 'string' ? client : clientBucket(client, config.trustProxyHops);
      const retryAfterSeconds = await failures.retryAfter(bucket);
      if (retryAfterSeconds > 0) throw rateLimited(retryAfterSeconds, 'Too many failed authentications from this address');
    };
    const principal = await identity.authenticate(key, refuseIfOverBudget);
    if (principal) return principal;
    // Known invalid without a lookup (malformed, or cached as unknown): still an attempt that counts.
    if (bucket === undefined) await refuseIfOverBudget();
    await failures.take(bucket!);
    return null;
  }
}
