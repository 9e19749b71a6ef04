/**
 * A CNAME record's target (and an MX record's exchange, an NS record's host, an SRV record's target) as an absolute name. A
 * zone file may write it relative to the origin in force at that line, which only the reader knows, so
 * the reader notes it here; and what fixes need to know of how a zone file writes a record. It is kept
 * beside the record, not on it: one more optional property on some records gives the records more
 * shapes than V8's inline caches hold, and every rule that reads `type` or `owner` slows down (about
 * 5 % of a 100 000-record check, measured).
 */
import type { ResourceRecord } from '../types';

const targets = new WeakMap<ResourceRecord, string>();

/**
 * Zone files: the name a CNAME (its target), MX (its exchange), NS (its host) or SRV record (its
 * target) points at, written relative to the origin, made absolute. One record names one.
 */
export function setTarget(record: ResourceRecord, name: string): void {
  targets.set(record, name);
}

const spans = new WeakMap<ResourceRecord, { from: number; to: number }>();

/**
 * Zone files: where an MX record's exchange, an NS record's host or an SRV record's target is written, as offsets from the
 * start of the record's range (so they hold when an incremental re-read moves the record), for a fix
 * that rewrites it.
 */
export function setHostSpan(record: ResourceRecord, start: number, end: number): void {
  spans.set(record, { from: start - record.range.start, to: end - record.range.start });
}

/** The document range of an MX record's exchange, an NS record's host or an SRV record's target as written in a zone file, if known. */
export function hostRange(record: ResourceRecord): { start: number; end: number } | undefined {
  // A $GENERATE'd record was read from the expanded text; its range is now the directive's.
  const x = record.generated ? undefined : spans.get(record);
  return x && { start: record.range.start + x.from, end: record.range.start + x.to };
}

const noDefaultTtl = new WeakSet<ResourceRecord>();

/**
 * Zone files: a record read with no `$TTL` in force, where a record with no TTL takes the last one
 * written (RFC 1035 semantics): a fix that writes its TTL changes theirs too. Only such zones pay for it.
 */
export function setNoDefaultTtl(record: ResourceRecord): void {
  noDefaultTtl.add(record);
}

export function hasNoDefaultTtl(record: ResourceRecord): boolean {
  return noDefaultTtl.has(record);
}

/** An MX record's data as DNS serves it, `preference exchange`, the exchange absolute (lower case, no trailing dot). */
export function mxData(record: ResourceRecord): string {
  const exchange = targets.get(record);
  if (exchange === undefined) return record.rdata.join(' ');
  return `${record.rdata[0] ?? ''} ${exchange}`;
}

/**
 * An MX record's data as compared and shown: `preference exchange`, the preference a number, the exchange lower case
 * without its trailing dot, `.` for the null MX's root (RFC 7505); undefined when it is not one.
 */
export function mxValue(data: string): string | undefined {
  const m = /^\s*(\d{1,5})(?:\s+(\S*))?\s*$/.exec(data);
  if (!m || Number(m[1]) > 65535) return undefined;
  const host = (m[2] ?? '').toLowerCase().replace(/\.$/, '');
  if (host !== '' && !/^[a-z0-9_*-]+(\.[a-z0-9_-]+)*$/.test(host)) return undefined;
  return `${Number(m[1])} ${host === '' ? '.' : host}`;
}

/** Lower case, no trailing dot; a source other than a zone file writes its targets absolute. */
export function cnameTarget(record: ResourceRecord): string {
  return targets.get(record) ?? (record.rdata[0] ?? '').toLowerCase().replace(/\.$/, '');
}

/** An NS record's host (the name server), as cnameTarget. */
export const nsHost = cnameTarget;

/** An SRV record's target, as cnameTarget; empty for `.`, "no such service here" (RFC 2782). */
export function srvTarget(record: ResourceRecord): string {
  const t = targets.get(record);
  if (t !== undefined) return t;
  // A source other than a zone file may give `priority weight port target` as one string (Route 53, Cloudflare).
  const words = record.rdata.length === 1 ? record.rdata[0].trim().split(/\s+/) : record.rdata;
  return (words[3] ?? '').toLowerCase().replace(/\.$/, '');
}

/** The name an MX (its exchange), NS (its host), SRV (its target), CNAME or PTR record points at, as cnameTarget. */
export function hostOf(record: ResourceRecord): string {
  if (record.type === 'MX') {
    const t = targets.get(record);
    if (t !== undefined) return t;
    // A source other than a zone file may give `preference exchange` as one string.
    const exchange = record.rdata.length > 1 ? record.rdata[1] : (record.rdata[0] ?? '').slice((record.rdata[0] ?? '').indexOf(' ') + 1);
    return exchange.toLowerCase().replace(/\.$/, '');
  }
  if (record.type === 'SRV') return srvTarget(record);
  return cnameTarget(record);
}

/**
 * The fields of a record's data that are domain names, by type (RFC 1035 §3.3, and the types that name
 * hosts and mailboxes since): what a rename of a name rewrites. DNSSEC's own names (RRSIG signer, NSEC
 * next name) are left out: signing writes them.
 */
