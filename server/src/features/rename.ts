/**
 * Rename a DNS name across the workspace: its records' owners, and the records under it (`_dmarc.`,
 * `_domainkey.` names), the records whose data names it (CNAME, MX, NS, SRV, PTR, SOA, SVCB…: records/cname.ts
 * NAME_FIELDS), and the SPF terms that
 * name it (`include:`, `a:`, `mx:`, `redirect=`…). Each name is written back the way its file wrote it
 * (relative to the `$ORIGIN` in force, absolute with a trailing dot, or as an SPF domain-spec).
 * In infrastructure as code, a record's name and a CNAME's, MX's or NS's target where the reader says
 * they are written (one plain string: relative to the record's zone or whole, written back the same way).
 * Where the workspace names it in a way this cannot rewrite exactly (an expression, an escape, a
 * `$GENERATE` line), the rename is refused and says where, rather than leaving a dangling name.
 * Document offsets in, edits out; no editor types.
 */
import { domainToASCII } from 'node:url';
import { dataName, dataNames, iacNameAt } from '../records/cname';
import type { AnalyzedSite } from '../checks/rule';
import type { OffsetRange, ResourceRecord } from '../types';
import { siteAt } from './hover';

/** A file of the workspace as the rename sees it. */
export interface RenameSource {
  uri: string;
  /** The format the file was read as: only zone files have their names rewritten in place. */
  format?: string;
  records: readonly ResourceRecord[];
  sites: readonly AnalyzedSite[];
}

export interface RenameEdit {
  uri: string;
  range: OffsetRange;
  newText: string;
}

/** The name under the cursor, where it is written and how. */
export interface RenameTarget {
  /** Absolute, lower case, no trailing dot. */
  name: string;
  range: OffsetRange;
  /** As written. */
  text: string;
  /** The origin a relative zone-file name is read under ('' for none); undefined for an absolute name. */
  origin: string | undefined;
  /** An SPF domain-spec (absolute, no trailing dot needed). */
  spf: boolean;
}

const SPF_NAME_TERMS = new Set(['include', 'redirect', 'a', 'mx', 'ptr', 'exists', 'exp']);

const unescape = (s: string) => (s.includes('\\') ? s.replace(/\\(\d{3}|.)/g, (_, x: string) => (x.length === 3 ? String.fromCharCode(Number(x)) : x)) : s);
const isAbsolute = (w: string) => w.endsWith('.') && !w.endsWith('\\.');
const under = (name: string, ancestor: string) => name === ancestor || name.endsWith(`.${ancestor}`);

/**
 * How a zone-file name written `written` was read as `name`: the origin it is relative to ('' when the
 * file has none), undefined when absolute, or null when the two do not match (escapes this does not model).
 */
function originOf(written: string, name: string): string | undefined | null {
  if (written === '@') return name;
  if (isAbsolute(written)) return unescape(written).slice(0, -1).toLowerCase() === name ? undefined : null;
  const plain = unescape(written).toLowerCase();
  if (plain === name) return '';
  return name.startsWith(`${plain}.`) ? name.slice(plain.length + 1) : null;
}

/** The word of a zone file that starts at `start` (up to a blank, a parenthesis or a comment). */
function wordAt(text: string, start: number): OffsetRange {
  let end = start;
  while (end < text.length) {
    const c = text[end];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '(' || c === ')' || c === ';') break;
    if (c === '\\') end++;
    end++;
  }
  return { start, end: Math.min(end, text.length) };
}

const CLASS_WORD = /^(IN|CH|CS|HS|CLASS\d+)$/i;

/**
 * Where each field of a zone-file record's data is written: the words after its type (a quoted string
 * one word; comments and parentheses left out). Undefined when the words do not read as the record.
 */
