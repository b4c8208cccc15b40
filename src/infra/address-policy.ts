import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses outbound OAuth traffic may reach (checklist F11: SSRF from admin-typed
 * hosts and discovered endpoints, e.g. Keycloak CVE-2026-4874, toolhive GHSA-3768-rwj3-38p2).
 *
 * Deny by default: an address passes `public-only` only when ipaddr.js classifies it as ordinary
 * unicast. Everything else is refused: loopback, RFC 1918, link-local (169.254.169.254 is the cloud
 * metadata service), CGNAT 100.64/10, 0.0.0.0/8, ULA fc00::/7, fe80::/10, multicast, broadcast,
 * reserved and documentation ranges, NAT64/6to4/Teredo (they embed an IPv4 address we would have
 * to re-check). IPv4-mapped IPv6 (::ffff:10.0.0.5) is judged as the IPv4 address it maps to.
 *
 * `loopback-only` is for a data source that points at a loopback provider while
 * ALLOW_HTTP_LOOPBACK_PROVIDERS is on (demos, tests): it may reach loopback and nothing else, so a
 * `localhost` that suddenly resolves to 10.0.0.5 is refused too.
 */
export type AddressPolicy = 'public-only' | 'loopback-only';

/** ipaddr.js's range name for an address ('unicast' means public); 'invalid' if it is not an IP at all. */
export function addressRange(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // net.isIP is strict (no "127.1" or "0x7f.1" shorthands); anything it rejects is not an address we trust.
  if (net.isIP(bare) === 0) return 'invalid';
  if (isIPv4Compatible(bare)) return 'ipv4Compatible';
  return ipaddr.process(bare).range();
}

/**
 * ::a.b.c.d / ::7f00:1 (IPv4-compatible, deprecated by RFC 4291) may route to the embedded IPv4
 * address; refuse it outright. Checked on the text because ipaddr.js reads "::a.b.c.d" as the
 * IPv4-MAPPED ::ffff:a.b.c.d, while the kernel connects to ::a.b.c.d.
 */
function isIPv4Compatible(address: string): boolean {
  const parsed = ipaddr.parse(address);
  if (!(parsed instanceof ipaddr.IPv6)) return false;
  if (address.includes('.') && !/ffff:[\d.]+$/i.test(address)) return parsed.parts.slice(0, 5).every((part) => part === 0);
  const embedsIPv4 = parsed.parts.slice(0, 6).every((part) => part === 0);
  return embedsIPv4 && parsed.range() === 'unicast'; // :: and ::1 keep their own names
}

export function isAddressAllowed(address: string, policy: AddressPolicy): boolean {
  const range = addressRange(address);
  return policy === 'loopback-only' ? range === 'loopback' : range === 'unicast';
}
