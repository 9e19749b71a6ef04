/**
 * Whether a zone file serves what it writes at a name: not at or below one of its own delegations (NS
 * records at a name other than its apex) nor below a DNAME, where its servers answer with a referral or
 * a redirection instead (RFC 1034 §4.3.2, RFC 6672 §2.4).
 */
import type { ResourceRecord } from '../types';
import { isDynamic } from './dynamic';

/** What hides a name: the delegation (its NS records) or the DNAME above it, the topmost one. */
export interface Occluder<T> {
  by: 'delegation' | 'dname';
  name: string;
  entries: T[];
}

/** What one name holds that can hide the names below it (see occluderOf). */
export interface NameCut<T> {
  soa: boolean;
  ns: T[];
  /** The last DNAME at the name (it hides only the names below it). */
  dname?: T;
}

/**
 * What makes one file hold `owner` where its zone never serves it, if anything. `at(n)` gives the
 * entries at a name (`mine` keeps the file's, when `at` gives every file's) and `record` the record of
 * each. Only a zone the file holds whole (its SOA above the name) has delegations: a snippet's NS
 * records may be its own apex's. Infrastructure as code names the zone of its records instead
 * (ResourceRecord.zone): given `zone`, its apex is that name, and `mine` should keep that zone's records.
 * A caller asking for many owners with the same `at` and `mine` passes one `cuts` map for them all:
 * each name's entries are then read once, not once per owner below it.
 */
export function occluderOf<T>(owner: string, at: (n: string) => readonly T[], record: (e: T) => ResourceRecord, mine: (e: T) => boolean = () => true, zone?: string, cuts?: Map<string, NameCut<T>>): Occluder<T> | undefined {
  if (zone !== undefined && owner !== zone && !owner.endsWith(`.${zone}`)) return undefined;
  let found: Occluder<T> | undefined;
  for (let n = owner; ; ) {
    if (n === zone) return found;
    let cut = cuts?.get(n);
    if (!cut) {
      cut = nameCut(at(n), record, mine);
      cuts?.set(n, cut);
    }
    const dname = n !== owner ? cut.dname : undefined;
    // At the apex, NS records are the zone's own, not a delegation (and a DNAME there redirects what is below).
    if (cut.soa) return dname ? { by: 'dname', name: n, entries: [dname] } : found;
    // Everything under the topmost one is the child's, or redirected: it is the one that counts. A
    // DNAME beside a delegation is the child zone's data, like the rest at the cut.
    if (cut.ns.length) found = { by: 'delegation', name: n, entries: cut.ns };
    else if (dname) found = { by: 'dname', name: n, entries: [dname] };
    const dot = n.indexOf('.');
    if (dot < 0) return undefined;
    n = n.slice(dot + 1);
  }
}

function nameCut<T>(entries: readonly T[], record: (e: T) => ResourceRecord, mine: (e: T) => boolean): NameCut<T> {
  const cut: NameCut<T> = { soa: false, ns: [] };
  for (const e of entries) {
    if (!mine(e)) continue;
    const r = record(e);
    if (r.superseded || isDynamic(r)) continue;
    if (r.type === 'SOA') cut.soa = true;
    else if (r.type === 'NS') cut.ns.push(e);
    else if (r.type === 'DNAME') cut.dname = e;
  }
  return cut;
}

const cutsOf = new WeakMap<readonly ResourceRecord[], boolean>();

/**
 * Whether any record of a set can hide another (see occluderOf): an NS record below an apex its file
 * holds whole (its SOA) or below the zone an IaC record names, or a DNAME there. Most zones have none,
 * and then no name of theirs needs the walk up. Once per set of records.
 */
export function hasCuts(records: readonly ResourceRecord[]): boolean {
  let cuts = cutsOf.get(records);
  if (cuts !== undefined) return cuts;
  const apexes = new Set<string>();
  for (const r of records) if (r.type === 'SOA' && r.owner !== undefined && !r.superseded) apexes.add(r.owner);
  cuts = records.some((r) => !r.superseded && ((r.type === 'DNAME' && (apexes.size > 0 || r.zone !== undefined)) || (r.type === 'NS' && r.owner !== undefined && (r.zone !== undefined ? r.owner !== r.zone : apexes.size > 0 && !apexes.has(r.owner)))));
  cutsOf.set(records, cuts);
  return cuts;
}
