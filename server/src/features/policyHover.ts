/**
 * The hovers of the language server that read the whole workspace, with no editor types: on a record's
 * owner name (what is published there and the DMARC policy that covers it), on SPF terms (the lookup
 * tree), on DMARC tags (the names a record covers, its Organizational Domain, whether report
 * destinations authorise the reports), on a `_dmarc` CNAME, a null MX and a `$GENERATE` line. Document
 * offsets in, markdown out (names under a stand-in zone shown as the expression that names the zone).
 */
import * as path from 'node:path';
import { isNullMx } from '../checks/nullmx';
import type { AnalyzedSite } from '../checks/rule';
import { authorizationName, destinationApart, reportsAuthorised } from '../checks/walk';
import { cnameTarget, iacNameAt } from '../records/cname';
import { parseReportUris } from '../records/dmarc';
import { isDynamic } from '../records/dynamic';
import { dmarcBehindCname, findCoverage, hostedDmarc, orgDomain, workspaceWalks } from '../senders/analyze';
import type { ZoneAnalysis } from '../service';
import { formatTree, LOOKUP_LIMIT, type LookupTree } from '../spf/tree';
import { findSuppressions } from '../suppress';
import type { OffsetRange, RecordSite, ResourceRecord } from '../types';
import { LineIndex } from '../util/lines';
import { showNames, underStandIn } from '../util/zonenames';
import type { IndexEntry, WorkspaceIndex } from '../workspace';
import { generateHover, hoverAt, nameSummary, nullMxHover, siteAt, type Hover } from './hover';
import { recordAt } from './navigation';
import { zoneNames } from './rename';

export interface HoverContext {
  ws: WorkspaceIndex;
  /** The SPF lookup tree of a record (the server keeps them between requests). */
  treeOf(site: RecordSite): Promise<LookupTree>;
  /** A file's text: the editor's while it is open, else the disk's. */
  textOf(file: string): string | undefined;
}

