/** Grouping helpers of the rules across records: records by name, and the findings of a name with several. */
import type { AnalyzedSite, ModelContext } from './rule';

export function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    if (k === undefined) continue;
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

/** Related places shown per finding: the first few others. Every record of n at one name pointing to all the others would be n² entries (thousands of records at one name ran out of memory). */
const MAX_RELATED = 10;

/** Up to MAX_RELATED items of `list` other than `self`, in order, without walking the whole list. */
export function others<T>(list: readonly T[], self: T): T[] {
  const out: T[] = [];
  for (const o of list) {
    if (o === self) continue;
    if (out.push(o) >= MAX_RELATED) break;
  }
  return out;
}

/**
 * For every name that holds more than one of `sites` (records of one kind that receivers keep), a
 * finding on each of them, with the first few others as related places.
 */
export function reportSeveral(ctx: ModelContext, sites: readonly AnalyzedSite[], what: string, message: (owner: string, n: number) => string): void {
  for (const [owner, list] of groupBy(sites, (s) => s.site.owner)) {
    if (list.length < 2) continue;
    for (const s of list) ctx.report(s.site, 'record', message(owner, list.length), { related: others(list, s).map((o) => ({ site: o.site, message: `another ${what} record at this name` })) });
  }
}