function dataWords(text: string, r: ResourceRecord, owned: boolean): OffsetRange[] | undefined {
  const body = text.slice(r.range.start, r.range.end);
  const words = [...body.matchAll(/;[^\n]*|"(?:[^"\\]|\\.)*"?|(?:\\.|[^\s();"])+/g)].filter((m) => m[0][0] !== ';');
  let i = owned ? 1 : 0;
  while (i < words.length && (/^\d/.test(words[i][0]) || CLASS_WORD.test(words[i][0]))) i++;
  if (i >= words.length) return undefined;
  return words.slice(i + 1).map((m) => ({ start: r.range.start + m.index!, end: r.range.start + m.index! + m[0].length }));
}

/** Where a zone-file record names a domain: its owner when the line starts with it, and the names its data holds (records/cname.ts NAME_FIELDS). */
export function zoneNames(text: string, r: ResourceRecord, only?: (name: string) => boolean): { range: OffsetRange; name: string; owner: boolean }[] {
  const out: { range: OffsetRange; name: string; owner: boolean }[] = [];
  const s = r.range.start;
  const owned = r.owner !== undefined && (s === 0 || text[s - 1] === '\n') && !/\s/.test(text[s] ?? ' ');
  if (owned && (!only || only(r.owner!))) out.push({ range: wordAt(text, s), name: r.owner!, owner: true });
  const names = dataNames(r).filter((n) => !only || only(n.name));
  if (names.length === 0) return out;
  const words = dataWords(text, r, owned);
  for (const n of names) {
    const range = words?.[n.field];
    if (range) out.push({ range, name: n.name, owner: false });
  }
  return out;
}

/** The name at a document offset that can be renamed, or why none can. */
export function renameTargetAt(source: RenameSource, offset: number, text: string): RenameTarget | { error: string } {
  // An SPF domain-spec, in any file.
  const a = siteAt(source.sites, source.uri, offset);
  if (a?.spf && !a.site.coarse) {
    const v = a.site.map.toValueOffset(offset);
    const term = v === undefined ? undefined : a.spf.terms.find((t) => t.argRange && t.argRange.start <= v && v <= t.argRange.end);
    if (term?.arg && term.argRange && SPF_NAME_TERMS.has(term.name)) {
      if (term.arg.includes('%')) return { error: `\`${term.arg}\` has macros, which only a receiver expands: there is no one name to rename.` };
      const range = a.site.map.toDocRange(term.argRange);
      const written = text.slice(range.start, range.end);
      if (written.toLowerCase() !== term.arg.toLowerCase()) return { error: `\`${term.arg}\` is written across strings here; join them to rename it.` };
      return { name: term.arg.toLowerCase().replace(/\.$/, ''), range, text: written, origin: undefined, spf: true };
    }
  }
  if (source.format !== 'zone') {
    // Infrastructure as code: a record's name or the target of a CNAME, MX or NS record, where the reader says they are written.
    const at = iacNameAt(source.records, source.uri, offset, true);
    if (at) {
      const w = iacWritten(text, at.record, at.range, at.data);
      if ('error' in w) return w;
      return { name: w.name, range: w.range, text: w.text, origin: w.zone, spf: false };
    }
    return { error: 'Rename works on the names of zone files, on SPF domain-specs, and on the names and targets of records written in infrastructure as code; put the cursor on one.' };
  }
  for (const r of source.records) {
    if (r.uri !== source.uri || r.generated || offset < r.range.start || offset > r.range.end) continue;
    for (const n of zoneNames(text, r)) {
      if (offset < n.range.start || offset > n.range.end) continue;
      const written = text.slice(n.range.start, n.range.end);
      if (written === '.') return { error: 'The root name `.` cannot be renamed.' };
      const origin = originOf(written, n.name);
      if (origin === null) return { error: `\`${written}\` is written with escapes that rename does not rewrite.` };
      return { name: n.name, range: n.range, text: written, origin, spf: false };
    }
  }
  return { error: 'Put the cursor on a name: a record\'s owner, a name its data holds (the host an MX, NS, SRV, CNAME or PTR record points at…), or an SPF domain-spec.' };
}