/** The hover at `offset` (on line `line`, 0-based) of `file`, whose text is `text` and analysis `analysis`. */
export async function hoverFor(analysis: ZoneAnalysis, file: string, text: string, offset: number, line: number, ctx: HoverContext): Promise<Hover | undefined> {
  const { ws } = ctx;
  // On a $GENERATE line, the records it makes.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (/^\$GENERATE\s/i.test(text.slice(lineStart, Math.min(lineEnd, lineStart + 16)))) return generateHover(analysis.zone.records, file, lineStart, lineEnd);
  const site = siteAt(analysis.sites, file, offset);
  // On a record's owner name: what the name is for mail, what is published there, and the policy that covers it.
  const owner = ownerAt(analysis, site, file, offset, text);
  if (owner) return { range: owner.range, markdown: showNames(ownerHover(ws, owner.name, file, owner.zone)) };
  const h = site && hoverAt(site, offset);
  if (!site) {
    // On a null MX: what it says, and what a name that takes no mail publishes besides.
    const mx = analysis.zone.records.find((r) => r.type === 'MX' && r.uri === file && r.range.start <= offset && offset <= r.range.end && isNullMx(r));
    if (mx) return { range: mx.range, markdown: nullMxHover(mx.owner) };
    // On a `_dmarc` CNAME: where it leads, the record there when the workspace holds it, and the policy that applies.
    const cname = analysis.zone.records.find((r) => r.type === 'CNAME' && r.uri === file && r.owner?.startsWith('_dmarc.') && r.range.start <= offset && offset <= r.range.end);
    return cname ? { range: cname.range, markdown: showNames(dmarcCnameHover(ws, cname, analysis, ctx.textOf)) } : undefined;
  }
  if (!h) return undefined;
  let markdown = h.markdown;
  // One record written once for several names (a module called several times, a for_each or a loop over domains).
  const names = new Set<string>();
  for (const a of analysis.sites) if (a.site.uri === site.site.uri && a.site.range.start === site.site.range.start && a.site.owner) names.add(a.site.owner);
  if (names.size > 1) markdown += `\n\n**Published at ${names.size} names** (written once, for a module called several times, a \`for_each\` or a loop over domains): ${[...names].map((n) => `\`${n}\``).join(', ')}`;
  // One of the values a conditional chooses (Terraform `cond ? a : b`, CloudFormation `Fn::If`).
  if (site.site.alternative) markdown += '\n\n**One of the values a condition chooses** at deployment: checked on its own; rules across records count one record at this name, its value not known.';
  // Suppressions that apply here, with their reasons.
  const sups = findSuppressions(text).filter((x) => x.kind === 'file' || x.target === line);
  if (sups.length)
    markdown += `\n\n${sups.map((x) => `Suppressed${x.kind === 'file' ? ' in this file' : ' on this line'}: ${x.rules.length ? x.rules.map((r) => `\`${r}\``).join(', ') : 'all rules'}${x.reason ? ` — ${x.reason}` : ''}`).join('  \n')}`;
  // On the version, an include or a redirect: the include tree below it, with what each branch costs.
  const v = site.site.map.toValueOffset(offset);
  const term = v === undefined ? undefined : site.spf?.terms.find((t) => t.range.start <= v && v <= t.range.end);
  const onVersion = site.spf?.version && v !== undefined && v <= site.spf.version.end;
  if (site.spf && site.site.owner && (onVersion || term?.name === 'include' || term?.name === 'redirect')) {
    const t = await ctx.treeOf(site.site);
    const node = onVersion ? t.tree : t.tree.terms.find((x) => x.text === term!.text)?.child;
    if (node) markdown += `\n\n**Lookup tree** (${onVersion ? `${t.lookups}/${LOOKUP_LIMIT} DNS lookups, ${t.voidLookups} void` : `${node.lookups + 1} lookups`}; ${node.source ?? 'unresolved'}):\n\n\`\`\`\n${formatTree(node).join('\n')}\n\`\`\``;
  }
  // On the version: which DMARC policy covers mail from this name, by the RFC 9989 tree walk over the workspace.
  if (site.spf && site.site.owner && (!site.site.relative || underStandIn(site.site.owner)) && onVersion) markdown += `\n\n${dmarcCoverageLine(ws, site.site.owner)}`;
  // On a DMARC record's `v` tag: the mail domains of the workspace whose policy it is.
  const vTag = site.dmarc?.byName.get('v');
  if (vTag && v !== undefined && vTag.range.start <= v && v <= vTag.range.end && site.site.owner?.startsWith('_dmarc.') && !site.site.relative) markdown += `\n\n${dmarcCoversLine(ws, site.site.owner.slice(7))}\n\n${orgDomainLine(ws, site.site.owner.slice(7))}`;
  // On a report address: whether receivers count it as another organization, and whether it authorises the reports.
  const reportTag = site.dmarc?.tags.find((t) => (t.name === 'rua' || t.name === 'ruf') && v !== undefined && t.range.start <= v && v <= t.range.end);
  if (reportTag && site.site.owner?.startsWith('_dmarc.') && !site.site.relative) {
    // The address under the cursor, else (on the tag name) every one.
    const addresses = parseReportUris(reportTag).filter((u) => u.scheme === 'mailto' && u.address?.includes('@'));
    const under = addresses.filter((u) => u.range.start <= v! && v! <= u.range.end);
    for (const u of under.length ? under : addresses) markdown += `\n\n${reportDestinationLine(ws, site.site.owner.slice(7), u.address!, reportTag.name)}`;
  }
  // Names under the stand-in of a zone named by an expression (Terraform) are shown as that expression.
  return { range: h.range, markdown: showNames(markdown) };
}


/**
 * The owner name under the cursor: a policy record's (its owner range), or in a zone file the first
 * word of a record's line. Undefined elsewhere, and for a name only known relative to a zone named by
 * an expression (other than its stand-in).
 */
