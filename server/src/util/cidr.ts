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

/** A node of a binary trie of prefixes: the lowest list index of the entries whose prefix ends here. */
interface PrefixNode {
  first: number;
  zero?: PrefixNode;
  one?: PrefixNode;
}

/**
 * The index, in `cidrs`, of the first entry that covers an address (-1 when none; the invalid entries
 * never match), each list parsed once into a binary trie per address family: a lookup walks at most
 * the address's bits (32 or 128), however long the list.
 */
export function cidrIndex(cidrs: readonly string[]): (ip: string) => number {
  const roots: Record<4 | 6, PrefixNode | undefined> = { 4: undefined, 6: undefined };
  cidrs.forEach((c, i) => {
    const [net, len] = c.split('/');
    const p = validCidr(c) ? parseIp(net) : undefined;
    if (!p) return;
    const prefix = len === undefined ? p.bytes.length * 8 : Number(len);
    let node = (roots[p.v] ??= { first: -1 });
    for (let bit = 0; bit < prefix; bit++) {
      const side = (p.bytes[bit >> 3] >> (7 - (bit & 7))) & 1 ? 'one' : 'zero';
      node = node[side] ??= { first: -1 };
    }
    if (node.first < 0 || i < node.first) node.first = i;
  });
  if (!roots[4] && !roots[6]) return () => -1;
  return (ip) => {
    const a = parseIp(ip);
    let node = a && roots[a.v];
    if (!a || !node) return -1;
    let best = -1;
    const bits = a.bytes.length * 8;
    for (let bit = 0; node; bit++) {
      if (node.first >= 0 && (best < 0 || node.first < best)) best = node.first;
      if (bit === bits) break;
      node = (a.bytes[bit >> 3] >> (7 - (bit & 7))) & 1 ? node.one : node.zero;
    }
    return best;
  };
}

/** A test of addresses against a list of CIDRs: the first entry that covers an address (cidrIndex). */
export function cidrMatcher(cidrs: readonly string[]): (ip: string) => string | undefined {
  const at = cidrIndex(cidrs);
  return (ip) => {
    const i = at(ip);
    return i < 0 ? undefined : cidrs[i];
  };
}
