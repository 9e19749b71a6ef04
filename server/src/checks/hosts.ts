/**
 * The hosts MX and NS records name. Where a domain's mail goes: MX records whose host (the exchange)
 * is an alias, or has no address in a zone the workspace holds whole; either way mail for the domain,
 * DMARC and TLS reports and bounces included, may not arrive. Who serves the zone: NS records whose
 * host is an alias or has no address, which at the zone's apex make BIND refuse to load it, so that
 * none of its records, SPF, DMARC and DKIM included, is served. Where clients find a service: SRV
 * records (mail clients' `_submissions._tcp`, `_imaps._tcp`…) whose target is an alias or has no address.
 */
import { cnameChainEnd, cnameTarget, hostOf, hostRange } from '../records/cname';
import { isDynamic, isPartialZone, wholeZone } from '../records/dynamic';
import { isIP } from 'node:net';
import type { ResourceRecord } from '../types';
import { isNullMx } from './nullmx';
import type { DnsModel, ModelContext, ModelRule } from './rule';
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

/** Whether a name has records below it (then it exists, as an empty non-terminal, and no wildcard answers for it). */
function hasDescendants(model: DnsModel, name: string): boolean {
  const under = `.${name}`;
  return model.records.some((r) => r.owner?.endsWith(under)) || (model.workspace?.under?.(name).length ?? 0) > 0;
}

type Verdict = { cname: ResourceRecord } | { noAddress: string } | undefined;
type Hosts = { of: { record: ResourceRecord; host: string }[]; verdict: (host: string) => Verdict; at: (name: string) => ResourceRecord[] };
type HostType = 'MX' | 'NS' | 'SRV';
const cache = new WeakMap<DnsModel, Record<HostType, Hosts>>();

/**
 * The MX, NS and SRV records of the model with their hosts, and what the workspace says of each host
 * (once per model, in one pass over the records: six rules read them). Not a null MX, nor an SRV
 * record whose target is `.` (no such service): they name no host.
 */
function hostsOf(model: DnsModel, type: HostType): Hosts {
  const done = cache.get(model);
  if (done) return done[type];
  const of: Record<HostType, { record: ResourceRecord; host: string }[]> = { MX: [], NS: [], SRV: [] };
  for (const r of model.records) {
    const t = r.type;
    if ((t === 'MX' || t === 'NS' || t === 'SRV') && r.owner !== undefined && !r.superseded && !isDynamic(r) && (t !== 'MX' || !isNullMx(r))) {
      const host = hostOf(r);
      if (host !== '') of[t].push({ record: r, host });
    }
  }
  // An NS record's owner too: whether it is the apex (SOA) or a delegation decides what BIND makes of it.
  const names = [...of.MX, ...of.NS, ...of.SRV].map((m) => m.host);
  for (const m of of.NS) names.push(m.record.owner!);
  const at = hostRecords(model, names, READ);
  const verdicts = new Map<string, Verdict>();
  const verdict = (host: string): Verdict => {
    if (verdicts.has(host)) return verdicts.get(host);
    const recs = at(host);
    let v: Verdict;
    // A CNAME a DNS host flattens (Cloudflare) is served as addresses: not an alias to the sender.
    const cname = recs.find((r) => r.type === 'CNAME' && !r.flattened);
    // A name that does not exist, answered by the wildcard one level up with a CNAME, is an alias too (RFC 4592 §3.3.1).
    const wild = cname || recs.length || !host.includes('.') ? undefined : at(`*.${host.slice(host.indexOf('.') + 1)}`).find((r) => r.type === 'CNAME' && !r.flattened);
    if (cname) v = { cname };
    else if (wild && !hasDescendants(model, host)) v = { cname: wild };
    else if (!recs.some(hasAddress) && !recs.some(isDynamic)) {
      // Only in a zone the workspace holds whole (its SOA is there) is "no record" an answer; a wildcard with an address answers for a name that does not exist.
      let zone = wholeZone(host, at, (r) => r, (r) => hasAddress(r) || r.type === 'CNAME');
      // But not for one with records below it (an empty non-terminal), which exists (RFC 4592 §2.2.2): asked only when a wildcard is there.
      const above = host.slice(host.indexOf('.') + 1);
      if (!zone && recs.length === 0 && at(`*.${above}`).length > 0 && hasDescendants(model, host)) zone = wholeZone(host, at, (r) => r, () => false);
      if (zone) v = { noAddress: zone.apex };
    }
    verdicts.set(host, v);
    return v;
  };
  const all = { MX: { of: of.MX, verdict, at }, NS: { of: of.NS, verdict, at }, SRV: { of: of.SRV, verdict, at } };
  cache.set(model, all);
  return all[type];
}