function ownerAt(analysis: ZoneAnalysis, site: AnalyzedSite | undefined, file: string, offset: number, text: string): { name: string; range: OffsetRange; zone?: string } | undefined {
  // Infrastructure as code writes the name apart from the value (Terraform's `name = "_dmarc"`): the site whose name it is.
  site ??= analysis.zone.format === 'zone' ? undefined : analysis.sites.find((a) => a.site.uri === file && a.site.ownerRange.start <= offset && offset <= a.site.ownerRange.end && a.site.ownerRange.end > a.site.ownerRange.start);
  if (site) {
    const r = site.site.ownerRange;
    const name = site.site.owner;
    if (!name || r.end <= r.start || offset < r.start || offset > r.end || (site.site.relative && !underStandIn(name))) return undefined;
    return { name, range: r, zone: analysis.zone.records.find((x) => x.site === site.site)?.zone };
  }
  if (analysis.zone.format !== 'zone') {
    // Another record's name where the source writes it (Terraform's `name` of an MX record, an octoDNS key).
    const at = iacNameAt(analysis.zone.records, file, offset);
    const r = at && !at.data ? at.record : undefined;
    if (!r?.owner || (r.relative && !underStandIn(r.owner)) || (r.type === 'CNAME' && r.owner.startsWith('_dmarc.'))) return undefined;
    return { name: r.owner, range: at!.range, zone: r.zone };
  }
  const r = recordAt(analysis.zone.records, file, offset);
  // A `_dmarc` CNAME has a hover of its own on the whole record: where it leads and the policy there.
  if (!r?.owner || (r.type === 'CNAME' && r.owner.startsWith('_dmarc.'))) return undefined;
  // The owner as the line writes it (a blank owner is the line before's), as rename reads it.
  const n = zoneNames(text, r, (x) => x === r.owner).find((x) => x.owner && x.range.start <= offset && offset <= x.range.end);
  return n ? { name: n.name, range: n.range, zone: r.zone } : undefined;
}

/** The hover on an owner name (features/hover nameSummary), with the DMARC policy that covers the name. */
function ownerHover(ws: WorkspaceIndex, name: string, uri: string, zone: string | undefined): string {
  const includers = new Set<string>();
  for (const e of ws.entries()) {
    const spf = e.site?.spf;
    if (!spf || !e.record.owner || e.record.superseded) continue;
    if (spf.terms.some((t) => (t.name === 'include' || t.name === 'redirect') && t.arg !== undefined && t.arg.toLowerCase().replace(/\.$/, '') === name)) includers.add(e.record.owner);
  }
  const entries = ws.at(name);
  const hidden = ws.occluder(uri, name, zone);
  let markdown = nameSummary(name, entries, [...includers].sort(), hidden && { by: hidden.by, name: hidden.name });
  const cname = entries.find((e) => e.record.type === 'CNAME' && !e.record.superseded);
  if (cname) markdown += `\n\n**CNAME** to \`${cnameTarget(cname.record)}\`: resolvers read the records there instead (RFC 1034 §3.6.2).`;
  if (name.startsWith('_dmarc.')) {
    const domain = name.slice(7);
    markdown += `\n\n${dmarcCoversLine(ws, domain)}\n\n${orgDomainLine(ws, domain)}`;
  } else if (!name.startsWith('_') && !name.includes('._')) markdown += `\n\n${dmarcCoverageLine(ws, name)}`;
  return markdown;
}

/**
 * One line for a hover: a report address of `_dmarc.<domain>`, and whether receivers send there: the
 * same organization by the public suffix list and by the RFC 9989 tree walk over the workspace, else
 * the `<domain>._report._dmarc.<host>` authorisation (RFC 9990 §3) if the workspace has it.
 */
