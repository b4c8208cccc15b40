import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

/**
 * Who a request comes from, as per-client rate limits count it (checklist F9).
 *
 * By default that is the TCP peer: `X-Forwarded-For` is whatever the client wants it to be, so
 * honouring it unasked would let anyone reset their counter with a new header value. Behind N
 * reverse proxies (TRUST_PROXY_HOPS=N) each proxy appends the address it received the request
 * from, so the Nth entry from the right is the one the outermost trusted proxy saw, and everything
 * left of it is client-supplied and ignored (RFC 9700 §4.13; the same rule as Express's numeric
 * `trust proxy`). With fewer entries than hops, the leftmost one is taken; an entry that is not an
 * address falls back to the TCP peer.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  if (!header) return peer;
  const entries = (Array.isArray(header) ? header.join(',') : header).split(',');
  const chosen = entries[Math.max(0, entries.length - trustedHops)]!;
  return withoutPort(chosen.trim()) ?? peer;
}

/**
 * The rate-limit key for an address: IPv4 (also when IPv4-mapped) as is, IPv6 by its /64, since a
 * single host is routinely handed a whole /64 and could otherwise take a fresh budget per address.
 */
export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

/** The rate-limit bucket of the client behind `req`: the two functions above, as every caller uses them. */
export function clientBucket(req: IncomingMessage, trustedHops: number): string {
  return addressBucket(clientAddress(req, trustedHops));
}

/** Some proxies write `1.2.3.4:5678` or `[2001:db8::1]:443`; undefined when no address remains. */
function withoutPort(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const candidate = bracketed ? bracketed[1]! : /^[\d.]+:\d+$/.test(entry) ? entry.slice(0, entry.lastIndexOf(':')) : entry;
  return net.isIP(candidate) === 0 ? undefined : candidate;
}
