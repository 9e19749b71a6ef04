/**
 * Addresses and CIDR ranges as the configuration writes them (`192.0.2.0/28`, `2001:db8::1`): a
 * custom sender's `ips`, the sources `reports.notOurs` sets aside.
 */
import { inNetwork, parseIp } from '../spf/evaluator';

/** An IPv4/IPv6 address, or one with a prefix length its family allows. */
export function validCidr(s: string): boolean {
  const [ip, len, extra] = s.split('/');
  const parsed = parseIp(ip);
  if (!parsed || extra !== undefined) return false;
  if (len === undefined) return true;
  const n = Number(len);
  return /^\d{1,3}$/.test(len) && n <= (parsed.v === 4 ? 32 : 128);
}

/** `ip` lies in `cidr` (an address alone is a whole-length prefix). */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const a = parseIp(ip);
  const b = parseIp(net);
  return !!a && !!b && inNetwork(a, b, len === undefined ? a.bytes.length * 8 : Number(len));
}

/** `inner` (a CIDR) lies inside `outer` (a CIDR). */
export function cidrInside(inner: string, outer: string): boolean {
  const [net, len] = inner.split('/');
  const [, olen] = outer.split('/');
  const v = parseIp(net)?.v;
  const il = len === undefined ? (v === 4 ? 32 : 128) : Number(len);
  const ol = olen === undefined ? (v === 4 ? 32 : 128) : Number(olen);
  return il >= ol && ipInCidr(net, outer);
}

/** A test of addresses against a list of CIDRs (the invalid ones never match), each list parsed once. */
export function cidrMatcher(cidrs: readonly string[]): (ip: string) => string | undefined {
  const nets = cidrs.flatMap((c) => {
    const [net, len] = c.split('/');
    const p = validCidr(c) ? parseIp(net) : undefined;
    return p ? [{ cidr: c, net: p, prefix: len === undefined ? p.bytes.length * 8 : Number(len) }] : [];
  });
  return (ip) => {
    if (!nets.length) return undefined;
    const a = parseIp(ip);
    return a ? nets.find((n) => inNetwork(a, n.net, n.prefix))?.cidr : undefined;
  };
}