function reportDestinationLine(ws: WorkspaceIndex, domain: string, address: string, tag: string): string {
  const host = address.slice(address.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '');
  const head = `**Report destination** \`${address}\``;
  if (host === domain) return `${head}: on the policy's own domain, so receivers send there without asking.`;
  const walk = workspaceWalks((n) => ws.at(n));
  const apart = destinationApart(domain, host, walk);
  if (!apart) return `${head}: the same Organizational Domain as ${domain} (\`${walk(domain).org}\`), so receivers send there without asking (RFC 9990 §3).`;
  const why =
    apart.by === 'list'
      ? `another Organizational Domain (\`${orgDomain(host)}\`, ${domain}'s is \`${orgDomain(domain)}\`)`
      : `another organization by the DMARC records on the way up (RFC 9989 §4.10.2: \`${apart.ofHost.org}\` and \`${apart.ofDomain.org}\`; by the public suffix list both are \`${orgDomain(domain)}\`)`;
  const authName = authorizationName(domain, host);
  const authorised = reportsAuthorised(domain, host, (n) => ws.at(n).map((e) => e.site?.site.value ?? e.record.rdata.join('')));
  const known = ws.at(host).length > 0 || ws.exists(host);
  const status = authorised
    ? `\`${authName}\` authorises them, so receivers send the ${tag === 'rua' ? 'aggregate' : 'failure'} reports`
    : known
      ? `no \`${authName}\` TXT "v=DMARC1" in the workspace, so receivers send no ${tag === 'rua' ? 'aggregate' : 'failure'} reports there`
      : `receivers look for \`${authName}\` TXT "v=DMARC1"; ${host} is not in the workspace, so whether it exists is in DNS`;
  return `${head}: ${why}; ${status} (RFC 9990 §3).`;
}

/** The DMARC record that covers mail from `domain` in the workspace (RFC 9989 tree walk). */
function coverageOf(ws: WorkspaceIndex, domain: string) {
  return findCoverage(domain, (n) => ws.at(n), (n) => ws.exists(n));
}

/** One line for a hover: the DMARC record that covers mail from `domain` and the policy it applies there. */
function dmarcCoverageLine(ws: WorkspaceIndex, domain: string): string {
  const c = coverageOf(ws, domain);
  if (!c) {
    const hosted = hostedDmarc(domain, (n) => ws.at(n));
    if (!hosted && ws.at(`_dmarc.${domain}`).some((e) => e.record.type === 'TXT' && isDynamic(e.record)))
      return `**DMARC**: \`_dmarc.${domain}\` publishes a record whose value is not known statically (an expression), so the policy that applies to \`${domain}\` is not known here.`;
    return hosted ? `**DMARC**: hosted, \`_dmarc.${hosted.at}\` is a CNAME to \`${hosted.target}\` (the policy is not in the workspace).` : `**DMARC**: no record covers \`${domain}\` in the workspace (RFC 9989 §4.10), so receivers apply no DMARC policy to its mail.`;
  }
  const what = c.at === domain ? '' : c.via === 'sp' ? ', an existing subdomain,' : ', a name that does not exist,';
  const missing = c.decidedBy !== c.via ? ` (it has no \`${c.via}\`, so \`${c.decidedBy}\` applies)` : '';
  return `**DMARC**: \`${c.decidedBy}=${c.policy}\`${c.testing ? ' in test mode (`t=y`)' : ''} applies to mail from \`${domain}\`${what} by \`_dmarc.${c.at}\`${c.kind === 'org' ? ', its Organizational Domain\'s record' : c.kind === 'psd' ? ', its Public Suffix Domain\'s record (`psd=y`)' : ''}${missing}; adkim=${c.adkim}, aspf=${c.aspf} (RFC 9989 §4.10).`;
}

