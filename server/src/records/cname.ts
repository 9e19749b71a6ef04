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

/** Lower case, no trailing dot; a source other than a zone file writes its targets absolute. */
export function cnameTarget(record: ResourceRecord): string {
  return targets.get(record) ?? (record.rdata[0] ?? '').toLowerCase().replace(/\.$/, '');
}

/** An NS record's host (the name server), as cnameTarget. */
export const nsHost = cnameTarget;

/** An SRV record's target, as cnameTarget; empty for `.`, "no such service here" (RFC 2782). */
export function srvTarget(record: ResourceRecord): string {
  return targets.get(record) ?? (record.rdata[3] ?? '').toLowerCase().replace(/\.$/, '');
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
