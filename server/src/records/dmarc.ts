/**
 * DMARC policy record parser (RFC 9989 §4.7; also reads RFC 7489 records). The tag list is parsed by
 * the shared tag-list reader; this module adds the DMARC view: tags by name and report URIs.
 */
import type { OffsetRange } from '../types';
import { parseTagList, type Tag, type TagList } from './taglist';

export interface ReportUri {
  text: string;
  range: OffsetRange;
  scheme: string;
  /** The address part of a `mailto:` URI, before any `!size`. */
  address?: string;
  addressRange?: OffsetRange;
  /** `!size` suffix (RFC 7489 §6.2; not part of RFC 9989). */
  size?: string;
  sizeRange?: OffsetRange;
}

export interface DmarcRecord extends TagList {
  value: string;
  /** First occurrence of each tag by lower-cased name. */
  byName: Map<string, Tag>;
}

/** RFC 9989 §4.10 (steps 2 and 6): records are selected by starting with exactly `v=DMARC1`. */
export function isDmarcRecord(value: string): boolean {
  return /^v=DMARC1\s*(;|$)/.test(value);
}

/** Values that are plainly meant as DMARC (case errors, leading spaces, spaces around `=`). */
export function looksLikeDmarc(value: string): boolean {
  return /^\s*v\s*=\s*dmarc/i.test(value);
}

export function parseDmarc(value: string): DmarcRecord {
  const list = parseTagList(value);
  const byName = new Map<string, Tag>();
  for (const t of list.tags) if (!byName.has(t.name)) byName.set(t.name, t);
  return { ...list, value, byName };
}

/** A `mailto:` report URI's address (trimmed) and the host it names (lower case, no trailing dot); undefined for another scheme or an address without `@`. */
export function mailtoHost(u: ReportUri): { address: string; host: string } | undefined {
  const address = u.address?.trim();
  const at = address?.lastIndexOf('@') ?? -1;
  if (u.scheme !== 'mailto' || !address || at < 0) return undefined;
  return { address, host: address.slice(at + 1).toLowerCase().replace(/\.$/, '') };
}

const parsedUris = new WeakMap<Tag, ReportUri[]>();

/** Splits a `rua`/`ruf` value into URIs with ranges (RFC 9989 §4.7, comma separated); once per tag, as several rules ask. */
export function parseReportUris(tag: Tag): readonly ReportUri[] {
  let out = parsedUris.get(tag);
  if (!out) parsedUris.set(tag, (out = splitReportUris(tag)));
  return out;
}

function splitReportUris(tag: Tag): ReportUri[] {
  const out: ReportUri[] = [];
  let from = 0;
  const v = tag.value;
  for (let i = 0; i <= v.length; i++) {
    if (i < v.length && v[i] !== ',') continue;
    let s = from;
    let e = i;
    while (s < e && /\s/.test(v[s])) s++;
    while (e > s && /\s/.test(v[e - 1])) e--;
    from = i + 1;
    if (s === e) continue;
    const base = tag.valueRange.start;
    const text = v.slice(s, e);
    const colon = text.indexOf(':');
    const uri: ReportUri = { text, range: { start: base + s, end: base + e }, scheme: colon > 0 ? text.slice(0, colon).toLowerCase() : '' };
    if (colon > 0) {
      let rest = text.slice(colon + 1);
      const bang = rest.lastIndexOf('!');
      if (bang >= 0) {
        uri.size = rest.slice(bang + 1);
        uri.sizeRange = { start: base + s + colon + 1 + bang, end: base + e };
        rest = rest.slice(0, bang);
      }
      uri.address = rest;
      uri.addressRange = { start: base + s + colon + 1, end: base + s + colon + 1 + rest.length };
    }
    out.push(uri);
  }
  return out;
}