/** The hover on a `_dmarc.<domain>` CNAME (hosted or centralised DMARC): the chain, the record at its end, and the policy that applies. */
function dmarcCnameHover(ws: WorkspaceIndex, record: ResourceRecord, own: ZoneAnalysis, textOf: (file: string) => string | undefined): string {
  const domain = record.owner!.slice('_dmarc.'.length);
  // The document's own records first (its text, not the last indexing), then the rest of the ws.
  const at = (n: string): IndexEntry[] => {
    const here = own.zone.records.filter((r) => r.owner === n);
    return here.length ? here.map((r) => ({ uri: r.uri, record: r, site: r.site && own.sites.find((s) => s.site === r.site) })) : ws.at(n);
  };
  const chain = dmarcBehindCname(at, record);
  const via = chain && chain.links > 1 ? ` (a chain of ${chain.links} CNAMEs ending at \`${chain.end}\`)` : '';
  const held = chain?.found.map((e) => e.record) ?? [];
  const where = (r: ResourceRecord) => `${path.basename(r.uri)}:${new LineIndex(textOf(r.uri) ?? '').positionAt(r.range.start).line + 1}`;
  const found = !chain
    ? 'The CNAMEs loop or go on too long: resolvers find no record, and no DMARC policy applies.'
    : held.length === 1
      ? `The record there (${where(held[0])}): \`${held[0].site!.value}\``
      : held.length > 1
        ? `${held.length} DMARC records are there: receivers discard them all (RFC 9989 §4.10).`
        : 'Its records are not in the workspace (a hosted DMARC service publishes the policy there), so they are not checked here.';
  return `**DMARC by CNAME**: receivers asking for \`_dmarc.${domain}\` follow it to \`${cnameTarget(record)}\`${via} (RFC 1034 §3.6.2). ${found}\n\n${dmarcCoverageLine(ws, domain)}`;
}

/** One line for a hover: the Organizational Domain of `domain` by the RFC 9989 tree walk over the workspace, and why. */
function orgDomainLine(ws: WorkspaceIndex, domain: string): string {
  const w = workspaceWalks((n) => ws.at(n))(domain);
  const mine = w.org === domain;
  const ownPsd = w.found[0]?.name === domain && w.found[0].psd === 'y';
  const why = ownPsd
    ? `\`psd=y\` here: a Public Suffix Domain, so each name one label below it is an Organizational Domain of its own`
    : w.by === 'psd=n'
      ? `\`psd=n\` at \`_dmarc.${w.org}\``
      : w.by === 'psd=y'
        ? `one label below \`${w.found[w.found.length - 1].name}\`, whose record says \`psd=y\``
        : w.by === 'public-suffix-list'
          ? `by the public suffix list: whether \`_dmarc.${w.org}\` exists is not in the workspace`
          : mine
            ? 'no name above it publishes a DMARC record'
            : `the name with the fewest labels that publishes a DMARC record`;
  const alone = `this record applies to \`${domain}\` alone and its \`sp\` and \`np\` to nothing`;
  return `**Organizational Domain**: \`${w.org}\` (${why}; RFC 9989 §4.10.2)${mine ? '' : w.by === 'public-suffix-list' ? `; if it does, ${alone}` : `, so ${alone}`}.`;
}

/** One line for a hover: the names of the workspace that send (SPF) or receive (MX) mail whose DMARC record is `_dmarc.<domain>`. */
function dmarcCoversLine(ws: WorkspaceIndex, domain: string): string {
  const names = new Set<string>();
  for (const e of [...ws.at(domain), ...ws.under(domain)]) {
    const o = e.record.owner;
    // Not a name whose records its zone never serves (under a delegation or a DNAME): the child zone's are the ones that count.
    if (o && !o.startsWith('_') && !o.includes('._') && !o.startsWith('*') && (e.record.type === 'MX' || e.site?.kind === 'spf') && !ws.occluded(e.uri, o, e.record.zone)) names.add(o);
  }
  const covered: string[] = [];
  for (const n of [...names].sort((a, b) => a.length - b.length || a.localeCompare(b))) {
    const c = coverageOf(ws, n);
    if (c?.at === domain) covered.push(`\`${n}\` (${c.decidedBy}=${c.policy})`);
  }
  if (covered.length === 0) return `**Covers** no name of the workspace that sends (SPF) or receives (MX) mail under \`${domain}\`.`;
  return `**Covers** ${covered.length} name${covered.length === 1 ? '' : 's'} of the workspace that send${covered.length === 1 ? 's' : ''} (SPF) or receive${covered.length === 1 ? 's' : ''} (MX) mail: ${covered.slice(0, 8).join(', ')}${covered.length > 8 ? ', …' : ''} (RFC 9989 §4.10).`;
}