/**
 * An MX, NS or SRV `record` whose host is an alias, by `cname` (its own, or the wildcard CNAME that answers
 * for it): the canonical name, where the chain of CNAMEs, in this file and the workspace, ends (none
 * for a loop); the alias as a message says it; and what the finding links to and fixes.
 */
function aliasOf(model: DnsModel, record: ResourceRecord, host: string, cname: ResourceRecord, what: HostType) {
  const chain = cnameChainEnd(cnameTarget(cname), cnameIn(model));
  const canonical = chain?.end;
  const wildcard = cname.owner !== host;
  const by = wildcard ? `the wildcard \`${cname.owner}\` answers for it with a CNAME` : 'CNAME';
  const via = chain && chain.links > 0 ? ` (a chain of ${chain.links + 1} CNAMEs ending at \`${canonical}\`)` : '';
  // Written as is (absolute) only when it needs no zone-file escapes.
  const span = canonical && /^[a-z0-9_*-]+(\.[a-z0-9_-]+)*$/i.test(canonical) ? hostRange(record) : undefined;
  return {
    canonical,
    alias: `${by} to \`${cnameTarget(cname)}\`${via}`,
    options: {
      related: [{ uri: cname.uri, range: cname.range, message: wildcard ? `the wildcard CNAME at ${cname.owner}` : `the CNAME at ${host}` }],
      anchors: [cname],
      docFixes: span && (() => [{ title: `${what}: point it at ${canonical}, the host the CNAME names`, edits: [{ range: span, newText: `${canonical}.` }] }]),
    },
  };
}

/**
 * The host an MX, NS or SRV record names, as written, when it is an IP address: DNS reads it as a
 * name (under the origin when written relative), which has no address.
 */
function writtenAddress(r: ResourceRecord): string | undefined {
  const w = (r.type === 'MX' ? r.rdata[1] : r.type === 'NS' ? r.rdata[0] : r.rdata[3]) ?? '';
  const a = w.endsWith('.') ? w.slice(0, -1) : w;
  return isIP(a) ? a : undefined;
}

/** What a message adds for a host written as an IP address. */
const asAddress = (r: ResourceRecord, what: string) => {
  const a = writtenAddress(r);
  return a ? ` (\`${a}\` is an IP address, which DNS reads as a name: ${what} names a host)` : '';
};

const isApex = (at: (name: string) => ResourceRecord[], name: string) => at(name).some((r) => r.type === 'SOA' && !isPartialZone(r));

