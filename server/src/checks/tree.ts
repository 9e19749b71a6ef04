/**
 * Rules of the SPF lookup tree (RFC 7208 §4.6.4), found by walking include/redirect targets through
 * the resolver chain (server/src/spf/tree.ts). The examples are zones whose include targets are
 * defined in the same files, so they are resolved from the workspace.
 */
import type { TreeRule } from './rule';

function rule(r: Omit<TreeRule, 'kind' | 'scope' | 'fixable'> & { fixable?: boolean }): TreeRule {
  return { fixable: false, ...r, kind: 'spf', scope: 'tree' };
}

const chain = (n: number) =>
  [`@ IN TXT "v=spf1 include:c1.example.com -all"`, ...Array.from({ length: n - 1 }, (_, i) => `c${i + 1} IN TXT "v=spf1 include:c${i + 2}.example.com -all"`), `c${n} IN TXT "v=spf1 ip4:192.0.2.1 -all"`].join('\n');

export const treeRules: TreeRule[] = [
  rule({
    id: 'spf/too-many-lookups',
    severity: 'error',
    summary: 'The SPF tree needs more than 10 DNS lookups',
    docs: {
      what: 'Counts the DNS-querying terms (include, a, mx, ptr, exists, redirect) of the whole include tree in evaluation order and reports where the 11th falls, with the branches that cost most.',
      why: 'RFC 7208 §4.6.4: receivers stop after 10 such terms and return `permerror`; every message that is not matched by then fails SPF, usually after one more sending service was added.',
      bad: chain(11),
      good: chain(10),
      fix: 'Remove includes you no longer use, replace `a`/`mx`/`ptr` with `ip4`/`ip6`, and ask platforms for a custom return-path instead of an include (see the sender rules). The quick fix flattens an include of a record the workspace defines, when that record authorises only addresses (`ip4`/`ip6`, and includes of records like it): its terms are written in place of the include. It is never offered for a platform\'s include, whose ranges change without notice, and the copy no longer follows the record it came from.',
    },
    fixable: true,
  }),
  rule({
    id: 'spf/too-many-void-lookups',
    severity: 'error',
    summary: 'More than two lookups in the SPF tree find nothing',
    docs: {
      what: 'Counts lookups of `a`, `mx` and `exists` terms across the include tree that return NXDOMAIN or no records, including the address lookups of each MX host (a host with neither A nor AAAA is void for any client, as pyspf and Mail::SPF count it).',
      why: 'RFC 7208 §4.6.4: after two void lookups receivers return `permerror`, a guard against abuse that also catches stale names.',
      bad: '@ IN TXT "v=spf1 a:gone1.example.com a:gone2.example.com a:gone3.example.com -all"',
      good: '@ IN TXT "v=spf1 ip4:192.0.2.1 -all"',
      fix: 'Remove terms that point at names without addresses or mail exchangers.',
    },
  }),
  rule({
    id: 'spf/include-loop',
    severity: 'error',
    summary: 'An include or redirect leads back to a domain on its own path',
    docs: {
      what: 'Follows include and redirect targets and reports a target that is already on the path from the root.',
      why: 'RFC 7208 §4.6.4: a loop exhausts the lookup limit; receivers return `permerror`.',
      bad: '@ IN TXT "v=spf1 include:loop.example.com -all"\nloop IN TXT "v=spf1 include:example.com -all"',
      good: '@ IN TXT "v=spf1 include:loop.example.com -all"\nloop IN TXT "v=spf1 ip4:192.0.2.1 -all"',
      fix: 'Break the cycle: an included record must not include its includer.',
    },
  }),
  rule({
    id: 'spf/duplicate-include',
    severity: 'warning',
    summary: 'The same domain is included twice in the tree',
    docs: {
      what: 'Reports an include target reached by two different branches of the tree (not a loop).',
      why: 'Every copy is evaluated and counted again against the limit of 10 (RFC 7208 §4.6.4) without authorising anything new.',
      bad: '@ IN TXT "v=spf1 include:a.example.com include:b.example.com -all"\na IN TXT "v=spf1 include:c.example.com -all"\nb IN TXT "v=spf1 include:c.example.com -all"\nc IN TXT "v=spf1 ip4:192.0.2.1 -all"',
      good: '@ IN TXT "v=spf1 include:a.example.com include:b.example.com -all"\na IN TXT "v=spf1 include:c.example.com -all"\nb IN TXT "v=spf1 ip4:192.0.2.2 -all"\nc IN TXT "v=spf1 ip4:192.0.2.1 -all"',
      fix: 'Include the shared record once, high enough in the tree.',
    },
  }),
  rule({
    id: 'spf/duplicate-netblock',
    severity: 'information',
    summary: 'A network is authorised twice in the include tree',
    docs: {
      what: 'Compares the `ip4`/`ip6` networks that pass across the records of the tree and reports one that lies inside another record\'s network (or equals it).',
      why: 'The second copy authorises nothing new (RFC 7208 §5.6), makes the records longer (RFC 7208 §3.4: keep them under 450 bytes) and usually means a provider\'s addresses were copied into the record while its include stayed, so the two drift apart.',
      bad: '@ IN TXT "v=spf1 ip4:192.0.2.0/25 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
      good: '@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.0/24 -all"',
      fix: 'Remove the copy, keeping the include that the provider maintains.',
    },
  }),
  rule({
    id: 'spf/mx-too-many-hosts',
    severity: 'error',
    summary: 'An `mx` term names a domain with more than 10 MX hosts',
    docs: {
      what: 'Looks up the MX records an `mx` term refers to and counts the hosts.',
      why: 'RFC 7208 §4.6.4: an `mx` term may look up at most 10 host addresses; with more, it returns `permerror`.',
      bad: ['@ IN TXT "v=spf1 mx -all"', ...Array.from({ length: 11 }, (_, i) => `@ IN MX ${i} mx${i}`)].join('\n'),
      good: '@ IN TXT "v=spf1 mx -all"\n@ IN MX 10 mx1',
      fix: 'List the sending hosts with `ip4`/`ip6`, or point `mx:` at a name with fewer MX hosts.',
    },
  }),
  rule({
    id: 'spf/include-not-found',
    severity: 'error',
    summary: 'An include or redirect target does not exist or cannot be resolved',
    docs: {
      what: 'Reports include and redirect targets that do not exist (NXDOMAIN); a target that cannot be resolved (offline, timeout) is reported as information with the reason.',
      why: 'RFC 7208 §5.2: an include of a name that does not exist is a `permerror`; a DNS error is a `temperror`.',
      bad: '@ IN TXT "v=spf1 include:_spf.gone.example.com -all"',
      good: '@ IN TXT "v=spf1 include:_spf.example.com -all"\n_spf IN TXT "v=spf1 ip4:192.0.2.1 -all"',
      fix: 'Correct the target name, or remove the include if the service is gone.',
    },
  }),
];
