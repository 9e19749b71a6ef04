/**
 * Whether the sources of an aggregate report that no platform of the catalog names are the domain's own:
 * RFC 7208 check_host() for each such source IP against the SPF record of the From domain it sent for,
 * answered by the workspace's records alone (no DNS query), so the report's "192.0.2.25" reads as the
 * domain's own server, or as a source its SPF record does not authorise. A result the workspace cannot
 * decide (an include outside it, a macro) says nothing.
 */
import type { Resolver } from '../dns/types';
import { checkHost } from '../spf/evaluator';
import type { AggregateReport } from './aggregate';
import { serviceOf, type SourceOf } from './stats';

/** The most source/From pairs evaluated (by volume): a report of 100 000 sources is not evaluated whole. */
export const MAX_SOURCES = 500;

export async function workspaceSources(reports: readonly AggregateReport[], resolver: Resolver, max = MAX_SOURCES): Promise<SourceOf> {
  const volume = new Map<string, number>();
  for (const r of reports)
    for (const rec of r.records) {
      if (!rec.sourceIp || serviceOf(rec)) continue;
      const from = (rec.headerFrom || r.policy.domain).toLowerCase().replace(/\.$/, '');
      if (!from) continue;
      const key = `${rec.sourceIp} ${from}`;
      volume.set(key, (volume.get(key) ?? 0) + rec.count);
    }
  const pairs = [...volume.entries()].sort((a, b) => b[1] - a[1]).slice(0, max).map(([k]) => k);
  const said = new Map<string, string>();
  await Promise.all(
    pairs.map(async (key) => {
      const [ip, from] = key.split(' ');
      try {
        const r = await checkHost({ ip, sender: `postmaster@${from}`, helo: from, resolver });
        if (r.result === 'pass') said.set(key, `authorised by the SPF record of ${from}`);
        else if (r.result === 'fail' || r.result === 'softfail') said.set(key, `not authorised by the SPF record of ${from} (${r.result})`);
      } catch {
        // An address the evaluator refuses says nothing.
      }
    }),
  );
  return (ip, from) => said.get(`${ip} ${from}`);
}
