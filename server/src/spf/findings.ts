/**
 * Places the lookup-tree diagnostics of an SPF record on the record itself: on the term they are
 * about when it is in this record, else on the include/redirect of this record that leads to it.
 */
import type { AnalyzedSite } from '../checks/rule';
import { FindingSink, mapFix, usableFixes } from '../service';
import { flattenFixes } from './flatten';
import type { Finding, OffsetRange } from '../types';
import type { LookupTree } from './tree';
import { touchesHole } from '../records/holes';

export function treeFindings(a: AnalyzedSite, tree: LookupTree, sink: FindingSink): Finding[] {
  const spf = a.spf;
  if (!spf) return [];
  const before = sink.findings.length;
  for (const d of tree.diagnostics) {
    let range: OffsetRange | undefined;
    if (d.path.length <= 1) range = spf.terms.find((t) => t.text === d.term)?.range;
    else {
      const via = d.path[1];
      range = spf.terms.find((t) => (t.name === 'include' || t.name === 'redirect') && t.arg?.toLowerCase().replace(/\.$/, '') === via)?.range;
    }
    range ??= spf.version ?? { start: 0, end: Math.min(6, a.site.value.length) };
    // A lookup count is a floor where parts are not known (records/holes); a finding on such a part is not kept.
    if (touchesHole(a.site, range)) continue;
    // Too many lookups: the includes of workspace records that are only addresses can be written in place.
    const fixes = d.rule === 'spf/too-many-lookups' && !a.site.holes ? () => usableFixes(a.site, flattenFixes(spf, tree)).map((f) => mapFix(a.site, f)) : undefined;
    sink.add(d.rule, a.site.uri, a.site.map.toDocRange(range), d.message, { severity: d.severity, fixes });
  }
  return sink.findings.slice(before);
}
