/**
 * Records a zone holds at or below one of its own delegations (a zone cut: NS records at a name other
 * than the apex), or below a DNAME. The zone's servers answer every query at or below the cut with a
 * referral to the child zone's servers (RFC 1034 §4.3.2), and every query below a DNAME with the name
 * it is redirected to (RFC 6672 §2.4), so these records are never served: an SPF or DMARC record left
 * beside a delegation is not the one receivers read.
 */
import { dataNames, hostOf } from '../records/cname';
import { isDynamic } from '../records/dynamic';
import { occluderOf, type NameCut } from '../records/zonecut';
import * as path from 'node:path';
import { isZoneFileName } from '../files';
import type { Fix, ResourceRecord } from '../types';
import { insertAfter } from './recordfix';
import type { DnsModel, ModelRule } from './rule';

/** What the parent zone does publish at the cut itself: the delegation, its DS, and DNSSEC's records of them. */
const AT_CUT = new Set(['NS', 'DS', 'NSEC', 'NSEC3', 'RRSIG']);

/** What a record is, for the message: an SPF, DMARC or DKIM record by its text, else its type. */
function kindOf(r: ResourceRecord): string {
  const v = r.site?.value.trimStart() ?? '';
  if (/^v\s*=\s*spf1(\s|$)/i.test(v)) return 'SPF record';
  if (/^v\s*=\s*DMARC1/i.test(v)) return 'DMARC record';
  if (/^v\s*=\s*DKIM1/i.test(v) || (r.site && r.owner?.includes('._domainkey.'))) return 'DKIM key record';
  return `${r.type} record`;
}

/**
 * The fix that moves a TXT, A or AAAA record from under a delegation into the child zone, when a zone
 * file of the workspace holds that zone whole: the record as written (absolute owner; its TTL written
 * out when it took the file's default), after the child's SOA, and its line(s) removed here. Only types
 * whose data holds no domain name (a relative one would change meaning under the child's origin), and
 * not when the next line has a blank owner (it would take this record's away).
 */
function moveFix(model: DnsModel, r: ResourceRecord, cut: string): Fix[] {
  if ((r.type !== 'TXT' && r.type !== 'A' && r.type !== 'AAAA') || r.generated || !isZoneFileName(r.uri) || r.owner === undefined) return [];
  const soa = model.workspace?.at(cut).find((e) => e.record.type === 'SOA' && isZoneFileName(e.uri) && e.uri !== r.uri);
  const text = model.text(r.uri);
  if (!soa || text === undefined) return [];
  const start = text.lastIndexOf('\n', r.range.start - 1) + 1;
  if (text.slice(start, r.range.start).trim() !== '') return [];
  // The record's lines whole: a closing parenthesis and a comment after it go with it.
  const last = r.range.end + (r.trailing ?? 0);
  let end = last;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  const owned = !/^[ \t]/.test(text.slice(r.range.start, r.range.end));
  if (owned && /^[ \t]+[^\s;]/.test(text.slice(end, text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end)))) return [];
  // The record after its owner field, as written (a blank owner: all of it).
  const rest = text.slice(r.range.start, last).replace(owned ? /^\S+[ \t]+/ : /^[ \t]+/, '');
  const ttl = /^(\d+[smhdw]?)+\s/i.test(rest) || r.ttl === undefined ? '' : `${r.ttl}\t`;
  return [
    {
      title: `Move this record into the zone of ${cut} (${path.basename(soa.uri)})`,
      edits: [insertAfter({ uri: soa.uri, range: soa.record.range, trailing: soa.record.trailing }, [`${r.owner}.\t${ttl}${rest}`]), { uri: r.uri, range: { start, end }, newText: '' }],
    },
  ];
}

