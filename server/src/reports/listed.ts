/**
 * What the aggregate reports show of the entries of `reports.notOurs` (the sources the owner listed as
 * not theirs): for the rule that catches an entry the SPF record authorises (meta/not-ours-authorised)
 * and the hover on an entry.
 */
import { cidrIndex } from '../util/cidr';
import { dmarcPasses, fromDomain, type AggregateReport } from './aggregate';

export interface ListedMail {
  messages: number;
  /** Of them, failing DMARC. */
  failing: number;
  /** Messages by source address. */
  byIp: Map<string, number>;
  /** The From domains ('' when neither the record nor the policy names one). */
  froms: Set<string>;
  /** The span of the reports that hold them (unix seconds). */
  first?: number;
  last?: number;
  /** The mail that passed DMARC through aligned SPF: the SPF record authorises its sources. */
  spf: { messages: number; ips: Set<string>; froms: Set<string> };
}

/** The mail of each entry (an address counts under the first entry that covers it), in the order of `cidrs`. */
export function listedMail(reports: readonly AggregateReport[], cidrs: readonly string[]): ListedMail[] {
  const out = cidrs.map((): ListedMail => ({ messages: 0, failing: 0, byIp: new Map(), froms: new Set(), spf: { messages: 0, ips: new Set(), froms: new Set() } }));
  const entryAt = cidrIndex(cidrs);
  const entryOf = new Map<string, number>();
  for (const r of reports)
    for (const rec of r.records) {
      let i = entryOf.get(rec.sourceIp);
      if (i === undefined) entryOf.set(rec.sourceIp, (i = entryAt(rec.sourceIp)));
      if (i < 0) continue;
      const e = out[i];
      const from = fromDomain(rec, r);
      e.messages += rec.count;
      if (!dmarcPasses(rec)) e.failing += rec.count;
      e.byIp.set(rec.sourceIp, (e.byIp.get(rec.sourceIp) ?? 0) + rec.count);
      e.froms.add(from);
      if (r.metadata.begin !== undefined) e.first = Math.min(e.first ?? r.metadata.begin, r.metadata.begin);
      if (r.metadata.end !== undefined) e.last = Math.max(e.last ?? r.metadata.end, r.metadata.end);
      if (rec.spf === 'pass') {
        e.spf.messages += rec.count;
        e.spf.ips.add(rec.sourceIp);
        e.spf.froms.add(from);
      }
    }
  return out;
}
