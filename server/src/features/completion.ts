/**
 * Completion inside record strings: SPF mechanisms and known provider includes, the workspace's own
 * names after `include:`, `redirect=`, `a:` and `mx:`, DMARC and DKIM tags and their values. Document
 * offsets in, items with document replacement ranges out.
 */
import type { AnalyzedSite } from '../checks/rule';
import { isDkimOwner } from '../checks/model';
import { providers } from '../senders/catalog';
import type { OffsetRange } from '../types';
import { BIMI_OWNER } from '../records/bimi';
import { MTA_STS_OWNER, TLSRPT_OWNER } from '../records/smtptls';
import { BIMI_TAGS, DKIM_TAGS, DMARC_TAGS, MTA_STS_TAGS, TLSRPT_TAGS, SPF_MECHANISMS, SPF_MODIFIERS, type TagDoc } from './reference';

export interface Completion {
  label: string;
  kind: 'keyword' | 'value' | 'module' | 'property';
  detail?: string;
  documentation?: string;
  /** Plain text, or an LSP snippet when `snippet` is set. */
  insertText: string;
  snippet?: boolean;
  /** Document range the item replaces (the word typed so far). */
  range: OffsetRange;
  sortText?: string;
}

type TagKind = 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts';

/** What an SPF term can name in the workspace: names that publish an SPF record, that have an address, that have MX records. */
export type NameUse = 'spf' | 'address' | 'mx';

/** The workspace's names for a use, each with where it is defined (for the item's detail; asked only of the names offered). */
export type WorkspaceNames = (use: NameUse) => readonly { name: string; where: () => string }[];

/** The most workspace names offered at once. */
const MAX_NAMES = 200;

/** Each tag-list record's tags, version and where the version is defined. */
const TAG_KINDS: Record<TagKind, { tags: Record<string, TagDoc>; version: string; detail: string }> = {
  dmarc: { tags: DMARC_TAGS, version: 'v=DMARC1; ', detail: 'DMARC version (RFC 9989 §4.7)' },
  dkim: { tags: DKIM_TAGS, version: 'v=DKIM1; ', detail: 'DKIM version (RFC 6376 §3.6.1)' },
  bimi: { tags: BIMI_TAGS, version: 'v=BIMI1; ', detail: 'BIMI version (BIMI §4.3)' },
  tlsrpt: { tags: TLSRPT_TAGS, version: 'v=TLSRPTv1; ', detail: 'TLS-RPT version (RFC 8460 §3)' },
  'mta-sts': { tags: MTA_STS_TAGS, version: 'v=STSv1; ', detail: 'MTA-STS version (RFC 8461 §3.1)' },
};

function kindOf(a: AnalyzedSite): 'spf' | TagKind {
  if (a.kind && a.kind !== 'senderid') return a.kind;
  const owner = a.site.owner ?? '';
  if (owner === '_dmarc' || owner.startsWith('_dmarc.')) return 'dmarc';
  if (BIMI_OWNER.test(owner)) return 'bimi';
  if (TLSRPT_OWNER.test(owner)) return 'tlsrpt';
  if (MTA_STS_OWNER.test(owner)) return 'mta-sts';
  if (isDkimOwner(owner)) return 'dkim';
  return 'spf';
}

/** Value offset for a document offset inside the record, including an empty `""` string. */
function valueOffset(a: AnalyzedSite, offset: number): number | undefined {
  const v = a.site.map.toValueOffset(offset);
  if (v !== undefined) return v;
  return a.site.value === '' ? 0 : undefined;
}

export function completeAt(a: AnalyzedSite, offset: number, names?: WorkspaceNames): Completion[] {
  const v = valueOffset(a, offset);
  if (v === undefined) return [];
  const value = a.site.value;
  const kind = kindOf(a);
  const docRange = (start: number): OffsetRange => (value === '' ? { start: offset, end: offset } : a.site.map.toDocRange({ start, end: v }));
  if (kind === 'spf') {
    const start = value.lastIndexOf(' ', v - 1) + 1;
    const word = value.slice(start, v);
    const range = docRange(start);
    if (start === 0) return [{ label: 'v=spf1', kind: 'keyword', detail: 'SPF version (RFC 7208 §4.5)', insertText: 'v=spf1 ', range }];
    return [...spfItems(word, range), ...workspaceItems(word, range, a.site.owner, names)];
  }
  const head = value.lastIndexOf(';', v - 1) + 1;
  let start = head;
  while (start < v && /\s/.test(value[start])) start++;
  const part = value.slice(start, v);
  const { tags, version, detail } = TAG_KINDS[kind];
  const eq = part.indexOf('=');
  if (eq < 0) {
    const present = new Set((a.dmarc ?? a.dkim ?? a.bimi ?? a.smtpTls)?.tags.map((t) => t.name) ?? []);
    const range = docRange(start);
    if (value.trim() === '' || (start === 0 && !present.has('v'))) {
      return [{ label: version.trim(), kind: 'keyword', detail, insertText: version, range }];
    }
    return Object.entries(tags)
      .filter(([name, doc]) => !doc.removed && name !== 'v' && !present.has(name))
      .map(([name, doc], i) => tagItem(name, doc, range, i));
  }
  const name = part.slice(0, eq).trim().toLowerCase();
  const doc = tags[name];
  let vstart = start + eq + 1;
  while (vstart < v && /\s/.test(value[vstart])) vstart++;
  // Colon-separated option lists (fo, h, t in DKIM) complete the last option only.
  const colon = value.lastIndexOf(':', v - 1);
  if ((name === 'fo' || (kind === 'dkim' && (name === 'h' || name === 't' || name === 's'))) && colon >= vstart) vstart = colon + 1;
  const range = docRange(vstart);
  return Object.entries(doc?.values ?? {}).map(([val, text], i) => ({ label: val, kind: 'value', detail: text, insertText: val, range, sortText: String(i).padStart(3, '0') }));
}

