import { promises as dns, type LookupAddress } from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import { addressRange, isAddressAllowed, type AddressPolicy } from './address-policy.js';
import { BlockedAddressError } from './outbound-refusals.js';

/**
 * The connect-time half of the SSRF defence (checklist F11). Validating a host name when an admin
 * saves it is not enough: DNS can answer differently later (DNS rebinding), so the address is checked
 * when the socket is opened, after resolution, for every new connection:
 *
 * 1. the host name is resolved through `DnsLookup` and the connection is refused, before any packet
 *    is sent, if ANY of its addresses is outside the policy (a host that mixes public and private
 *    answers is itself suspicious);
 * 2. an IP-literal host (which Node connects to without a lookup) is checked the same way;
 * 3. after connecting, the peer address of the socket is checked once more, so no path that
 *    bypasses the lookup (a future Node or undici change) can reach a refused address unnoticed.
 *
 * Pooled keep-alive sockets were checked when they were opened; a rebind afterwards cannot move them.
 */
export type ResolvedAddress = { address: string; family: 4 | 6 };

/** Resolves a host name to all its addresses. Injected from the composition root (tests play DNS with it). */
export type DnsLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemDnsLookup: DnsLookup = async (hostname) =>
  (await dns.lookup(hostname, { all: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/** A `net.connect` lookup function that only ever hands out addresses the policy allows. */
export function guardedLookup(policy: AddressPolicy, lookup: DnsLookup): net.LookupFunction {
  return (hostname, options, callback) => {
    const pick = (resolved: ResolvedAddress[]): ResolvedAddress[] => {
      const refused = resolved.find((r) => !isAddressAllowed(r.address, policy));
      if (refused) throw new BlockedAddressError(hostname, refused.address, addressRange(refused.address));
      const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : undefined;
      const usable = family ? resolved.filter((r) => r.family === family) : resolved;
      if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' });
      return usable;
    };
    lookup(hostname).then(
      (resolved) => {
        let allowed: ResolvedAddress[];
        try {
          allowed = pick(resolved);
        } catch (error) {
          return callback(error as NodeJS.ErrnoException, '');
        }
        if (options.all) return callback(null, allowed as LookupAddress[]);
        callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** An undici connector (the `connect` option of an Agent) that enforces the policy at connect time. */
export function guardedConnector(policy: AddressPolicy, lookup: DnsLookup): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy, lookup) });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host) && !isAddressAllowed(host, policy)) {
      return callback(new BlockedAddressError(host, host, addressRange(host)), null);
    }
    connect(options, (error, socket) => {
      if (error) return callback(error, null);
      const peer = socket!.remoteAddress;
      if (!peer || !isAddressAllowed(peer, policy)) {
        socket!.destroy();
        return callback(new BlockedAddressError(host, peer ?? 'unknown', peer ? addressRange(peer) : 'unknown'), null);
      }
      callback(null, socket!);
    });
  };
}
