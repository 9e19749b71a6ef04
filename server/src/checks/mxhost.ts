/**
 * Where a domain's mail goes: MX records whose host (the exchange) is an alias, or has no address in
 * a zone the workspace holds whole. Either way mail for the domain, DMARC and TLS reports and bounces
 * included, may not arrive.
 */
import { mxHost } from '../dns/types';
import { cnameChainEnd, cnameTarget, mxData, mxExchangeRange } from '../records/cname';
import { isDynamic, wholeZone } from '../records/dynamic';
import type { ResourceRecord } from '../types';
import { isNullMx } from './nullmx';
import type { DnsModel, ModelRule } from './rule';
import { cnameIn } from './reached';

const hasAddress = (r: ResourceRecord) => r.type === 'A' || r.type === 'AAAA';
/** What the reading of an MX host needs: its addresses or alias, and the zone cuts above it. */
const READ = new Set(['A', 'AAAA', 'CNAME', 'SOA', 'NS', 'DNAME']);

/**
 * The records of the given types at `hosts`, their parents and the wildcards above them, in this file
 * and then in the rest of the workspace: what it takes to tell whether a host exists, has an address,
 * or lies in a zone the workspace holds whole. Only such names are indexed, and only when this file has
 * records at one of them (the owner set is shared with other rules): the type is compared before the
 * name is hashed.
 */
export function hostRecords(model: DnsModel, hosts: Iterable<string>, types: ReadonlySet<string>): (name: string) => ResourceRecord[] {
  const names = new Set<string>();
  for (const host of hosts) {
    if (names.has(host)) continue;
    for (let n = host; n.includes('.'); n = n.slice(n.indexOf('.') + 1)) {
      names.add(n);
      names.add(`*.${n.slice(n.indexOf('.') + 1)}`);
    }
  }
  const own = new Map<string, ResourceRecord[]>();
  const owners = model.owners();
  if ([...names].some((n) => owners.has(n)))
    for (const r of model.records) if (types.has(r.type) && names.has(r.owner!) && !r.superseded) (own.get(r.owner!) ?? own.set(r.owner!, []).get(r.owner!)!).push(r);
  return (n) => {
    const here = own.get(n) ?? [];
    const there = model.workspace?.at(n) ?? [];
    return there.length === 0 ? here : [...here, ...there.map((e) => e.record).filter((r) => !r.superseded)];
  };
}

type Verdict = { cname: ResourceRecord } | { noAddress: string } | undefined;
const cache = new WeakMap<DnsModel, { mx: { record: ResourceRecord; host: string }[]; verdict: (host: string) => Verdict }>();

/** The MX records of the model with their hosts, and what the workspace says of each host (once per model: two rules read it). */
function mxHosts(model: DnsModel) {
  let c = cache.get(model);
  if (c) return c;
  const mx: { record: ResourceRecord; host: string }[] = [];
  for (const r of model.records) if (r.type === 'MX' && r.owner !== undefined && !r.superseded && !isDynamic(r) && !isNullMx(r)) mx.push({ record: r, host: mxHost(mxData(r)).toLowerCase() });
  const at = hostRecords(model, mx.map((m) => m.host), READ);
  const verdicts = new Map<string, Verdict>();
  const verdict = (host: string): Verdict => {
    if (verdicts.has(host)) return verdicts.get(host);
    const recs = at(host);
    let v: Verdict;
    // A CNAME a DNS host flattens (Cloudflare) is served as addresses: not an alias to the sender.
    const cname = recs.find((r) => r.type === 'CNAME' && !r.flattened);
    if (cname) v = { cname };
    else if (!recs.some(hasAddress) && !recs.some(isDynamic)) {
      // Only in a zone the workspace holds whole (its SOA is there) is "no record" an answer; a wildcard with an address answers for a name that does not exist.
      const zone = wholeZone(host, at, (r) => r, (r) => hasAddress(r) || r.type === 'CNAME');
      if (zone) v = { noAddress: zone.apex };
    }
    verdicts.set(host, v);
    return v;
  };
  c = { mx, verdict };
  cache.set(model, c);
  return c;
}