/** Whether `host` is `apex` or under it with no zone cut (NS) between: in the zone itself, where BIND checks it. */
function inZone(at: (name: string) => ResourceRecord[], host: string, apex: string): boolean {
  if (host === apex) return true;
  if (!host.endsWith(`.${apex}`)) return false;
  for (let n = host; n !== apex; n = n.slice(n.indexOf('.') + 1)) if (at(n).some((r) => r.type === 'NS')) return false;
  return true;
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
    const { of, verdict } = hostsOf(model, 'MX');
    for (const { record, host } of of) {
      const v = verdict(host);
      if (!v || !('cname' in v)) continue;
      const { canonical, alias, options } = aliasOf(model, record, host, v.cname, 'MX');
      reportTarget(ctx, 
        record,
        `The MX host \`${host}\` is an alias (${alias}); the host an MX record names must have its own A or AAAA records (RFC 2181 §10.3), and some mail servers refuse to deliver to an alias. ${canonical ? `Point the MX at \`${canonical}\`.` : 'The CNAMEs from it loop or go on too long: no mail server reaches a host.'}`,
        options,
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
    const { of: mx, verdict } = hostsOf(model, 'MX');
    // Per name: whether any of its MX hosts can take mail (has an address, or is not in a zone the workspace holds whole).
    const deliverable = new Map<string, boolean>();
    for (const { record, host } of mx) {
      const v = verdict(host);
      // A host written as an IP address reaches no server (zone/mx-target-is-address).
      if ((!v || !('noAddress' in v)) && !writtenAddress(record)) deliverable.set(record.owner!, true);
      else if (!deliverable.has(record.owner!)) deliverable.set(record.owner!, false);
    }
    for (const { record, host } of mx) {
      const v = verdict(host);
      if (!v || !('noAddress' in v) || writtenAddress(record)) continue;
      const none = deliverable.get(record.owner!) === false;
      reportTarget(ctx, 
        record,
        `The MX host \`${host}\` has no A or AAAA record in the zone ${v.noAddress}, so senders cannot deliver to it (RFC 5321 §5.1)${none ? `; no MX host of \`${record.owner}\` has an address, so its mail, DMARC and TLS reports included, bounces` : ''}. Correct the host or publish its addresses.`,
      );
    }
  },
};

export const mxTargetIsAddress: ModelRule = {
  id: 'zone/mx-target-is-address',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'An MX record names an IP address instead of a host',
  fixable: true,
  docs: {
    what: 'Finds MX records whose host is written as an IPv4 or IPv6 address. `named-checkzone` warns of the same ("MX is an address"). Where the zone gives a name that address, the quick fix points the MX at it.',
    why: 'RFC 1035 §3.3.9 and RFC 5321 §5.1: an MX record names a host, whose addresses senders then look up. An address in its place is read as a name (`192.0.2.25` written relative is `192.0.2.25.example.com`), which has no address, so senders cannot deliver to it; when it is the only MX, mail for the domain, its DMARC and TLS reports included, bounces.',
    bad: '@ IN MX 10 192.0.2.25\nmail IN A 192.0.2.25',
    good: '@ IN MX 10 mail\nmail IN A 192.0.2.25',
    fix: 'Name a host in the MX record, one with an A or AAAA record of that address (publish one when there is none: `mail IN A 192.0.2.25`).',
  },
  check(model, ctx) {
    const { of } = hostsOf(model, 'MX');
    for (const { record, host } of of) {
      const address = writtenAddress(record);
      if (!address) continue;
      // The names the zone gives that address: what the MX meant (the first three, in the order written).
      const names: string[] = [];
      const type = isIP(address) === 4 ? 'A' : 'AAAA';
      for (const r of model.records)
        if (r.type === type && r.owner !== undefined && !r.owner.startsWith('*') && r.rdata[0] === address && !names.includes(r.owner) && names.push(r.owner) === 3) break;
      const span = hostRange(record);
      reportTarget(ctx, 
        record,
        `The MX host \`${address}\` is an IP address, but an MX record names a host: senders look up the addresses of \`${host}\` and find none, so they cannot deliver to it (RFC 1035 §3.3.9, RFC 5321 §5.1). ${names.length ? `Point it at \`${names[0]}\`, which has this address.` : `Name a host with this address (publish one: \`mail IN ${type} ${address}\`).`}`,
        {
          docFixes: span && names.length ? () => names.map((n) => ({ title: `MX: point it at ${n}, which has the address ${address}`, edits: [{ range: span, newText: `${n}.` }] })) : undefined,
        },
      );
    }
  },
};

const REFUSED = 'BIND refuses to load the zone (`named-checkzone`: "not loaded due to errors"), so none of its records, SPF, DMARC and DKIM included, is served';

export const nsTargetIsCname: ModelRule = {
  id: 'zone/ns-target-is-cname',
  kind: 'zone',
  scope: 'model',
  severity: 'error',
  summary: 'An NS record names an alias (CNAME) as a name server',
  fixable: true,
  docs: {
    what: 'Finds NS records whose host (the name server) is, in the workspace, the owner of a CNAME record. At the zone\'s apex, with the host in the zone, this is an error: BIND refuses to load the zone. At a delegation it is a warning, as `named-checkzone` gives it (it loads the zone and calls the record illegal).',
    why: 'RFC 2181 §10.3 and RFC 1912 §2.4: the host an NS record names must not be an alias. BIND checks the NS records at the apex of each zone it loads (`check-integrity`) and refuses a zone whose name server is a CNAME, so that none of its records, SPF, DMARC and DKIM included, is served. At a delegation resolvers must chase the alias to reach the child zone, and some do not.',
    bad: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS dns\ndns IN CNAME ns1\nns1 IN A 192.0.2.53',
    good: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53',
    fix: 'Point the NS record at the host the CNAME names (its canonical name, at the end of a chain of CNAMEs), or give the host its own A/AAAA records instead of the CNAME. In a zone file the quick fix rewrites the NS host, written absolute; the parent zone\'s delegation should name the same servers.',
  },
  check(model, ctx) {
    const { of, verdict, at } = hostsOf(model, 'NS');
    for (const { record, host } of of) {
      const v = verdict(host);
      if (!v || !('cname' in v)) continue;
      const owner = record.owner!;
      const refused = isApex(at, owner) && inZone(at, host, owner);
      const { canonical, alias, options } = aliasOf(model, record, host, v.cname, 'NS');
      reportTarget(ctx, 
        record,
        `The name server \`${host}\` is an alias (${alias}); the host an NS record names must have its own A or AAAA records (RFC 2181 §10.3). ${refused ? `${REFUSED}.` : 'Resolvers must chase the alias to reach the zone, and some do not.'} ${canonical ? `Point the NS at \`${canonical}\`.` : 'The CNAMEs from it loop or go on too long: no resolver reaches a server.'}`,
        { ...options, severity: refused ? 'error' : 'warning' },
      );
    }
  },
};

export const nsTargetNoAddress: ModelRule = {
  id: 'zone/ns-target-no-address',
  kind: 'zone',
  scope: 'model',
  severity: 'error',
  summary: 'An NS record names a host with no address, or a delegation lacks its glue',
  fixable: false,
  docs: {
    what: 'Finds NS records whose host has no A or AAAA record (nor a CNAME, nor a wildcard that answers for it) in a zone the workspace holds whole (its SOA is there). At the zone\'s apex, with the host in the zone, this is an error: BIND refuses to load the zone. At a delegation it is a warning, as `named-checkzone` gives it: a host in the zone with no address, or a host inside the delegated zone with no glue (its addresses in the parent zone, which resolvers need to reach it).',
    why: 'RFC 1034 §4.2.1 and RFC 9471: a resolver reaches a zone through the addresses of its name servers; a server named inside the zone it serves can only be reached through glue. BIND checks the NS records at the apex of each zone it loads (`check-integrity`) and refuses a zone whose in-zone name server has no address, so that none of its records, SPF, DMARC and DKIM included, is served. A typo in the host or a server renamed without its NS records is enough.',
    bad: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns IN A 192.0.2.53',
    good: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53',
    fix: 'Correct the host in the NS record, or publish the A/AAAA records of the server it names (for a delegation to a server inside the child zone, publish them in the parent zone as glue).',
  },
  check(model, ctx) {
    const { of, verdict, at } = hostsOf(model, 'NS');
    for (const { record, host } of of) {
      const owner = record.owner!;
      const apex = isApex(at, owner);
      // A delegation to a server inside the delegated zone: only glue (addresses in this zone) reaches it.
      if (!apex && (host === owner || host.endsWith(`.${owner}`))) {
        const parent = owner.includes('.') ? owner.slice(owner.indexOf('.') + 1) : undefined;
        const zone = parent && wholeZone(parent, at, (r) => r, (r) => hasAddress(r) || r.type === 'CNAME');
        if (zone && !at(host).some(hasAddress) && !at(host).some(isDynamic))
          reportTarget(ctx, 
            record,
            `The name server \`${host}\` is inside the zone \`${owner}\` it serves, so resolvers reach it only through glue: its A or AAAA records in the zone ${zone.apex}, which has none (RFC 9471). Publish its addresses beside the delegation.`,
            { severity: 'warning' },
          );
        continue;
      }
      const v = verdict(host);
      if (!v || !('noAddress' in v)) continue;
      const refused = apex && v.noAddress === owner && inZone(at, host, owner);
      reportTarget(ctx, 
        record,
        `The name server \`${host}\` has no A or AAAA record in the zone ${v.noAddress}${asAddress(record, 'an NS record')}, so resolvers cannot reach it (RFC 1034 §4.2.1)${refused ? `; ${REFUSED}` : ''}. Correct the host or publish its addresses.`,
        { severity: refused ? 'error' : 'warning' },
      );
    }
  },
};