export const occludedRecord: ModelRule = {
  id: 'zone/occluded-record',
  kind: 'zone',
  scope: 'model',
  severity: 'warning',
  summary: 'A record at or below a delegation in its own zone, or below a DNAME, is never served',
  fixable: true,
  docs: {
    what: 'Finds records a zone holds at or below one of its own delegations: a name other than the apex with NS records (a zone cut). The delegation\'s NS records, a DS record at the cut, and the addresses of the delegation\'s own name servers (glue) are what belongs there and are not flagged. Also records below a DNAME. Only zones the file holds whole are checked (a zone file with its SOA, a DNSControl `D()` that is the whole zone), so a snippet\'s NS records are not taken for a delegation; and records of infrastructure as code whose zone the file names (Terraform `zone_id = aws_route53_zone.main.zone_id` and the other providers\' zone references, a CloudFormation `HostedZoneName`, an octoDNS zone file): there an NS record at a name below the zone\'s is a delegation of that zone, in whichever file of the workspace it is written (a Terraform module\'s records are spread over its files).',
    why: 'RFC 1034 §4.2.1 and §4.3.2: data at or below a zone cut belongs to the child zone. The parent\'s servers (BIND, Knot, NSD and hosted DNS alike) answer every query for those names with a referral to the child\'s servers, so the records the parent holds there are never served. Below a DNAME, servers answer with the DNAME and a CNAME to the name it redirects to (RFC 6672 §2.4), never with the records written there. An SPF, DMARC or DKIM record left beside a delegation, typically after a subdomain was handed to a mail platform or another team, is not the record receivers read: they read the child zone\'s, or find none.',
    bad: '$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\nnews IN NS ns1.mail-platform.example.\nnews IN TXT "v=spf1 include:_spf.mail-platform.example -all"',
    good: '$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\nnews IN NS ns1.mail-platform.example.',
    fix: 'Publish the record in the child zone (with whoever runs the name servers the NS records name), and delete it here; or, if the subdomain should not be delegated, delete its NS records. When a zone file of the workspace holds the child zone, the quick fix moves a TXT, A or AAAA record there.',
    file: 'example.com.zone',
    workspace: { file: 'news.example.com.zone', text: '$ORIGIN news.example.com.\n@ IN SOA ns1.mail-platform.example. hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1.mail-platform.example.\n' },
  },
  check(model, ctx) {
    // Only a zone the file holds whole (its SOA) has delegations; records of infrastructure as code
    // name their zone instead (ResourceRecord.zone), whole or not: a delegation is within one zone.
    const apexes = new Set<string>();
    let named = false;
    for (const r of model.records) {
      if (r.type === 'SOA' && r.owner !== undefined && !r.superseded) apexes.add(r.owner);
      else if (r.zone !== undefined) named = true;
    }
    if (apexes.size === 0 && !named) return;
    // Nothing to hide anything: no NS record below an apex, no DNAME (most zones), and no other file a delegation of the named zone could be in.
    const hides = (r: ResourceRecord) => r.owner !== undefined && (r.type === 'DNAME' || (r.type === 'NS' && (r.zone !== undefined ? r.owner !== r.zone : !apexes.has(r.owner))));
    // The zones named by infrastructure as code that this file has such a record for.
    const hidingHere = new Set<string>();
    let hiding = false;
    for (const r of model.records)
      if (hides(r)) {
        hiding = true;
        if (r.zone !== undefined) hidingHere.add(r.zone);
        else if (!named) break; // a zone file's: one says enough
      }
    if (!hiding && !(named && model.workspace)) return;
    /** Whether a record of a named zone could be hidden: that zone has an NS record below its name or a DNAME, here or in another file. */
    const zoneHides = new Map<string, boolean>();
    const mayHide = (zone: string) => {
      let h = zoneHides.get(zone);
      if (h === undefined) zoneHides.set(zone, (h = hidingHere.has(zone) || (model.workspace?.hidesIn?.(zone) ?? true)));
      return h;
    };
    // The records at a name the walk up from an owner reads: this file's, and for a zone named by infrastructure
    // as code, those of every file of the workspace (a Terraform module's delegation may be in another of its files).
    const own = (n: string) => model.recordsAt(n);
    const all = (n: string) => {
      const elsewhere = model.workspace?.at(n) ?? [];
      return elsewhere.length ? [...model.recordsAt(n), ...elsewhere.map((e) => e.record)] : model.recordsAt(n);
    };
    const unzoned = (r: ResourceRecord) => r.zone === undefined;
    const inZone = new Map<string, (r: ResourceRecord) => boolean>();
    const glue = new Map<ResourceRecord, Set<string>>();
    // What each name holds, read once per zone (see occluderOf): the walks up from its many owners share it.
    const cuts = new Map<(r: ResourceRecord) => boolean, Map<string, NameCut<ResourceRecord>>>();
    for (const r of model.records) {
      if (r.owner === undefined || r.superseded || isDynamic(r)) continue;
      const zone = r.zone;
      let mine = unzoned;
      if (zone !== undefined) {
        // Nothing in the zone, in any file, can hide a name of it (the walk reads the zone's records only).
        if (!mayHide(zone)) continue;
        mine = inZone.get(zone) ?? ((x) => x.zone === zone);
        inZone.set(zone, mine);
      }
      let names = cuts.get(mine);
      if (!names) cuts.set(mine, (names = new Map()));
      const hidden = occluderOf(r.owner, zone === undefined ? own : all, (x) => x, mine, zone, names);
      if (!hidden) continue;
      if (hidden.by === 'dname') {
        const dname = hidden.entries[0];
        const to = dataNames(dname)[0]?.name ?? '';
        const from = dname.owner!;
        ctx.reportAt(
          r,
          `This ${kindOf(r)} is below \`${from}\`, whose DNAME redirects every name under it to the same name under \`${to}\`: resolvers asking for \`${r.owner}\` get a CNAME to \`${r.owner.slice(0, r.owner.length - from.length)}${to}\`, never this record (RFC 6672 §2.4). Publish it there, or remove the DNAME.`,
          { related: [{ uri: dname.uri, range: dname.range, message: `the DNAME at ${from}` }], anchors: [dname] },
        );
        continue;
      }
      const cut = hidden.name;
      const ns = hidden.entries;
      if (r.owner === cut && AT_CUT.has(r.type)) continue;
      // Glue: the addresses of the delegation's own name servers, which the referral carries.
      if (r.type === 'A' || r.type === 'AAAA') {
        let hosts = glue.get(ns[0]);
        if (!hosts) glue.set(ns[0], (hosts = new Set(ns.map(hostOf))));
        if (hosts.has(r.owner)) continue;
      }
      const kind = kindOf(r);
      const mail = kind.startsWith('SPF') || kind.startsWith('DMARC') || kind.startsWith('DKIM');
      ctx.reportAt(
        r,
        `This ${kind} is ${r.owner === cut ? 'at' : 'below'} \`${cut}\`, which this zone delegates to other name servers (${[...new Set(ns.map(hostOf))].map((h) => `\`${h}\``).join(', ')}): they answer for every name there, and this zone's servers only refer resolvers to them, so this record is never served (RFC 1034 §4.2.1).${mail ? ` Receivers look this ${kind} up on those servers, in the zone of \`${cut}\`, not in this one.` : ''} Publish it in that zone, or remove the delegation.`,
        { related: ns.map((n) => ({ uri: n.uri, range: n.range, message: `the delegation of ${cut}` })), anchors: ns, docFixes: () => moveFix(model, r, cut) },
      );
    }
  },
};
