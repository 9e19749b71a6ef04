/**
 * Record values with parts not known statically: a Terraform template `"v=DMARC1; p=reject;
 * rua=mailto:dmarc@${var.domain}"`. The source writes HOLE where each unknown part stands and marks the
 * site (RecordSite.holes); the rest of the value is checked as written. A finding is kept only when
 * nothing the unknown part could be would change it:
 * - not on the term that holds a hole, or next to it (its extent runs to the nearest space or `;`);
 * - not from a rule that judges the record as a whole: what it lacks, its length, the order of its
 *   terms (RuleMeta.wholeRecord).
 * A fix whose edit touches a hole's term is dropped the same way.
 */
import type { OffsetRange, RecordSite } from '../types';
import type { Tag } from './taglist';

/** The character a source writes for each unknown part (Private Use Area: no record holds it). */
export const HOLE = '\uE000';

/**
 * Whether what a value writes before its first unknown part already says what record it is
 * (`v=spf1 `, `v=DMARC1;`, `v=DKIM1;`, `k=rsa;`): only then is the rest checked.
 */
export function startsAsRecord(prefix: string): boolean {
  return /^\s*"?\s*(v\s*=\s*(spf1\s|DMARC1\s*;|DKIM1\s*;|BIMI1\s*;|TLSRPTv1\s*;|STSv1\s*;)|k\s*=\s*(rsa|ed25519)\s*;)/i.test(prefix);
}

/** The note a source gives a value it checks around its unknown parts; `what` names the first, as written. */
export function checkedAround(what: string): string {
  return `This TXT value contains ${what}, which is not known statically; the rest of it is checked, and what that part could change is not reported.`;
}

const extents = new WeakMap<RecordSite, OffsetRange[]>();

/** The terms of `value` that hold a hole: from each hole out to the nearest space or `;` on either side. */
export function holeExtents(value: string): OffsetRange[] {
  const out: OffsetRange[] = [];
  for (let i = value.indexOf(HOLE); i >= 0; i = value.indexOf(HOLE, i + 1)) {
    let s = i;
    let e = i + 1;
    while (s > 0 && !/[\s;]/.test(value[s - 1])) s--;
    while (e < value.length && !/[\s;]/.test(value[e])) e++;
    const last = out[out.length - 1];
    if (last && s <= last.end) last.end = Math.max(last.end, e);
    else out.push({ start: s, end: e });
  }
  return out;
}

/**
 * Whether a value range overlaps, holds or borders a term of `site` that holds a hole. An edit
 * (`edit`) may border one: removing `pct=100; ` before `rua=mailto:a@${…}` leaves that term as it is.
 */
export function touchesHole(site: RecordSite, range: OffsetRange, edit = false): boolean {
  if (!site.holes) return false;
  let ext = extents.get(site);
  if (!ext) extents.set(site, (ext = holeExtents(site.value)));
  return edit ? ext.some((x) => range.start < x.end && range.end > x.start) : ext.some((x) => range.start <= x.end && range.end >= x.start);
}

/**
 * Whether every hole of a tag-list value (DMARC, DKIM) lies inside the value of a tag whose name is
 * written and `allowed`: then what reads the other tags (the DMARC rollout ladder) knows them all.
 */
export function holesOnlyInValuesOf(value: string, tags: readonly Tag[], allowed: (name: string) => boolean): boolean {
  for (let i = value.indexOf(HOLE); i >= 0; i = value.indexOf(HOLE, i + 1))
    if (!tags.some((t) => t.valueRange.start <= i && i < t.valueRange.end && allowed(t.name))) return false;
  return true;
}