export const srvTargetIsCname: ModelRule = {
  id: 'zone/srv-target-is-cname',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'An SRV record names an alias (CNAME) as its target',
  fixable: true,
  docs: {
    what: 'Finds SRV records whose target is, in the workspace, the owner of a CNAME record (or a name a wildcard CNAME answers for). `named-checkzone` warns of the same ("is a CNAME (illegal)").',
    why: 'RFC 2782: the target of an SRV record must not be an alias. Mail clients find their servers through SRV records (RFC 6186 `_submission._tcp`, `_imap._tcp`; RFC 8314 `_submissions._tcp`, `_imaps._tcp`) and check the server\'s TLS certificate against the name the record gives; some do not follow the alias, and the certificate must then name the alias too.',
    bad: '_submissions._tcp IN SRV 0 1 465 mail\nmail IN CNAME mx.hosting.example.net.',
    good: '_submissions._tcp IN SRV 0 1 465 mx.hosting.example.net.',
    fix: 'Point the SRV record at the host the CNAME names (its canonical name, at the end of a chain of CNAMEs), or give the target its own A/AAAA records. In a zone file the quick fix rewrites the target, written absolute.',
  },
  check(model, ctx) {
    const { of, verdict } = hostsOf(model, 'SRV');
    for (const { record, host } of of) {
      const v = verdict(host);
      if (!v || !('cname' in v)) continue;
      const { canonical, alias, options } = aliasOf(model, record, host, v.cname, 'SRV');
      reportTarget(ctx, 
        record,
        `The SRV target \`${host}\` is an alias (${alias}); the target of an SRV record must have its own A or AAAA records (RFC 2782), and clients that look up \`${record.owner}\` may not follow the alias. ${canonical ? `Point the SRV record at \`${canonical}\`.` : 'The CNAMEs from it loop or go on too long: no client reaches a host.'}`,
        options,
      );
    }
  },
};

export const srvTargetNoAddress: ModelRule = {
  id: 'zone/srv-target-no-address',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'An SRV record names a target with no address',
  fixable: false,
  docs: {
    what: 'Finds SRV records whose target has no A or AAAA record (nor a CNAME, nor a wildcard that answers for it) in a zone the workspace holds whole (its SOA is there). A target of `.` says the service is not offered, and is not reported. `named-checkzone` warns of the same.',
    why: 'RFC 2782: clients connect to the addresses of the target. Mail clients set themselves up from SRV records (RFC 6186, RFC 8314); a target without an address sends them nowhere, often after a server was renamed.',
    bad: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n_imaps._tcp IN SRV 0 1 993 imap\nmail IN A 192.0.2.25',
    good: '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n_imaps._tcp IN SRV 0 1 993 mail\nmail IN A 192.0.2.25',
    fix: 'Correct the target, publish its A/AAAA records, or write `.` as the target when the service is not offered (RFC 2782).',
  },
  check(model, ctx) {
    const { of, verdict } = hostsOf(model, 'SRV');
    for (const { record, host } of of) {
      const v = verdict(host);
      if (!v || !('noAddress' in v)) continue;
      reportTarget(ctx, record, `The SRV target \`${host}\` has no A or AAAA record in the zone ${v.noAddress}${asAddress(record, 'an SRV record')}, so clients that look up \`${record.owner}\` cannot connect to it (RFC 2782). Correct the target, publish its addresses, or write \`.\` if the service is not offered.`);
    }
  },
};

export const hostRules: ModelRule[] = [mxTargetIsCname, mxTargetNoAddress, mxTargetIsAddress, nsTargetIsCname, nsTargetNoAddress, srvTargetIsCname, srvTargetNoAddress];

/** A finding about the host a record names: where the file writes that name (infrastructure as code, a zone file's MX/NS/SRV host), else on the record. */
function reportTarget(ctx: ModelContext, record: ResourceRecord, message: string, options: Parameters<ModelContext['reportAt']>[2] = {}): void {
  ctx.reportAt(record, message, { ...options, target: true });
}
