/**
 * CNAMEs across the model and the workspace, followed forwards as resolvers do, and backwards: records
 * at a name that is not where they are looked up, but that a CNAME from such a name leads to:
 * `s1._domainkey CNAME s1.keys`, `_dmarc.brand.example CNAME brand.example.policies.example.net`. A
 * resolver follows the CNAME (RFC 1034 §3.6.2), so the record there is found; the wrong-owner rules ask
 * this before they report one.
 */
import { cnameTarget, MAX_CNAME_CHAIN } from '../records/cname';
import { isDynamic } from '../records/dynamic';
import type { ResourceRecord } from '../types';
import type { DnsModel } from './rule';

/** The CNAME at a name, in the model or else in the rest of the workspace (one a DNS host flattens is not one there): what resolvers follow, forwards. */
export function cnameIn(model: DnsModel): (name: string) => ResourceRecord | undefined {
  return (name) => model.cnames().get(name) ?? model.workspace?.at(name).find((e) => e.record.type === 'CNAME' && !e.record.flattened)?.record;
}

/**
 * Whether a chain of CNAMEs from a name `proper` accepts (in the model or elsewhere in the workspace)
 * ends at a name. The model's CNAMEs are indexed by target once, on the first question.
 */
export function reachedFrom(model: DnsModel, proper: (owner: string) => boolean): (name: string) => boolean {
  let local: Map<string, ResourceRecord[]> | undefined;
  const referrers = (name: string): ResourceRecord[] => {
    if (!local) {
      local = new Map();
      for (const r of model.cnames().values()) {
        if (isDynamic(r) || r.flattened) continue;
        const t = cnameTarget(r);
        const l = local.get(t);
        if (l) l.push(r);
        else local.set(t, [r]);
      }
    }
    const here = local.get(name) ?? [];
    const there = model.workspace?.cnamesTo?.(name) ?? [];
    return there.length ? here.concat(there.map((e) => e.record).filter((r) => !isDynamic(r))) : here;
  };
  return (name) => {
    // Backwards from the record's name, as far as a resolver follows a chain forwards.
    const seen = new Set([name]);
    let frontier = [name];
    for (let links = 0; links < MAX_CNAME_CHAIN && frontier.length; links++) {
      const next: string[] = [];
      for (const n of frontier)
        for (const r of referrers(n)) {
          const o = r.owner;
          if (o === undefined || seen.has(o)) continue;
          if (proper(o)) return true;
          seen.add(o);
          next.push(o);
        }
      frontier = next;
    }
    return false;
  };
}
