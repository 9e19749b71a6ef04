/**
 * Document symbols (records by owner), folding ranges (records over several lines) and semantic
 * tokens (the parts of SPF, DMARC and DKIM records inside strings). Offsets in document space.
 */
import { KIND_NAMES, type AnalyzedSite } from '../checks/rule';
import type { OffsetRange, ResourceRecord } from '../types';

export interface OwnerSymbol {
  name: string;
  range: OffsetRange;
  selectionRange: OffsetRange;
  records: { name: string; detail: string; kind: 'spf' | 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts' | 'record'; range: OffsetRange }[];
}

function shorten(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Records grouped by owner in document order; owners shown relative to the zone origin. */
export function documentSymbols(records: readonly ResourceRecord[], sites: readonly AnalyzedSite[], uri: string, origin: string | undefined): OwnerSymbol[] {
  const kinds = new Map(sites.map((a) => [a.site, a.kind]));
  const byOwner = new Map<string, OwnerSymbol>();
  const out: OwnerSymbol[] = [];
  // The records of one `$GENERATE` line are one symbol, named after the first.
  let generated: { range: OffsetRange; sym: OwnerSymbol; n: number } | undefined;
  const sameLine = (a: OffsetRange, b: OffsetRange) => a.start === b.start && a.end === b.end;
  for (const r of records) {
    if (r.uri !== uri) continue;
    const owner = r.owner ?? '@';
    const rel = origin && owner === origin ? '@' : origin && owner.endsWith(`.${origin}`) ? owner.slice(0, -origin.length - 1) : owner;
    if (r.generated) {
      if (generated && sameLine(generated.range, r.range)) {
        generated.sym.records[0].detail = `${++generated.n} records from $GENERATE`;
        continue;
      }
      const sym: OwnerSymbol = { name: `${rel} …`, range: { ...r.range }, selectionRange: { start: r.range.start, end: r.range.start }, records: [{ name: r.type, detail: '1 record from $GENERATE', kind: 'record', range: r.range }] };
      out.push(sym);
      generated = { range: r.range, sym, n: 1 };
      continue;
    }
    let sym = byOwner.get(owner);
    if (!sym) {
      sym = { name: rel, range: { ...r.range }, selectionRange: { start: r.range.start, end: r.range.start }, records: [] };
      byOwner.set(owner, sym);
      out.push(sym);
    }
    sym.range.start = Math.min(sym.range.start, r.range.start);
    sym.range.end = Math.max(sym.range.end, r.range.end);
    const k = r.site ? kinds.get(r.site) : undefined;
    const kind = k === undefined || k === 'senderid' ? 'record' : k;
    const label = kind === 'record' ? r.type : `${r.type} (${KIND_NAMES[kind]})`;
    sym.records.push({ name: label, detail: shorten(r.site ? r.site.value : r.rdata.join(' ')), kind, range: r.range });
  }
  return out;
}

/** Records written over several lines (parentheses), as line ranges. */
export function foldingRanges(records: readonly ResourceRecord[], uri: string, lineOf: (offset: number) => number): { startLine: number; endLine: number }[] {
  const out: { startLine: number; endLine: number }[] = [];
  for (const r of records) {
    if (r.uri !== uri || r.generated) continue;
    const a = lineOf(r.range.start);
    const b = lineOf(r.range.end);
    if (b > a) out.push({ startLine: a, endLine: b });
  }
  return out;
}

export const TOKEN_TYPES = ['keyword', 'function', 'operator', 'property', 'enumMember', 'number', 'macro', 'string'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface SemanticToken {
  start: number;
  end: number;
  type: TokenType;
}

/** Tokens in document order; a value range that spans two character-strings becomes one token per string. */
/** Tags whose values are text (URIs, keys, ids) rather than one of a few words. */
const URI_OR_ID: ReadonlySet<string> = new Set(['l', 'a', 'rua', 'id']);
const KEY: ReadonlySet<string> = new Set(['p']);
const NONE: ReadonlySet<string> = new Set();

export function semanticTokens(sites: readonly AnalyzedSite[], uri: string): SemanticToken[] {
  const out: SemanticToken[] = [];
  for (const a of sites) {
    if (a.site.uri !== uri) continue;
    const push = (r: OffsetRange | undefined, type: TokenType) => {
      if (!r || r.end <= r.start) return;
      for (const s of a.site.strings) {
        const start = Math.max(r.start, s.start);
        const end = Math.min(r.end, s.end);
        if (end > start) {
          const d = a.site.map.toDocRange({ start, end });
          out.push({ start: d.start, end: d.end, type });
        }
      }
    };
    if (a.spf) {
      push(a.spf.version, 'keyword');
      for (const t of a.spf.terms) {
        push(t.qualifierRange, 'operator');
        push(t.nameRange, t.kind === 'modifier' ? 'property' : 'function');
        if (t.argRange) {
          const macro = /%\{[^}]*\}/g;
          const arg = a.site.value.slice(t.argRange.start, t.argRange.end);
          let last = t.argRange.start;
          for (let m = macro.exec(arg); m; m = macro.exec(arg)) {
            push({ start: last, end: t.argRange.start + m.index }, 'string');
            push({ start: t.argRange.start + m.index, end: t.argRange.start + m.index + m[0].length }, 'macro');
            last = t.argRange.start + m.index + m[0].length;
          }
          push({ start: last, end: t.argRange.end }, 'string');
        }
        push(t.cidrRange, 'number');
      }
    } else {
      // The tag-list records: names, the version, and values (URIs, keys and ids as strings).
      const list = a.dmarc ?? a.dkim ?? a.bimi ?? a.smtpTls;
      const text = a.bimi || a.smtpTls ? URI_OR_ID : a.dkim ? KEY : NONE;
      for (const t of list?.tags ?? []) {
        push(t.nameRange, t.name === 'v' ? 'keyword' : 'property');
        push(t.valueRange, t.name === 'v' ? 'keyword' : text.has(t.name) ? 'string' : 'enumMember');
      }
    }
  }
  return out.sort((x, y) => x.start - y.start);
}
