/**
 * Whether a zone file serves what it writes at a name: not at or below one of its own delegations (NS
 * records at a name other than its apex) nor below a DNAME, where its servers answer with a referral or
 * a redirection instead (RFC 1034 §4.3.2, RFC 6672 §2.4).
 */
import type { ResourceRecord } from '../types';
import { isDynamic } from './dynamic';

/**
 * Whether one file holds `owner` where its zone never serves it. `at(n)` gives the file's entries at a
 * name (`mine` keeps the file's, when `at` gives every file's) and `record` the record of each. Only a zone the file holds whole (its SOA above the name) has
 * delegations: a snippet's NS records may be its own apex's.
 */
export function isOccluded<T>(owner: string, at: (n: string) => readonly T[], record: (e: T) => ResourceRecord, mine: (e: T) => boolean = () => true): boolean {
  let hidden = false;
  for (let n = owner; ; ) {
    let soa = false;
    let ns = false;
    for (const e of at(n)) {
      if (!mine(e)) continue;
      const r = record(e);
      if (r.superseded || isDynamic(r)) continue;
      if (r.type === 'SOA') soa = true;
      else if (r.type === 'NS') ns = true;
      else if (r.type === 'DNAME' && n !== owner) hidden = true;
    }
    // At the apex, NS records are the zone's own, not a delegation.
    if (soa) return hidden;
    if (ns) hidden = true;
    const dot = n.indexOf('.');
    if (dot < 0) return false;
    n = n.slice(dot + 1);
  }
}
