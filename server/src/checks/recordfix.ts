/**
 * Fixes that add or remove whole records (document space), written in zone-file syntax: the
 * first DMARC record of a domain, its `_report._dmarc` authorisation, two SPF records merged into one.
 * Owners are written absolute, so a line is right wherever `$ORIGIN` stands.
 */
import { isZoneFileName } from '../files';
import { parseReportUris } from '../records/dmarc';
import { parseSpf } from '../records/spf';
import { orgDomain } from '../senders/analyze';
import { authorizationName, modelWalk } from './walk';
import { isUnder } from '../util/text';
import { encodeZoneString } from '../sources/zonefile';
import type { Fix, RecordSite, ResourceRecord, TextEdit } from '../types';
import type { AnalyzedSite, DnsModel, ValueFix } from './rule';
import { showNames, underStandIn } from '../util/zonenames';
import { txtSibling } from '../records/sibling';

export function zoneLine(owner: string, type: string, value: string): string {
  return `${owner}.\tIN ${type}\t${type === 'TXT' ? `"${encodeZoneString(value)}"` : value}`;
}

/** A new line after a record's line (in its own file), so a comment after the record stays with it. */
export function insertAfter(at: { uri: string; range: { end: number }; trailing?: number }, lines: string[]): TextEdit {
  const end = at.range.end + (at.trailing ?? 0);
  return { uri: at.uri, range: { start: end, end }, newText: lines.map((l) => `\n${l}`).join('') };
}

const inZoneFile = (r: { uri: string; site?: RecordSite; syntax?: RecordSite['syntax'] }) => isZoneFileName(r.uri) && (r.syntax?.host ?? r.site?.syntax.host ?? 'zone') === 'zone';

