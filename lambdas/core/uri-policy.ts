import { BlockList, isIP } from 'node:net'; // address arithmetic only: core does no network I/O

/**
 * Where the gateway may send a request on a brand's behalf (JWKS, userinfo, discovery).
 *
 * Outside local mode a brand URI must be https to a public host, so that a brand config can never point the
 * gateway at the cloud metadata service or the VPC. The fetch adapter applies `isForbiddenAddress` again to
 * the address DNS actually returns, so a public name that resolves to a private address is refused too.
 */
export interface UriPolicy {
  /** Local mode only: allow `http://` to loopback (the demo CIAM and test servers on 127.0.0.1). */
  readonly allowLoopbackHttp: boolean;
}

const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], ['::ffff:0:0:0', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Private, loopback, link-local, CGNAT, multicast, reserved, or a NAT64 form. BlockList checks IPv4-mapped IPv6 (::ffff:a.b.c.d) against the IPv4 rules. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const FORBIDDEN_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** Returns what is wrong with the URI, or undefined when the gateway may call it. */
export function checkBrandUri(value: string, policy: UriPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI';
  }
  if (value.length > 2048) return 'must be at most 2048 characters';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  // A fully qualified name may end in a dot (`localhost.`): the same host, so it is checked without it.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (policy.allowLoopbackHttp && (isLoopbackAddress(host) || host === 'localhost')) {
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must be http(s)';
  }
  if (url.protocol !== 'https:') return 'must be https';
  if (isIP(host) !== 0 ? isForbiddenAddress(host) : FORBIDDEN_NAME.test(host) || !host.includes('.')) {
    return 'must not point at a private, loopback or link-local host';
  }
  return undefined;
}
