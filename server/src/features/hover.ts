/**
 * Hover: what the SPF term, DMARC tag or DKIM tag under the cursor means, its value explained and
 * the RFC section. Document offsets in, markdown out.
 */
import { KIND_NAMES, type AnalyzedSite } from '../checks/rule';
import { providerForInclude } from '../senders/catalog';
import type { OffsetRange, ResourceRecord } from '../types';
import { MAX_GENERATED } from '../sources/generate';
import type { Tag } from '../records/taglist';
import type { SpfTerm } from '../records/spf';
import { BIMI_TAGS, DKIM_TAGS, DMARC_TAGS, MTA_STS_TAGS, TLSRPT_TAGS, QUALIFIERS, SPF_MECHANISMS, SPF_MODIFIERS, type TagDoc } from './reference';

export interface Hover {
  /** Document range of the hovered term or tag. */
  range: OffsetRange;
  markdown: string;
}

/** The analysed site whose record covers a document offset. */
export function siteAt(sites: readonly AnalyzedSite[], uri: string, offset: number): AnalyzedSite | undefined {
  let lo = 0;
  let hi = sites.length - 1;
  // Sites are in document order per file; a binary search keeps hovers fast in big zones.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sites[mid].site;
    if (s.uri !== uri) {
      // Sites from $INCLUDEd files interleave; fall back to a scan.
      return sites.find((a) => a.site.uri === uri && a.site.range.start <= offset && offset <= a.site.range.end);
    }
    if (offset < s.range.start) hi = mid - 1;
    else if (offset > s.range.end) lo = mid + 1;
    else return sites[mid];
  }
  return undefined;
}

function addresses(prefix: number | undefined, v6: boolean): string {
  const bits = (v6 ? 128 : 32) - (prefix ?? (v6 ? 128 : 32));
  if (bits <= 0) return '1 address';
  if (bits > 40) return `2^${bits} addresses`;
  return `${(2 ** bits).toLocaleString('en-US')} addresses`;
}