export const NAME_FIELDS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ['CNAME', [0]],
  ['DNAME', [0]],
  ['NS', [0]],
  ['PTR', [0]],
  ['MB', [0]],
  ['MG', [0]],
  ['MR', [0]],
  ['MX', [1]],
  ['KX', [1]],
  ['AFSDB', [1]],
  ['RT', [1]],
  ['SVCB', [1]],
  ['HTTPS', [1]],
  ['PX', [1, 2]],
  ['SRV', [3]],
  ['NAPTR', [5]],
  ['SOA', [0, 1]],
  ['RP', [0, 1]],
  ['MINFO', [0, 1]],
]);

/** The types whose one name setTarget notes (the field given). */
const TARGET_FIELD: Readonly<Record<string, number>> = { CNAME: 0, NS: 0, MX: 1, SRV: 3 };

const origins = new WeakMap<ResourceRecord, string>();

/**
 * Zone files: the origin in force where a record of a type with names in its data other than the one
 * setTarget notes (SOA, PTR, SVCB…) is written, so that a relative name there can be made absolute.
 */
export function setOrigin(record: ResourceRecord, origin: string): void {
  origins.set(record, origin);
}

/** Whether the reader notes the origin of a record of this type (setOrigin). */
export function needsOrigin(type: string): boolean {
  return NAME_FIELDS.has(type) && TARGET_FIELD[type] === undefined;
}

/**
 * The domain names a record's data holds (NAME_FIELDS), absolute, lower case, no trailing dot, by field;
 * not the root (`.`: "no target"), and nothing from data written in RFC 3597 generic form.
 */
export function dataNames(record: ResourceRecord): { field: number; name: string }[] {
  const fields = NAME_FIELDS.get(record.type);
  if (fields === undefined || record.rdata[0] === '\\#') return [];
  const out: { field: number; name: string }[] = [];
  for (const k of fields) {
    let name: string;
    if (TARGET_FIELD[record.type] === k) name = hostOf(record);
    else {
      const w = record.rdata[k];
      if (w === undefined || w === '.' || w === '') continue;
      const origin = origins.get(record);
      name = w.endsWith('.') ? w.slice(0, -1).toLowerCase() : w === '@' && origin !== undefined ? origin : origin ? `${w}.${origin}`.toLowerCase() : w.toLowerCase();
    }
    if (name !== '') out.push({ field: k, name });
  }
  return out;
}

/** CNAMEs followed in a row before a chain is taken as broken (resolvers stop at about this many). */
export const MAX_CNAME_CHAIN = 8;

/**
 * Follows CNAMEs from `name` as resolvers do (RFC 1034 §3.6.2), through `cnameAt` (the CNAME at a
 * name, if any): the name the chain ends at and the links taken, or undefined for a chain of more than
 * MAX_CNAME_CHAIN links (a loop, or too long).
 */
export function cnameChainEnd(name: string, cnameAt: (name: string) => ResourceRecord | undefined): { end: string; links: number } | undefined {
  let n = name;
  for (let links = 0; links <= MAX_CNAME_CHAIN; links++) {
    const c = cnameAt(n);
    if (!c) return { end: n, links };
    n = cnameTarget(c);
  }
  return undefined;
}

/**
 * The name a CNAME, MX, NS or SRV record of infrastructure as code points to (absolute, lower case, no
 * trailing dot); undefined for the null MX, an SRV record's `.` (no service) or other types. An MX's
 * exchange is its last word, whether the source gives the preference apart or in the value (`"10 mx1.example.com."`).
 */
export function dataName(r: ResourceRecord): string | undefined {
  // An MX's exchange and an SRV's target are the value's last word (`10 mx1.example.com.`, `0 5 587 mail.example.com.`).
  const raw = r.type === 'CNAME' ? cnameTarget(r) : r.type === 'MX' || r.type === 'SRV' ? r.rdata.join(' ').trim().split(/\s+/).pop() : r.type === 'NS' ? r.rdata[0] : undefined;
  const n = raw?.trim().toLowerCase().replace(/\.$/, '');
  return n && n.length > 0 ? n : undefined;
}

/**
 * The infrastructure-as-code record whose name or target is written at `offset` of `uri`
 * (ResourceRecord.ownerRange, dataRange), and which of the two; with `sites`, also a policy record's
 * name (its site's ownerRange). Records without such ranges (zone files) are never found.
 */
export function iacNameAt(records: readonly ResourceRecord[], uri: string, offset: number, sites = false): { record: ResourceRecord; range: { start: number; end: number }; data: boolean } | undefined {
  const within = (x: { start: number; end: number } | undefined) => x !== undefined && x.start <= offset && offset <= x.end && x.end > x.start;
  for (const r of records) {
    if (r.uri !== uri || r.superseded || r.owner === undefined || (r.site && !sites)) continue;
    const owner = r.ownerRange ?? (sites ? r.site?.ownerRange : undefined);
    if (within(owner)) return { record: r, range: owner!, data: false };
    if (within(r.dataRange)) return { record: r, range: r.dataRange!, data: true };
  }
  return undefined;
}

