/**
 * Go to definition and find references across the workspace, on the names DNS records point at:
 * `include:` and `redirect=` targets and the other domain-specs of SPF records, CNAME targets,
 * `rua`/`ruf` destinations (their `_report._dmarc` authorisation) and `$INCLUDE` files. Document
 * offsets in, workspace locations out; no editor types.
 */
import * as path from 'node:path';
import { KIND_NAMES, type AnalyzedSite } from '../checks/rule';
import { cnameChainEnd, cnameTarget, dataName, iacNameAt } from '../records/cname';
import { parseReportUris } from '../records/dmarc';
import type { OffsetRange, ResourceRecord } from '../types';
import type { IndexEntry, WorkspaceIndex } from '../workspace';
import { siteAt } from './hover';
import { zoneNames } from './rename';

/** What the name under the cursor is used as. */
export type NameUse = 'include' | 'redirect' | 'a' | 'mx' | 'ptr' | 'exists' | 'exp' | 'cname' | 'report' | 'owner';

export interface NameAt {
  /** Absolute, lower case, no trailing dot. */
  name: string;
  /** Where it is written in the document. */
  range: OffsetRange;
  use: NameUse;
}

export interface NavLocation {
  uri: string;
  range: OffsetRange;
}

/** SPF terms whose argument is a domain-spec another record can define. */
const SPF_NAME_TERMS = new Set(['include', 'redirect', 'a', 'mx', 'ptr', 'exists', 'exp']);