export const mxTargetIsCname: ModelRule = {
  id: 'zone/mx-target-is-cname',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'An MX record names an alias (CNAME) as its mail server',
  fixable: true,
  docs: {
    what: 'Finds MX records whose host (the exchange) is, in the workspace, the owner of a CNAME record.',
    why: 'RFC 2181 §10.3: the host an MX record names must not be an alias; it must own its A or AAAA records. Many mail servers follow the CNAME anyway, but some refuse to deliver to it, and MTA-STS policies and TLS certificates are checked against the name the MX gives, so the alias adds a way for mail, DMARC and TLS reports included, to go astray.',
    bad: '@ IN MX 10 mail\nmail IN CNAME mx.hosting.example.net.',
    good: '@ IN MX 10 mx.hosting.example.net.',
    fix: 'Point the MX record at the host the CNAME names (its canonical name, at the end of a chain of CNAMEs), or give the host its own A/AAAA records instead of the CNAME. In a zone file the quick fix rewrites the MX host, written absolute; an MTA-STS policy\'s `mx` lines and the server\'s TLS certificate must then name that host too.',
  },
  check(model, ctx) {
    const { mx, verdict } = mxHosts(model);
    for (const { record, host } of mx) {
      const v = verdict(host);
      if (!v || !('cname' in v)) continue;
      // The canonical name: where the chain of CNAMEs, in this file and the workspace, ends (none for a loop).
      const chain = cnameChainEnd(host, cnameIn(model));
      const canonical = chain?.end;
      const via = chain && chain.links > 1 ? ` (a chain of ${chain.links} CNAMEs ending at \`${canonical}\`)` : '';
      // Written as is (absolute) only when it needs no zone-file escapes.
      const span = canonical && /^[a-z0-9_*-]+(\.[a-z0-9_-]+)*$/i.test(canonical) ? mxExchangeRange(record) : undefined;
      ctx.reportAt(
        record,
        `The MX host \`${host}\` is an alias (CNAME to \`${cnameTarget(v.cname)}\`${via}); the host an MX record names must have its own A or AAAA records (RFC 2181 §10.3), and some mail servers refuse to deliver to an alias. ${canonical ? `Point the MX at \`${canonical}\`.` : 'The CNAMEs from it loop or go on too long: no mail server reaches a host.'}`,
        {
          related: [{ uri: v.cname.uri, range: v.cname.range, message: `the CNAME at ${host}` }],
          anchors: [v.cname],
          docFixes: span && (() => [{ title: `MX: point it at ${canonical}, the host the CNAME names`, edits: [{ range: span, newText: `${canonical}.` }] }]),
        },
      );
    }
  },
};

export const mxTargetNoAddress: ModelRule = {
  id: 'zone/mx-target-no-address',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'An MX record names a host with no address',
  fixable: false,
  docs: {
    what: 'Finds MX records whose host has no A or AAAA record (nor a CNAME, nor a wildcard that answers for it) in a zone the workspace holds whole (its SOA is there), and says when no MX host of the name has an address, so mail for it cannot be delivered at all. `named-checkzone` warns of the same (it loads the zone); zone errors are kept for what BIND refuses.',
    why: 'RFC 5321 §5.1: senders look up the addresses of each MX host in turn and skip a host without any; when none has one, the mail bounces. A typo in the host or a server renamed without its MX leaves a domain unable to receive mail, its DMARC and TLS reports and the bounces of the mail it sends included.',
    bad: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN MX 10 mx1\nmx IN A 192.0.2.25',
    good: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN MX 10 mx1\nmx1 IN A 192.0.2.25',
    fix: 'Correct the host in the MX record, or publish the A/AAAA records of the server it names.',
  },
  check(model, ctx) {
    const { mx, verdict } = mxHosts(model);
    // Per name: whether any of its MX hosts can take mail (has an address, or is not in a zone the workspace holds whole).
    const deliverable = new Map<string, boolean>();
    for (const { record, host } of mx) {
      const v = verdict(host);
      if (!v || !('noAddress' in v)) deliverable.set(record.owner!, true);
      else if (!deliverable.has(record.owner!)) deliverable.set(record.owner!, false);
    }
    for (const { record, host } of mx) {
      const v = verdict(host);
      if (!v || !('noAddress' in v)) continue;
      const none = deliverable.get(record.owner!) === false;
      ctx.reportAt(
        record,
        `The MX host \`${host}\` has no A or AAAA record in the zone ${v.noAddress}, so senders cannot deliver to it (RFC 5321 §5.1)${none ? `; no MX host of \`${record.owner}\` has an address, so its mail, DMARC and TLS reports included, bounces` : ''}. Correct the host or publish its addresses.`,
      );
    }
  },
};

export const mxHostRules: ModelRule[] = [mxTargetIsCname, mxTargetNoAddress];