/** The report address most DMARC records of the model use, if any. */
function usualRua(model: DnsModel): string | undefined {
  const count = new Map<string, number>();
  for (const s of model.sites) {
    const rua = s.dmarc?.byName.get('rua');
    if (!rua) continue;
    for (const u of parseReportUris(rua)) if (u.scheme === 'mailto' && u.address?.includes('@')) count.set(u.address.toLowerCase(), (count.get(u.address.toLowerCase()) ?? 0) + 1);
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/**
 * Stage 1 of the rollout (RFC 9989 §4.7): `_dmarc.<domain> "v=DMARC1; p=none; rua=mailto:…"` after
 * the record that needs it. The address is the one the zone's other DMARC records use, else
 * `dmarc-reports@<domain>`; when it is on another Organizational Domain defined in the workspace, the
 * `<domain>._report._dmarc.<that domain>` authorisation (RFC 9990 §3) is added in that file too.
 */
export function monitoringRecordFix(model: DnsModel, domain: string, after: { uri: string; range: { end: number }; site?: RecordSite; trailing?: number }, policy: 'none' | 'reject' = 'none'): Fix[] {
  if (!inZoneFile(after)) return terraformMonitoringFix(model, domain, after, policy);
  const address = usualRua(model) ?? `dmarc-reports@${orgDomain(domain)}`;
  const ruaDomain = address.slice(address.indexOf('@') + 1);
  const value = `v=DMARC1; p=${policy}; rua=mailto:${address}`;
  const edits: TextEdit[] = [insertAfter(after, [zoneLine(`_dmarc.${domain}`, 'TXT', value)])];
  let note = '';
  // Another organization for RFC 7489 receivers (public suffix list) or RFC 9989 ones (tree walk; the
  // record added here, without psd, leaves the walk from `domain` where it is now).
  const walk = modelWalk(model);
  // A destination under `domain` finds the new record on its way up, unless a psd tag stops it first.
  const rw = walk(ruaDomain);
  const ruaOrg = isUnder(ruaDomain, domain) && rw.by !== 'psd=n' && rw.by !== 'psd=y' && rw.org.length > domain.length ? walk(domain).org : rw.org;
  if (orgDomain(ruaDomain) !== orgDomain(domain) || ruaOrg !== walk(domain).org) {
    const authName = authorizationName(domain, ruaDomain);
    const exists = model.owners().has(authName) || (model.workspace?.at(authName).length ?? 0) > 0;
    if (!exists) {
      const anchor = recordAt(model, ruaDomain);
      if (anchor) {
        const line = zoneLine(authName, 'TXT', 'v=DMARC1');
        if (anchor.uri === after.uri && anchor.range.end === after.range.end) edits[0] = insertAfter(after, [zoneLine(`_dmarc.${domain}`, 'TXT', value), line]);
        else edits.push(insertAfter(anchor, [line]));
        note = ` and authorise it at ${authName}`;
      }
    }
  }
  return [{ title: `DMARC: publish _dmarc.${domain} with p=${policy}${policy === 'none' ? ' (monitoring)' : ' (the domain sends no mail)'}, reports to ${address}${note}`, edits }];
}

/**
 * Stage 1 in Terraform (or the policy given): a resource beside the record's own, of the same kind and
 * zone, publishing `_dmarc.<its name>` (records/sibling.ts). Reports go where the file's other DMARC
 * records send them, else to `dmarc-reports@` the Organizational Domain, or, for a zone known only by
 * an expression, the domain the record's name is written as (`dmarc-reports@${var.domain}`).
 */
function terraformMonitoringFix(model: DnsModel, domain: string, after: { site?: RecordSite }, policy: 'none' | 'reject'): Fix[] {
  const at = (after.site ?? after) as RecordSite | ResourceRecord;
  const sibling = txtSibling(at);
  if (!sibling || at.owner !== domain) return [];
  const usual = usualRua(model);
  const given = usual !== undefined && !underStandIn(usual.slice(usual.indexOf('@') + 1)) ? usual : underStandIn(domain) ? undefined : `dmarc-reports@${orgDomain(domain)}`;
  let address: string | undefined;
  const r = sibling({ under: '_dmarc', label: 'dmarc', value: (d) => ((address = given ?? (d ? `dmarc-reports@${d}` : undefined)) ? `v=DMARC1; p=${policy}; rua=mailto:${address}` : undefined) });
  if (!r) return [];
  return [{ title: showNames(`DMARC: add resource ${r.resource} publishing _dmarc.${domain} with p=${policy}${policy === 'none' ? ' (monitoring)' : ' (the domain sends no mail)'}, reports to ${address}`), edits: [r.edit] }];
}

/** A record at `name` in this model, or in a zone file of the workspace: where a new record at or under it goes. */
function recordAt(model: DnsModel, name: string): ResourceRecord | undefined {
  return model.records.find((r) => r.owner === name) ?? model.workspace?.at(name).find((e) => isZoneFileName(e.uri))?.record;
}

/**
 * RFC 9989 §5.1.4: a record for the Organizational Domain as well (stage 1, as monitoringRecordFix),
 * after a record of that name in its zone file; none when no zone file of the workspace defines it.
 */
export function organizationRecordFix(model: DnsModel, apex: string): Fix[] {
  const anchor = recordAt(model, apex);
  return anchor ? monitoringRecordFix(model, apex, anchor) : [];
}

/**
 * The authorisation a report destination on another Organizational Domain publishes (RFC 7489 §7.1,
 * kept by RFC 9990): `<domain>._report._dmarc.<destination host> TXT "v=DMARC1"`, after a record of
 * the destination host in the zone file that defines it.
 */
export function reportAuthorizationFix(model: DnsModel, domain: string, host: string): Fix[] {
  const anchor = recordAt(model, host);
  if (!anchor || !inZoneFile(anchor)) return [];
  const name = authorizationName(domain, host);
  return [{ title: `DMARC: publish ${name} TXT "v=DMARC1" (authorise reports for ${domain})`, edits: [insertAfter(anchor, [zoneLine(name, 'TXT', 'v=DMARC1')])] }];
}

/**
 * Two or more SPF records at one owner (RFC 7208 §4.5): one record with every mechanism of each (in
 * order, duplicates once), modifiers kept once, and a single `all` (the first record's) at the end.
 * Offered when all of them are in one zone file and the result fits one 255-byte string; the other
 * records are removed.
 */
export function mergeSpfFix(list: AnalyzedSite[]): ValueFix[] {
  if (list.length < 2 || !list.every((s) => inZoneFile({ uri: s.site.uri, site: s.site }) && s.site.uri === list[0].site.uri && !s.site.coarse)) return [];
  const terms: string[] = [];
  let all: string | undefined;
  let redirect: string | undefined;
  const seen = new Set<string>();
  for (const s of list) {
    const spf = s.spf ?? parseSpf(s.site.value);
    if (spf.problems.length) return [];
    for (const t of spf.terms) {
      const key = t.text.toLowerCase();
      if (t.name === 'all') all ??= t.text;
      else if (t.name === 'redirect') redirect ??= t.text;
      else if (!seen.has(key)) {
        seen.add(key);
        terms.push(t.text);
      }
    }
  }
  const merged = ['v=spf1', ...terms, all ?? redirect].filter(Boolean).join(' ');
  if (Buffer.byteLength(merged) > 255) return [];
  const first = list[0].site;
  return [
    {
      title: `SPF: merge the ${list.length} records at ${first.owner} into one`,
      edits: [{ range: { start: 0, end: first.value.length }, newText: merged }],
      docEdits: list.slice(1).map((s) => ({ uri: s.site.uri, range: { start: s.site.range.start, end: s.site.range.end }, newText: '' })),
    },
  ];
}

export type { ResourceRecord };