function normal(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The record covering `offset` in `uri` (the innermost when ranges nest, e.g. IaC blocks). */
export function recordAt(records: readonly ResourceRecord[], uri: string, offset: number): ResourceRecord | undefined {
  let best: ResourceRecord | undefined;
  for (const r of records) {
    if (r.uri !== uri || r.superseded || r.generated || offset < r.range.start || offset > r.range.end) continue;
    if (!best || r.range.end - r.range.start < best.range.end - best.range.start) best = r;
  }
  return best;
}

/**
 * The name at a document offset: an SPF domain-spec (not one with macros, which only a receiver
 * can expand), a `rua`/`ruf` address's authorisation name, a CNAME's target (in a zone file, any
 * name a record's data holds: an MX, NS or SRV target too), or else the owner of the record there.
 */
export function nameAt(parsed: { records: readonly ResourceRecord[]; sites: readonly AnalyzedSite[]; format?: string }, uri: string, offset: number, text?: string): NameAt | undefined {
  const a = siteAt(parsed.sites, uri, offset);
  if (a && !a.site.coarse) {
    const v = a.site.map.toValueOffset(offset);
    if (v !== undefined) {
      const term = a.spf?.terms.find((t) => t.argRange && t.argRange.start <= v && v <= t.argRange.end);
      if (term?.arg && SPF_NAME_TERMS.has(term.name) && !term.arg.includes('%') && term.arg.includes('.'))
        return { name: normal(term.arg), range: a.site.map.toDocRange(term.argRange!), use: term.name as NameUse };
      const owner = a.site.owner;
      if (a.dmarc && owner?.startsWith('_dmarc.')) {
        for (const tagName of ['rua', 'ruf']) {
          const tag = a.dmarc.byName.get(tagName);
          if (!tag || v < tag.valueRange.start || v > tag.valueRange.end) continue;
          for (const u of parseReportUris(tag)) {
            const at = u.address?.lastIndexOf('@') ?? -1;
            if (u.scheme !== 'mailto' || at < 0 || !u.addressRange || v < u.range.start || v > u.range.end) continue;
            const host = normal(u.address!.slice(at + 1));
            if (!host.includes('.')) continue;
            return { name: `${owner.slice('_dmarc.'.length)}._report._dmarc.${host}`, range: a.site.map.toDocRange(u.addressRange), use: 'report' };
          }
        }
      }
    }
    // Elsewhere on a policy record: the name it is published at (for its references).
    if (a.site.owner) return { name: a.site.owner, range: a.site.ownerRange, use: 'owner' };
  }
  // Infrastructure as code: a record's name or target where the source writes them (the name attribute
  // of a resource with several values lies outside each value's record range).
  const named = parsed.format === 'zone' ? undefined : iacNameAt(parsed.records, uri, offset);
  if (named) {
    const target = named.data ? dataName(named.record) : undefined;
    if (target) return { name: target, range: named.range, use: named.record.type === 'CNAME' ? 'cname' : 'a' };
    if (!named.data) return { name: named.record.owner!, range: named.range, use: 'owner' };
  }
  const r = recordAt(parsed.records, uri, offset);
  if (!r?.owner) return undefined;
  // In a zone file's text: the name under the cursor, the owner or one the data holds (a CNAME, MX, NS or SRV target).
  if (text !== undefined && parsed.format === 'zone' && !r.generated) {
    const n = zoneNames(text, r).find((x) => x.range.start <= offset && offset <= x.range.end);
    if (n) return { name: n.name, range: n.range, use: n.owner ? 'owner' : r.type === 'CNAME' || r.type === 'DNAME' || r.type === 'PTR' ? 'cname' : 'a' };
  }
  if (r.type === 'CNAME' && r.rdata[0]) {
    const target = cnameTarget(r);
    // The target as written is the record's last word (a zone file); elsewhere the whole record.
    let range = r.range;
    if (text !== undefined) {
      const written = r.rdata[0];
      const body = text.slice(r.range.start, r.range.end);
      const i = body.lastIndexOf(written);
      if (i >= 0) range = { start: r.range.start + i, end: r.range.start + i + written.length };
    }
    // On the owner (the record's first word, when the line does not start with blanks): the owner.
    const onOwner = text !== undefined && offset < r.range.start + ownerLength(text, r.range.start);
    if (!onOwner) return { name: target, range, use: 'cname' };
  }
  return { name: r.owner, range: r.range, use: 'owner' };
}

function ownerLength(text: string, start: number): number {
  let i = start;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return i - start;
}

/** The CNAME at a name in the workspace, if any. */
function cnameIn(ws: WorkspaceIndex, name: string): IndexEntry | undefined {
  return ws.at(name).find((e) => e.record.type === 'CNAME' && !e.record.superseded);
}

/** The records that define `target.name` for its use, CNAME links first, then the records at the end of the chain. */
export function definitions(target: NameAt, ws: WorkspaceIndex): NavLocation[] {
  if (target.use === 'owner') return [];
  // The CNAME links first, as resolvers follow them (records/cname.ts); then the name the chain ends at
  // (for a loop or a chain too long, where the last link points).
  const links: IndexEntry[] = [];
  const chain = cnameChainEnd(target.name, (n) => {
    const c = cnameIn(ws, n);
    if (c) links.push(c);
    return c?.record;
  });
  const out: NavLocation[] = links.map(place);
  const name = chain?.end ?? cnameTarget(links[links.length - 1].record);
  const here = ws.at(name).filter((e) => !e.record.superseded);
  const wanted = here.filter((e) => fits(e, target.use));
  for (const e of wanted.length ? wanted : here) if (e.record.type !== 'CNAME') out.push(place(e));
  if (target.use === 'report' && wanted.length === 0) {
    // A wildcard authorises every domain (RFC 9990 §3): `*._report._dmarc.<host>`.
    const wild = `*${name.slice(name.indexOf('._report._dmarc.'))}`;
    for (const e of ws.at(wild)) if (fits(e, 'report')) out.push(place(e));
  }
  return dedupe(out);
}

function fits(e: IndexEntry, use: NameUse): boolean {
  const t = e.record.type;
  switch (use) {
    case 'include':
    case 'redirect':
      return e.site?.kind === 'spf';
    case 'a':
    case 'exists':
      return t === 'A' || t === 'AAAA';
    case 'mx':
      return t === 'MX';
    case 'exp':
      return t === 'TXT';
    case 'report':
      return t === 'TXT' && /^v=DMARC1/.test(e.site?.site.value ?? '');
    default:
      return true;
  }
}

function place(e: IndexEntry): NavLocation {
  return { uri: e.record.uri, range: e.site?.site.range ?? e.record.range };
}

function dedupe(list: NavLocation[]): NavLocation[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    const k = `${l.uri}\0${l.range.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Where the workspace points at `name`: the SPF terms that name it (`include:`, `redirect=`, `a:`,
 * `mx:`, `ptr:`, `exists:`, `exp=`) and the CNAMEs whose target it is. With `declarations`, the records at
 * the name as well.
 */
export function references(name: string, ws: WorkspaceIndex, options: { declarations?: boolean } = {}): NavLocation[] {
  const out: NavLocation[] = [];
  for (const e of ws.entries()) {
    const r = e.record;
    if (r.superseded) continue;
    if (options.declarations && r.owner === name) out.push(place(e));
    if (r.type === 'CNAME') {
      if (cnameTarget(r) === name) out.push({ uri: r.uri, range: r.dataRange ?? r.range });
      continue;
    }
    const spf = e.site?.spf;
    if (!spf || e.site!.site.coarse) continue;
    for (const t of spf.terms)
      if (t.arg && t.argRange && SPF_NAME_TERMS.has(t.name) && normal(t.arg) === name) out.push({ uri: e.site!.site.uri, range: e.site!.site.map.toDocRange(t.argRange) });
  }
  return dedupe(out).sort((x, y) => (x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : x.range.start - y.range.start));
}

/** A `$INCLUDE` line's file: the range of its name and the path it reads (relative to the including file, as the reader resolves it). */
export function includeAt(text: string, uri: string, offset: number): { range: OffsetRange; file: string } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const m = /^\$INCLUDE[ \t]+("((?:[^"\\]|\\.)*)"|[^\s;]+)/i.exec(text.slice(lineStart, lineEnd));
  if (!m) return undefined;
  const start = lineStart + m[0].length - m[1].length;
  const written = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[1];
  return { range: { start, end: start + m[1].length }, file: path.isAbsolute(written) ? written : path.join(path.dirname(uri), written) };
}

/** Every `$INCLUDE` line's file name, for document links. */
export function includeLinks(text: string, uri: string): { range: OffsetRange; file: string }[] {
  const out: { range: OffsetRange; file: string }[] = [];
  for (const m of text.matchAll(/^\$INCLUDE[ \t]/gim)) {
    const l = includeAt(text, uri, m.index!);
    if (l) out.push(l);
  }
  return out;
}

export interface WorkspaceSymbolHit {
  name: string;
  /** The record type, with the policy kind (`TXT (DMARC)`). */
  label: string;
  kind: 'spf' | 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts' | 'record';
  location: NavLocation;
}

/**
 * Records of the whole workspace whose owner name contains `query` (any case), policy records
 * (SPF, DMARC, DKIM) first; with an empty query, the policy records only. At most `limit`.
 */
export function workspaceSymbols(query: string, ws: WorkspaceIndex, limit = 500): WorkspaceSymbolHit[] {
  const q = query.trim().toLowerCase().replace(/\.$/, '');
  const policy: WorkspaceSymbolHit[] = [];
  const other: WorkspaceSymbolHit[] = [];
  for (const e of ws.entries()) {
    const r = e.record;
    if (r.superseded || r.owner === undefined || (q && !r.owner.includes(q))) continue;
    const k = e.site?.kind;
    const kind = k === undefined || k === 'senderid' ? 'record' : k;
    if (kind === 'record' && (!q || other.length >= limit)) continue;
    (kind === 'record' ? other : policy).push({ name: r.owner, label: kind === 'record' ? r.type : `${r.type} (${KIND_NAMES[kind]})`, kind, location: place(e) });
    if (policy.length >= limit) break;
  }
  return [...policy, ...other].slice(0, limit);
}

/** A place in the document where a name is written: its definition (a record's owner) or a use. */
export interface Highlight {
  range: OffsetRange;
  /** The name is a record's owner here (defined), not pointed at. */
  owner: boolean;
}

/**
 * Where one document writes `name` (absolute, lower case): as a record's owner, as an SPF domain-spec
 * (`include:`, `a:`, `redirect=`…), and in a zone file as a name in a record's data (a CNAME, MX, NS
 * or SRV target). For the editor's highlight of a name under the cursor; document offsets out.
 */
export function highlights(name: string, parsed: { records: readonly ResourceRecord[]; sites: readonly AnalyzedSite[] }, uri: string, text: string, zoneFile: boolean): Highlight[] {
  const out: Highlight[] = [];
  for (const a of parsed.sites) {
    if (a.site.uri !== uri) continue;
    const r = a.site.ownerRange;
    if (a.site.owner === name && r.end > r.start) out.push({ range: { ...r }, owner: true });
    if (!a.spf || a.site.coarse) continue;
    for (const t of a.spf.terms) if (t.arg && t.argRange && SPF_NAME_TERMS.has(t.name) && normal(t.arg) === name) out.push({ range: a.site.map.toDocRange(t.argRange), owner: false });
  }
  if (zoneFile)
    for (const r of parsed.records) {
      if (r.uri !== uri || r.superseded || r.generated || r.site) continue;
      for (const n of zoneNames(text, r, (x) => x === name)) out.push({ range: n.range, owner: n.owner });
    }
  else
    // Infrastructure as code: the names and targets its readers say where they are written.
    for (const r of parsed.records) {
      if (r.uri !== uri || r.superseded || r.site) continue;
      if (r.ownerRange && r.owner === name && r.ownerRange.end > r.ownerRange.start) out.push({ range: { ...r.ownerRange }, owner: true });
      if (r.dataRange && dataName(r) === name) out.push({ range: { ...r.dataRange }, owner: false });
    }
  out.sort((x, y) => x.range.start - y.range.start);
  return out.filter((h, i) => i === 0 || h.range.start !== out[i - 1].range.start);
}