/**
 * How an infrastructure-as-code record writes its name (`data` false: in the range its reader gives,
 * Terraform's `name = "mx1"`, an octoDNS key, a DNSControl argument) or its target (`data` true: the
 * last word of the value, `"10 mx1.example.org."`): the characters of the name, the absolute name they
 * stand for, and the zone they are relative to (undefined when written whole; `dot` when with a
 * trailing dot). An error where the text is not one plain literal (an expression, an escape).
 */
function iacWritten(text: string, r: ResourceRecord, range: OffsetRange, data: boolean): { range: OffsetRange; text: string; name: string; zone: string | undefined; dot: boolean } | { error: string } {
  const span = text.slice(range.start, range.end);
  // The one literal in the range: a quoted string without escapes or interpolations, or a plain word (a YAML key).
  const q = /"([^"\\$]*)"|'([^'\\]*)'/.exec(span);
  let start: number;
  let content: string;
  if (q) {
    content = q[1] ?? q[2];
    start = range.start + q.index + 1;
  } else if (/^[A-Za-z0-9_.*@-]+$/.test(span)) {
    content = span;
    start = range.start;
  } else return { error: `\`${span.trim()}\` is not one plain string` };
  // The target is the value's last word.
  if (data) {
    const m = /(\S+)\s*$/.exec(content);
    if (!m) return { error: 'the value is empty' };
    start += m.index;
    content = m[1];
  }
  const dot = content.endsWith('.');
  const bare = content.toLowerCase().replace(/\.$/, '');
  const name = data ? dataName(r) : r.owner;
  if (name === undefined) return { error: 'the name is not known' };
  const zone = r.zone;
  const written = { range: { start, end: start + content.length }, text: content, name, dot };
  if (bare === name) return { ...written, zone: undefined };
  if (zone !== undefined && !zone.includes('<') && !dot && (bare === '@' || bare === '' ? zone : `${bare}.${zone}`) === name) {
    if (name === zone) return { error: `\`${content || '@'}\` is the zone itself; rename the zone` };
    return { ...written, zone };
  }
  return { error: zone?.includes('<') ? `its zone is named by an expression (${zone})` : `\`${content}\` is not written as \`${name}\` or relative to its zone` };
}

/** Why `name` is not a name to rename to, or undefined. */
function badName(name: string): string | undefined {
  if (name === '' || name.length > 253) return 'a domain name has 1 to 253 characters';
  for (const label of name.split('.')) {
    if (label === '') return 'it has an empty label (two dots in a row, or a dot at the start)';
    if (label.length > 63) return `its label \`${label}\` is longer than 63 characters`;
    if (!/^[a-z0-9_-]+$/i.test(label)) return `its label \`${label}\` holds a character other than a letter, digit, hyphen or underscore`;
  }
  return undefined;
}

/** The new absolute name from what was typed in place of the target's written text. */
export function newNameOf(target: RenameTarget, typed: string): string | { error: string } {
  const t = typed.trim();
  let abs: string;
  if (target.spf || target.origin === undefined || isAbsolute(t)) abs = t.replace(/\.$/, '');
  else if (t === '@') abs = target.origin;
  else abs = target.origin === '' ? t : `${t}.${target.origin}`;
  abs = abs.toLowerCase();
  const bad = badName(abs);
  return bad ? { error: `\`${typed}\` is not a domain name: ${bad}.` } : abs;
}

/** The text that writes `name` in a zone read under `origin`: relative under the origin, else absolute. */
function writeZoneName(name: string, origin: string | undefined, owner: boolean): string | undefined {
  if (origin === undefined) return `${name}.`;
  if (origin === '') return name;
  if (name === origin) return '@';
  if (name.endsWith(`.${origin}`)) return name.slice(0, name.length - origin.length - 1);
  // An owner moved out of the origin would be out of the zone; a target may point anywhere.
  return owner ? undefined : `${name}.`;
}

