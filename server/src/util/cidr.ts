/**
 * Addresses and CIDR ranges as the configuration writes them (`192.0.2.0/28`, `2001:db8::1`): a
 * custom sender's `ips`, the sources `reports.notOurs` sets aside.
 */
import { inNetwork, parseIp, type Ip } from '../spf/evaluator';

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

/** A node of PrefixTrie: the entries whose prefix ends here, by ascending index. */
interface PrefixNode {
  entries?: number[];
  zero?: PrefixNode;
  one?: PrefixNode;
}

/**
 * Networks (an address and a prefix length) in a binary trie per address family, each entry by its
 * index: the networks that cover an address or network are found by walking its bits (at most 32 or
 * 128), however many networks there are.
 */
export class PrefixTrie {
  private readonly roots: Record<4 | 6, PrefixNode | undefined> = { 4: undefined, 6: undefined };

  /** Adds network `index` (indexes added in ascending order): the first `prefix` bits of `ip`. */
  add(ip: Ip, prefix: number, index: number): void {
    let node = (this.roots[ip.v] ??= {});
    for (let bit = 0; bit < prefix; bit++) node = (ip.bytes[bit >> 3] >> (7 - (bit & 7))) & 1 ? (node.one ??= {}) : (node.zero ??= {});
    (node.entries ??= []).push(index);
  }

  get empty(): boolean {
    return !this.roots[4] && !this.roots[6];
  }

  /**
   * Calls `visit` with the entries of each network that covers the first `prefix` bits of `ip` (all
   * its bits by default), the widest first, and the prefix length of those networks.
   */
  covering(ip: Ip, visit: (entries: readonly number[], prefix: number) => void, prefix = ip.bytes.length * 8): void {
    let node = this.roots[ip.v];
    for (let bit = 0; node; bit++) {
      if (node.entries) visit(node.entries, bit);
      if (bit === prefix) break;
      node = (ip.bytes[bit >> 3] >> (7 - (bit & 7))) & 1 ? node.one : node.zero;
    }
  }
}

/**
 * The index, in `cidrs`, of the first entry that covers an address (-1 when none; the invalid entries
 * never match), each list parsed once into a PrefixTrie.
 */
export function cidrIndex(cidrs: readonly string[]): (ip: string) => number {
  const trie = new PrefixTrie();
  cidrs.forEach((c, i) => {
    const [net, len] = c.split('/');
    const p = validCidr(c) ? parseIp(net) : undefined;
    if (p) trie.add(p, len === undefined ? p.bytes.length * 8 : Number(len), i);
  });
  if (trie.empty) return () => -1;
  return (ip) => {
    const a = parseIp(ip);
    let best = -1;
    if (a) trie.covering(a, (entries) => (best = best < 0 ? entries[0] : Math.min(best, entries[0])));
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