function tagItem(name: string, doc: TagDoc, range: OffsetRange, i: number): Completion {
  return {
    label: `${name}=`,
    kind: 'property',
    detail: doc.rfc,
    documentation: doc.summary,
    insertText: doc.snippet ? `${name}${doc.snippet}` : `${name}=`,
    snippet: doc.snippet !== undefined,
    range,
    sortText: String(i).padStart(3, '0'),
  };
}

/**
 * The workspace's names after `include:` or `redirect=` (names with an SPF record), `a:` (with an
 * address) or `mx:` (with MX records), and as `include:` items in a word still being typed (as the
 * providers' includes are); names of the record's own domain first.
 */
function workspaceItems(word: string, range: OffsetRange, owner: string | undefined, names: WorkspaceNames | undefined): Completion[] {
  if (!names) return [];
  const m = /^([-~?+]?)(include:|redirect=|a:|mx:)/i.exec(word);
  const partial = !m && /^[-~?+]?[a-z]*$/i.test(word);
  if (!m && !partial) return [];
  const q = m ? m[1] : /^[-~?+]/.test(word) ? word[0] : '';
  const term = m ? m[2] : 'include:';
  const use: NameUse = /^a:/i.test(term) ? 'address' : /^mx:/i.test(term) ? 'mx' : 'spf';
  const what = use === 'spf' ? 'its SPF record' : use === 'address' ? 'its A/AAAA records' : 'its MX records';
  // The record's own domain and its parents: names under them come first.
  const mine = owner ? owner.split('.').map((_, i, l) => l.slice(i).join('.')).filter((d) => d.includes('.')) : [];
  const rank = (n: string) => {
    const i = mine.findIndex((d) => n === d || n.endsWith(`.${d}`));
    return i < 0 ? 9 : i;
  };
  const found = names(use)
    // An SPF record does not include itself.
    .filter((n) => !(use === 'spf' && n.name === owner))
    // In a word being typed, after the mechanisms (and before the providers' includes).
    .map((n) => ({ ...n, sort: `${partial ? '6' : '0'}${rank(n.name)}${n.name}` }))
    .sort((x, y) => (x.sort < y.sort ? -1 : 1))
    .slice(0, MAX_NAMES);
  return found.map(({ name, where, sort }) => ({ label: `${q}${term}${name}`, kind: 'module', detail: `in the workspace: ${what} (${where()})`, insertText: `${q}${term}${name}`, range, sortText: sort }));
}

function spfItems(word: string, range: OffsetRange): Completion[] {
  const items: Completion[] = [];
  const q = /^[-~?+]/.test(word) ? word[0] : '';
  if (/^[-~?+]?include:/i.test(word)) {
    for (const p of providers)
      for (const inc of p.spfIncludes ?? [])
        items.push({ label: `${q}include:${inc}`, kind: 'module', detail: p.name, documentation: `${p.name}'s SPF record (costs 1 DNS lookup).`, insertText: `${q}include:${inc}`, range });
    return items;
  }
  let i = 0;
  for (const [name, doc] of Object.entries(SPF_MECHANISMS)) {
    if (name === 'ptr') continue;
    if (name === 'all') {
      for (const [qual, what] of [['-', 'fail'], ['~', 'softfail']])
        items.push({ label: `${qual}all`, kind: 'keyword', detail: `${what} everything else (RFC 7208 §5.1)`, insertText: `${qual}all`, range, sortText: `9${qual}` });
      continue;
    }
    items.push({ label: `${q}${name}${doc.snippet ? ':' : ''}`, kind: 'keyword', detail: doc.rfc, documentation: doc.summary, insertText: `${q}${name}${doc.snippet ?? ''}`, snippet: doc.snippet !== undefined, range, sortText: `1${i++}` });
  }
  if (q === '')
    for (const [name, doc] of Object.entries(SPF_MODIFIERS))
      items.push({ label: `${name}=`, kind: 'property', detail: doc.rfc, documentation: doc.summary, insertText: `${name}${doc.snippet}`, snippet: true, range, sortText: `5${name}` });
  for (const p of providers)
    for (const inc of p.spfIncludes ?? [])
      items.push({ label: `${q}include:${inc}`, kind: 'module', detail: p.name, documentation: `${p.name}'s SPF record (costs 1 DNS lookup).`, insertText: `${q}include:${inc}`, range, sortText: `7${p.name}` });
  return items;
}