/** `name` (at or under `from`) with `from` replaced by `to`, the labels above it kept as written. */
function moved(name: string, from: string, to: string): string {
  return name === from ? to : `${name.slice(0, name.length - from.length - 1)}.${to}`;
}

/**
 * The edits that rename `target.name` to `newName` (absolute) across the workspace, or why it cannot
 * be done. `textOf` gives a file's current text (the editor's for an open file).
 */
export function renameEdits(target: RenameTarget, newName: string, sources: readonly RenameSource[], textOf: (uri: string) => string | undefined): { edits: RenameEdit[] } | { error: string } {
  const old = target.name;
  if (newName === old) return { edits: [] };
  if (under(newName, old)) return { error: `\`${newName}\` is under \`${old}\`: rename to a name outside it.` };
  const edits: RenameEdit[] = [];
  const seen = new Set<string>();
  const where = (uri: string, r: { start: number }) => {
    const text = textOf(uri);
    const line = text === undefined ? 0 : text.slice(0, r.start).split('\n').length;
    return `${uri.replace(/^.*[\\/]/, '')}${line ? `:${line}` : ''}`;
  };
  const add = (uri: string, range: OffsetRange, newText: string) => {
    const key = `${uri}\0${range.start}`;
    if (seen.has(key)) return;
    seen.add(key);
    edits.push({ uri, range, newText });
  };
  for (const source of sources) {
    const siteOf = new Map(source.sites.map((a) => [a.site, a]));
    for (const r of source.records) {
      if (r.superseded) continue;
      // A file's text is read only for a record that names the name (most do not).
      // SPF domain-specs, in any file: the new name in place of the old part of the term's argument.
      const a = r.site && siteOf.get(r.site);
      if (a?.spf && !a.site.coarse) {
        for (const t of a.spf.terms) {
          if (!t.arg || !t.argRange || !SPF_NAME_TERMS.has(t.name) || t.arg.includes('%')) continue;
          const arg = t.arg.toLowerCase().replace(/\.$/, '');
          if (!under(arg, old)) continue;
          const text = textOf(r.uri);
          if (text === undefined) break;
          const range = a.site.map.toDocRange(t.argRange);
          if (text.slice(range.start, range.end).toLowerCase() !== t.arg.toLowerCase()) return { error: `\`${t.arg}\` is written across strings in ${where(r.uri, range)}; join them, then rename.` };
          add(r.uri, range, moved(arg, old, newName) + (t.arg.endsWith('.') ? '.' : ''));
        }
      }
      const named = r.owner !== undefined && under(r.owner, old);
      const target = source.format === 'zone' ? undefined : dataName(r);
      const points = dataNames(r).some((n) => under(n.name, old)) || (target !== undefined && under(target, old));
      if (!named && !points) continue;
      const text = textOf(r.uri);
      if (text === undefined) continue;
      if (source.format !== 'zone') {
        // Infrastructure as code: the name and the target as each reader says they are written.
        const iacPoints = target !== undefined && under(target, old);
        for (const [range, data, applies] of [[r.ownerRange ?? r.site?.ownerRange, false, named], [r.dataRange, true, iacPoints]] as const) {
          if (!applies) continue;
          const w = range && range.end > range.start ? iacWritten(text, r, range, data) : undefined;
          if (!w || 'error' in w) return { error: `\`${old}\` is also named in ${where(r.uri, r.range)} (${r.type} record) in a way rename does not rewrite${w && 'error' in w ? `: ${w.error}` : ''}; rename it there by hand.` };
          const to = moved(w.name, old, newName);
          const newText = w.zone === undefined ? to + (w.dot ? '.' : '') : to === w.zone ? undefined : under(to, w.zone) ? to.slice(0, to.length - w.zone.length - 1) : undefined;
          if (newText === undefined) return { error: `Renaming would move \`${w.name}\` (${where(r.uri, w.range)}) to \`${to}\`, ${to === w.zone ? 'the zone itself' : `outside the zone \`${w.zone}\``}, which its file writes it relative to.` };
          add(r.uri, w.range, newText);
        }
        if (points && !iacPoints && !named) return { error: `\`${old}\` is also named in ${where(r.uri, r.range)} (${r.type} record), which rename does not rewrite: rename it there by hand.` };
        continue;
      }
      if (r.generated) return { error: `\`${old}\` is also named by a \`$GENERATE\` line in ${where(r.uri, r.range)}, which rename does not rewrite.` };
      const found = zoneNames(text, r, (n) => under(n, old));
      // Inherited owners are written on a line before (which is renamed there); a name in the data must be found.
      if (points && found.filter((n) => !n.owner).length === 0) return { error: `The ${r.type} record in ${where(r.uri, r.range)} names \`${old}\` in a way rename does not find in its text.` };
      for (const n of found) {
        const written = text.slice(n.range.start, n.range.end);
        const origin = originOf(written, n.name);
        if (origin === null) return { error: `\`${written}\` in ${where(r.uri, n.range)} is written with escapes that rename does not rewrite.` };
        if (origin !== undefined && origin !== '' && under(origin, old))
          return { error: `\`${old}\` is the origin of the names in ${where(r.uri, n.range)} (its \`$ORIGIN\` or zone name, or a name above it): rename the zone there, not its records.` };
        const to = moved(n.name, old, newName);
        let newText = writeZoneName(to, origin, n.owner);
        if (newText === undefined) return { error: `Renaming would move \`${n.name}\` (${where(r.uri, n.range)}) to \`${to}\`, outside the origin \`${origin}\` its file writes it under: the record would leave the zone.` };
        // Keep the labels above the renamed name as written (their case, their escapes).
        const extra = n.name.length - old.length;
        if (extra > 0 && newText !== '@') {
          const prefix = written.split(/(?<!\\)\./).slice(0, n.name.slice(0, extra - 1).split('.').length).join('.');
          if (unescape(prefix).toLowerCase() === n.name.slice(0, extra - 1)) newText = prefix + newText.slice(extra - 1);
        }
        add(r.uri, n.range, newText);
      }
    }
  }
  // The new name, or a name under it, already has records: the rename would merge two names.
  for (const source of sources)
    for (const r of source.records)
      if (!r.superseded && r.owner !== undefined && under(r.owner, newName) && !under(r.owner, old)) return { error: `\`${newName}\` already has records (${where(r.uri, r.range)}): renaming \`${old}\` to it would merge the two names.` };
  edits.sort((x, y) => (x.uri < y.uri ? -1 : x.uri > y.uri ? 1 : x.range.start - y.range.start));
  return { edits };
}

/**
 * A host name for a name written with characters host names do not take (BIND check-names):
 * `_` becomes `-`, hyphens at either end of a label go, and a label in Unicode is written in its
 * ASCII (`xn--`) form. Undefined when that leaves nothing to
 * suggest (an empty label, an escape, no change).
 */
export function hostNameSuggestion(written: string): string | undefined {
  if (written.includes('\\') || written === '@') return undefined;
  const dot = isAbsolute(written) ? '.' : '';
  // An internationalized label in its ASCII (IDNA) form, as DNS holds it.
  const ascii = (l: string) => (/[^\x00-\x7f]/.test(l) ? domainToASCII(l) : l);
  const labels = (dot ? written.slice(0, -1) : written).split('.').map((l) => (l === '*' ? l : ascii(l.replace(/_/g, '-').replace(/^-+|-+$/g, ''))));
  if (labels.some((l) => l === '' || !/^(\*|[a-z0-9-]+)$/i.test(l))) return undefined;
  const out = labels.join('.') + dot;
  return out === written ? undefined : out;
}
