/**
 * Flattening an include the workspace defines, the fix of too many DNS lookups (RFC 7208 §4.6.4) that
 * needs no DNS: `include:_spf.example.com` becomes the `ip4`/`ip6` terms of that record, when they are
 * all it authorises. Only records of the workspace are flattened, never a platform's (its ranges
 * change without telling anyone), and the fix says that the copy no longer follows the record.
 *
 * `include:x` matches exactly when check_host() of x returns pass (RFC 7208 §5.2). For x written as
 * `+`-qualified `ip4`/`ip6` terms (and includes of records like it) followed by an `all` that is not
 * `+all`, or by nothing, that is when the client is in one of those networks: the same as those terms
 * written in place of the include, with the include's qualifier. Anything else (a non-`+` term that
 * may come first, `a`, `mx`, `exists`, a `redirect`, a macro, a record with a syntax problem) is not
 * flattened.
 */
import type { ValueFix } from '../checks/rule';
import { parseSpf, type SpfRecord } from '../records/spf';
import type { LookupTree, TreeNode } from './tree';

const MAX_DEPTH = 10;
/** The size RFC 7208 §3.4 asks SPF records to stay under (spf/record-too-long). */
const MAX_BYTES = 450;

/** The address terms an `include:` of this node matches on, in order, or undefined when it is not only addresses. */
export function flatAddresses(node: TreeNode, depth = 0): string[] | undefined {
  if (depth > MAX_DEPTH || !node.record || node.error || !node.source?.startsWith('workspace file')) return undefined;
  const rec = parseSpf(node.record);
  if (rec.problems.length || rec.terms.some((t) => t.invalid)) return undefined;
  const hasAll = rec.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const out: string[] = [];
  for (const t of rec.terms) {
    if (t.kind === 'modifier') {
      // Without `all`, a redirect decides what the other terms leave: not flattened. With it, ignored.
      if (t.name === 'redirect' && !hasAll) return undefined;
      continue;
    }
    if (t.name === 'all') {
      if (t.qualifier === '+') return undefined;
      break; // terms after `all` are never reached
    }
    if (t.qualifier !== '+') return undefined;
    if (t.name === 'ip4' || t.name === 'ip6') out.push(t.text.replace(/^\+/, ''));
    else if (t.name === 'include') {
      const child = node.terms.find((x) => x.text === t.text)?.child;
      const inner = child && flatAddresses(child, depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    } else return undefined;
  }
  return [...new Set(out)];
}

/**
 * One fix per `include:` of the record whose target flattens, the costliest first. The tree must be
 * the record's own (the workspace's record at the name is this value), or its terms are not these.
 */
export function flattenFixes(spf: SpfRecord, tree: LookupTree): ValueFix[] {
  if (tree.tree.record !== spf.value) return [];
  const fixes: { fix: ValueFix; cost: number }[] = [];
  for (const term of tree.tree.terms) {
    if (term.name !== 'include' || !term.child) continue;
    const own = spf.terms.find((t) => t.name === 'include' && t.text === term.text);
    const flat = own && flatAddresses(term.child);
    if (!own || !flat) continue;
    const q = own.qualifier === '+' ? '' : own.qualifier;
    const target = term.child.domain;
    // An include that authorises nothing goes, with the space before it.
    const range = flat.length ? own.range : { start: spf.value[own.range.start - 1] === ' ' ? own.range.start - 1 : own.range.start, end: own.range.end };
    const newText = flat.map((x) => q + x).join(' ');
    // Not when the record would outgrow one UDP answer (RFC 7208 §3.4): that trades one failure for another.
    if (Buffer.byteLength(spf.value, 'utf8') - (range.end - range.start) + Buffer.byteLength(newText, 'utf8') > MAX_BYTES) continue;
    const what = flat.length ? `into ${flat.length === 1 ? flat[0] : `its ${flat.length} address terms`}` : '(it authorises no address)';
    fixes.push({
      cost: term.cost,
      fix: {
        title: `Flatten \`${own.text}\` ${what}: ${term.cost} DNS lookup${term.cost === 1 ? '' : 's'} fewer, and later changes to ${target} no longer reach this record`,
        edits: [{ range, newText }],
      },
    });
  }
  return fixes.sort((a, b) => b.cost - a.cost).map((f) => f.fix);
}