function spfHover(term: SpfTerm): string {
  const lines: string[] = [];
  if (term.kind === 'modifier') {
    const doc = SPF_MODIFIERS[term.name];
    lines.push(`**SPF modifier \`${term.name}\`**${doc ? ` (${doc.rfc})` : ''}`, '', doc?.summary ?? 'Unknown modifier: receivers ignore it (RFC 7208 §6).');
    if (doc?.lookup) lines.push('', 'Costs 1 DNS lookup of the 10 allowed (RFC 7208 §4.6.4).');
    return lines.join('\n');
  }
  const doc = SPF_MECHANISMS[term.name];
  lines.push(`**SPF mechanism \`${term.name}\`**${doc ? ` (${doc.rfc})` : ''}`, '', doc?.summary ?? 'Unknown mechanism: the record is a permerror (RFC 7208 §5).');
  lines.push('', `Qualifier \`${term.qualifier}\`: ${QUALIFIERS[term.qualifier]}.`);
  if (term.name === 'include' && term.arg) {
    const p = providerForInclude(term.arg);
    if (p) lines.push('', `\`${term.arg}\` is **${p.name}**'s SPF record.`);
  }
  if ((term.name === 'ip4' || term.name === 'ip6') && term.arg && !term.invalid) {
    const v6 = term.name === 'ip6';
    const prefix = v6 ? term.cidr6 : term.cidr4;
    lines.push('', `Covers ${addresses(prefix, v6)}.`);
  }
  if ((term.name === 'a' || term.name === 'mx') && (term.cidr4 !== undefined || term.cidr6 !== undefined))
    lines.push('', `Each address is widened to${term.cidr4 !== undefined ? ` /${term.cidr4} (IPv4)` : ''}${term.cidr6 !== undefined ? ` //${term.cidr6} (IPv6)` : ''}.`);
  if (doc?.lookup) lines.push('', 'Costs 1 DNS lookup of the 10 allowed (RFC 7208 §4.6.4).');
  return lines.join('\n');
}

function tagHover(kind: string, tag: Tag, doc: TagDoc | undefined, extra: string[] = []): string {
  const lines = [`**${kind} tag \`${tag.name}\`**${doc ? ` (${doc.rfc})` : ''}`, '', doc?.summary ?? `Unknown tag: receivers ignore it.`];
  if (doc?.removed) lines.push('', `⚠ ${doc.removed}`);
  const values = doc?.values;
  if (values) {
    const parts = tag.value.split(/\s*:\s*/).filter(Boolean);
    const explained = parts.map((v) => (values[v] ? `\`${v}\`: ${values[v]}` : `\`${v}\`: not a valid value`));
    if (explained.length) lines.push('', explained.join('  \n'));
  }
  lines.push(...extra);
  return lines.join('\n');
}

export function hoverAt(a: AnalyzedSite, offset: number): Hover | undefined {
  const v = a.site.map.toValueOffset(offset);
  if (v === undefined) return undefined;
  const within = (r: OffsetRange) => r.start <= v && v <= r.end;
  const toDoc = (r: OffsetRange) => a.site.map.toDocRange(r);
  if (a.spf) {
    if (a.spf.version && within(a.spf.version)) return { range: toDoc(a.spf.version), markdown: '**SPF record** (RFC 7208 §4.5)\n\nVersion `v=spf1`: this TXT record is the domain\'s SPF policy.' };
    const term = a.spf.terms.find((t) => within(t.range));
    return term && { range: toDoc(term.range), markdown: spfHover(term) };
  }
  if (a.dmarc) {
    const tag = a.dmarc.tags.find((t) => within(t.range));
    return tag && { range: toDoc(tag.range), markdown: tagHover('DMARC', tag, DMARC_TAGS[tag.name]) };
  }
  if (a.dkim) {
    const tag = a.dkim.tags.find((t) => within(t.range));
    if (!tag) return undefined;
    const extra: string[] = [];
    if (tag.name === 'p') {
      const k = a.dkim.key;
      if (k?.type) extra.push('', `Key: **${k.type === 'rsa' ? 'RSA' : 'Ed25519'}, ${k.bits} bits** (${k.encoding === 'spki' ? 'SubjectPublicKeyInfo' : k.encoding === 'pkcs1' ? 'PKCS#1' : 'raw 32 bytes'}).`);
      else if (k?.error) extra.push('', `Not a usable key: ${k.error}.`);
      else extra.push('', 'Empty: the key is revoked.');
    }
    return { range: toDoc(tag.range), markdown: tagHover('DKIM', tag, DKIM_TAGS[tag.name], extra) };
  }
  if (a.bimi) {
    const tag = a.bimi.tags.find((t) => within(t.range));
    return tag && { range: toDoc(tag.range), markdown: tagHover('BIMI', tag, BIMI_TAGS[tag.nameRaw]) };
  }
  if (a.smtpTls) {
    const tag = a.smtpTls.tags.find((t) => within(t.range));
    const tls = a.kind === 'tlsrpt';
    return tag && { range: toDoc(tag.range), markdown: tagHover(KIND_NAMES[a.kind!], tag, (tls ? TLSRPT_TAGS : MTA_STS_TAGS)[tag.nameRaw]) };
  }
  return undefined;
}

/** On a null MX (`MX 0 .`): what it tells senders, and what a name that takes no mail publishes besides. */
export function nullMxHover(owner: string | undefined): string {
  const name = owner ? `\`${owner}\`` : 'This name';
  return [
    `**Null MX** (RFC 7505 §3): ${name} takes no mail. Senders bounce mail addressed to it at once instead of retrying for days, and it must be the name's only MX record.`,
    '',
    'Mail *from* it may be refused too (RFC 7505 §4.2, `550 5.7.27`). A name that sends no mail says so as well: SPF `v=spf1 -all` (RFC 7208 §8.4) and a DMARC policy of `p=reject` (RFC 9989 §4.7); a name that does send needs a real MX for its bounces.',
  ].join('\n');
}

/** On a `$GENERATE` line (document offsets [lineStart, lineEnd]): the records it makes (the first few and the last), as the reader expanded them. */
export function generateHover(records: readonly ResourceRecord[], uri: string, lineStart: number, lineEnd: number): Hover | undefined {
  const made: ResourceRecord[] = [];
  for (const r of records) {
    if (!r.generated || r.uri !== uri || r.range.start < lineStart || r.range.start > lineEnd) {
      if (made.length) break;
      continue;
    }
    made.push(r);
  }
  if (!made.length) return undefined;
  const line = (r: ResourceRecord) => `${r.owner}. ${r.ttl ?? ''} IN ${r.type} ${r.rdata.join(' ')}`.replace(/  +/g, ' ');
  const shown = made.length <= 6 ? made.map(line) : [...made.slice(0, 5).map(line), '…', line(made[made.length - 1])];
  return {
    range: made[0].range,
    markdown: `**$GENERATE** makes ${made.length} record${made.length === 1 ? '' : 's'}${made.length === MAX_GENERATED ? ' (the most read of one line)' : ''}:\n\n\`\`\`\n${shown.join('\n')}\n\`\`\``,
  };
}

/** The records of the workspace at a name, as the name hover reads them. */
export interface NameEntry {
  uri: string;
  record: ResourceRecord;
  site?: AnalyzedSite;
}

/** What a name is for mail, from its leading labels (`_dmarc.`, `<selector>._domainkey.`, …). */
function nameRole(name: string): string {
  if (name.startsWith('_dmarc.')) return `the DMARC record of \`${name.slice(7)}\` (RFC 9989 §4.10)`;
  const dkim = /^(.+)\._domainkey\.(.+)$/.exec(name);
  if (dkim && !dkim[1].includes('._domainkey')) return `the DKIM key of selector \`${dkim[1]}\` for \`${dkim[2]}\`: signatures with \`d=${dkim[2]}; s=${dkim[1]}\` are verified with it (RFC 6376 §3.6.2.1)`;
  const report = /^(.+)\._report\._dmarc\.(.+)$/.exec(name);
  if (report) return `\`${report[2]}\` agreeing to receive the DMARC reports of \`${report[1]}\` (RFC 9990 §3)`;
  if (name.startsWith('_mta-sts.')) return `the MTA-STS record of \`${name.slice(9)}\` (RFC 8461 §3.1)`;
  if (name.startsWith('_smtp._tls.')) return `the TLS-RPT record of \`${name.slice(11)}\` (RFC 8460 §3)`;
  const bimi = /^([^.]+)\._bimi\.(.+)$/.exec(name);
  if (bimi) return `the BIMI record of selector \`${bimi[1]}\` for \`${bimi[2]}\``;
  return '';
}

/**
 * On a record's owner name: what the name is for mail, what the workspace publishes there (by type,
 * and in which files), which SPF records name it in an `include:` or `redirect=`, and whether its zone
 * serves it. `entries` are the workspace's records at the name; `includers` the owners of SPF records
 * that include it or redirect to it.
 */
export function nameSummary(name: string, entries: readonly NameEntry[], includers: readonly string[], hidden?: { by: 'delegation' | 'dname'; name: string }): string {
  const role = nameRole(name);
  const lines = [`**\`${name}\`**${role ? `: ${role}` : ''}`];
  const counts = new Map<string, number>();
  const files = new Set<string>();
  // A record of a file another `$INCLUDE`s is indexed under both: listed once.
  const seen = new Set<string>();
  const perFile = new Map<string, number>();
  for (const e of entries) {
    const r = e.record;
    if (r.superseded) continue;
    const kind = e.site?.kind;
    const key = kind && kind !== 'senderid' ? `${r.type} (${KIND_NAMES[kind]})` : r.type;
    // Per file as it is read, its `$INCLUDE`d files with it: what one zone serves.
    if (key === 'TXT (SPF)' || key === 'TXT (DMARC)') perFile.set(`${key}\0${e.uri}`, (perFile.get(`${key}\0${e.uri}`) ?? 0) + 1);
    if (seen.has(`${r.uri}\0${r.range.start}`)) continue;
    seen.add(`${r.uri}\0${r.range.start}`);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    files.add(r.uri.split(/[\\/]/).pop()!);
  }
  if (counts.size) {
    const what = [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
    const where = files.size <= 3 ? [...files].join(', ') : `${files.size} files`;
    lines.push('', `**Published here** in the workspace: ${what} (${where}).`);
    // Receivers take one record of each kind at a name; several in one zone are a permerror (SPF) or no policy (DMARC).
    const several = (key: string) => [...perFile].some(([k, n]) => k.startsWith(`${key}\0`) && n > 1);
    if (several('TXT (SPF)')) lines.push('', 'More than one SPF record: receivers return permerror and SPF fails for all mail from this name (RFC 7208 §4.5).');
    if (several('TXT (DMARC)')) lines.push('', 'More than one DMARC record: receivers discard them all and apply no policy (RFC 9989 §4.10).');
  } else lines.push('', '**Published here**: no record in the workspace.');
  if (includers.length) {
    const shown = includers.slice(0, 6).map((n) => `\`${n}\``).join(', ');
    lines.push('', `**Included by** the SPF record${includers.length === 1 ? '' : 's'} of ${shown}${includers.length > 6 ? ` and ${includers.length - 6} more` : ''}: each counts this record's lookups in its own 10 (RFC 7208 §4.6.4).`);
  }
  if (hidden)
    lines.push(
      '',
      hidden.by === 'delegation'
        ? `**Never served from this file**: \`${hidden.name}\` is delegated to other name servers, which answer for this name (RFC 1034 §4.2.1).`
        : `**Never served from this file**: \`${hidden.name}\` is a DNAME, which redirects every name under it (RFC 6672 §2.4).`,
    );
  return lines.join('\n');
}
