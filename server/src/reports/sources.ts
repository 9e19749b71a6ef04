/**
 * Whether the sources of an aggregate report that no platform of the catalog names are the domain's own:
 * RFC 7208 check_host() for each such source IP against the SPF record of the From domain it sent for,
 * answered by the workspace's records alone (no DNS query), so the report's "192.0.2.25" reads as the
 * domain's own server, or as a source its SPF record does not authorise. A result the workspace cannot
 * decide (an include outside it, a macro) says nothing.
 */
import type { Resolver } from '../dns/types';
import { checkHost } from '../spf/evaluator';
import { fromDomain, type AggregateReport } from './aggregate';
import { RECORDS_PER_SLICE, serviceOf, type SourceOf } from './stats';
import { nextTurn } from '../util/steps';
import { within } from '../util/within';

/** The most source/From pairs evaluated (by volume): a report of 100 000 sources is not evaluated whole. */
export const MAX_SOURCES = 500;

export async function workspaceSources(reports: readonly AggregateReport[], resolver: Resolver, max = MAX_SOURCES, budgetMs?: number): Promise<SourceOf> {
  const volume = new Map<string, number>();
  let slice = 0;
  for (const r of reports)
    for (const rec of r.records) {
      // A report of 100 000 sources: the event loop runs between slices of them.
      if (++slice === RECORDS_PER_SLICE) {
        slice = 0;
        await nextTurn();
      }
      if (!rec.sourceIp || serviceOf(rec)) continue;
      const from = fromDomain(rec, r);
      if (!from) continue;
      const key = `${rec.sourceIp} ${from}`;
      volume.set(key, (volume.get(key) ?? 0) + rec.count);
    }
  const pairs = [...volume.entries()].sort((a, b) => b[1] - a[1]).slice(0, max).map(([k]) => k);
  const said = new Map<string, string>();
  // With a budget (a resolver that asks DNS), what has not come by then says nothing.
  let open = true;
  await within(
    Promise.all(
      pairs.map(async (key) => {
        const [ip, from] = key.split(' ');
        const v = await verdict(ip, from, resolver);
        if (v && open) said.set(key, v);
      }),
    ),
    budgetMs,
  );
  open = false;
  return (ip, from) => said.get(`${ip} ${from}`);
}

/** What the SPF record of `from` says of `ip` (check_host), when it decides: pass, fail or softfail. */
async function verdict(ip: string, from: string, resolver: Resolver): Promise<string | undefined> {
  try {
    const r = await checkHost({ ip, sender: `postmaster@${from}`, helo: from, resolver });
    if (r.result === 'pass') return `authorised by the SPF record of ${from}`;
    if (r.result === 'fail' || r.result === 'softfail') return `not authorised by the SPF record of ${from} (${r.result})`;
  } catch {
    // An address the evaluator refuses says nothing.
  }
  return undefined;
}

export interface SourceVerdicts {
  /** By source address: what the SPF record of the From domain it sent most mail for says of it. */
  spf: Record<string, string>;
  /** Sources asked, and those whose verdict did not come within the budget or was not decided (neutral, none, an error). */
  asked: number;
  undecided: number;
}

/**
 * The SPF verdicts of the sources no platform names, each for the From domain it sent most mail for (as
 * the preview's services table pairs them), by address, the `max` with most mail, asked of `resolver`
 * (the workspace's records, then DNS) within `budgetMs`: what the preview fills in after it is shown,
 * where the workspace alone could not decide (an include of a provider outside it, a domain whose SPF
 * record is not in the files). A verdict that comes after the budget is dropped.
 */
export async function sourceVerdicts(reports: readonly AggregateReport[], resolver: Resolver, options: { max?: number; budgetMs?: number } = {}): Promise<SourceVerdicts> {
  const { max = 100, budgetMs = 4000 } = options;
  // Per address, its mail and the From domains it sent for, in the order met (the first of equal volume wins, as in reportStats).
  const byIp = new Map<string, { messages: number; froms: Map<string, number> }>();
  for (const r of reports)
    for (const rec of r.records) {
      if (!rec.sourceIp || serviceOf(rec)) continue;
      const from = fromDomain(rec, r);
      let s = byIp.get(rec.sourceIp);
      if (!s) byIp.set(rec.sourceIp, (s = { messages: 0, froms: new Map() }));
      s.messages += rec.count;
      if (from) s.froms.set(from, (s.froms.get(from) ?? 0) + rec.count);
    }
  const chosen: [string, string][] = [];
  for (const [ip, s] of [...byIp.entries()].sort((a, b) => b[1].messages - a[1].messages).slice(0, max)) {
    let from: string | undefined;
    let most = -1;
    for (const [f, n] of s.froms)
      if (n > most) {
        from = f;
        most = n;
      }
    if (from !== undefined) chosen.push([ip, from]);
  }
  const spf: Record<string, string> = {};
  let open = true;
  await within(
    Promise.all(
      chosen.map(async ([ip, from]) => {
        const v = await verdict(ip, from, resolver);
        if (v && open) spf[ip] = v;
      }),
    ),
    budgetMs,
  );
  open = false;
  return { spf, asked: chosen.length, undecided: chosen.length - Object.keys(spf).length };
}
