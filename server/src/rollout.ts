/**
 * The DMARC policy ladder (RFC 9989): p=none → p=quarantine with t=y → p=quarantine → p=reject with
 * t=y → p=reject, each step one value edit, gated by what the aggregate reports say. Styles:
 * `rfc9989` (t only), `compatible` (pct=0 / pct=100 beside t for RFC 7489 receivers), `legacy`
 * (a pct ramp 10 → 25 → 50 → 100, pct being removed in RFC 9989).
 */
import type { ValueEdit, ValueFix } from './checks/rule';
import type { DmarcRecord } from './records/dmarc';
import type { Tag } from './records/taglist';
import { EVIDENCE_DAYS, recentReports, summarize, type AggregateReport, type FailingSource, type ReportSummary, type SummaryOptions } from './reports/aggregate';
import { endWithoutSeparators } from './util/text';

export type RolloutStyle = 'rfc9989' | 'compatible' | 'legacy';

export interface RolloutStep extends ValueFix {
  preferred: boolean;
  /** What the reports say, for the action's detail. */
  evidence: string;
  /** The step alone, without the evidence: `move to p=quarantine in test mode (t=y)`. */
  action: string;
  /** Sources the reports show failing with more than BLOCKING_SHARE of the messages (none without reports). */
  blockers: number;
}

/** Where a record stands on the ladder: 1 (p=none) to 5 (p=reject, enforced). */
export interface Stage {
  index: 1 | 2 | 3 | 4 | 5;
  label: string;
}

export const STAGES = 5;

/**
 * The stage of a DMARC record. A `p` that is not quarantine or reject counts as none, as RFC 9989
 * receivers read it (§4.7). `t=y` (RFC 9989) or a `pct` under 100 (RFC 7489) is the half step before
 * enforcement; with `pct` alone, RFC 9989 receivers enforce in full, which the label says.
 */
export function stageOf(record: DmarcRecord): Stage {
  const p = (record.byName.get('p')?.value ?? 'none').toLowerCase();
  if (p !== 'quarantine' && p !== 'reject') return { index: 1, label: 'monitoring only (p=none)' };
  const testing = record.byName.get('t')?.value === 'y';
  const pctText = record.byName.get('pct')?.value;
  const pct = pctText !== undefined && /^\d{1,3}$/.test(pctText) ? Number(pctText) : undefined;
  const base = p === 'quarantine' ? 2 : 4;
  if (testing) return { index: base as 2 | 4, label: `p=${p} in test mode (t=y)` };
  if (pct !== undefined && pct < 100) return { index: base as 2 | 4, label: `p=${p} on pct=${pct} of failing mail at RFC 7489 receivers (RFC 9989 receivers ignore pct and enforce it all)` };
  return p === 'quarantine' ? { index: 3, label: 'p=quarantine, enforced' } : { index: 5, label: 'p=reject, enforced' };
}

/** Failing sources above this share of volume block a preferred step. */
export const BLOCKING_SHARE = 0.02;

/** The failing sources that hold back the next stage: more than BLOCKING_SHARE of the mail, and not set aside (`aside`). */
export function blockingSources(s: ReportSummary): FailingSource[] {
  return s.failingSources.filter((f) => !f.aside && f.messages / s.messages > BLOCKING_SHARE);
}

/** The failing sources that would hold back the next stage but are set aside: listed as not ours, or forwarded. */
export function setAsideSources(s: ReportSummary): FailingSource[] {
  return s.failingSources.filter((f) => f.aside && f.messages / s.messages > BLOCKING_SHARE);
}

/** Why a source is set aside, as the messages say it. */
export function asideText(f: FailingSource): string {
  return f.aside === 'not ours' ? 'not ours by reports.notOurs' : 'forwarded, the receivers said';
}

/** `203.0.113.9 (4.1%, not ours by reports.notOurs)`, for the first three set aside; empty when none is. */
function asideList(s: ReportSummary, aside: readonly FailingSource[]): string {
  return aside
    .slice(0, 3)
    .map((f) => `${f.sourceIp} (${((f.messages / s.messages) * 100).toFixed(1)}%, ${asideText(f)})`)
    .join(', ') + (aside.length > 3 ? `, and ${aside.length - 3} more` : '');
}

function setTag(record: DmarcRecord, name: string, value: string | undefined): ValueEdit[] {
  const tag = record.byName.get(name);
  const v = record.value;
  if (tag && value === undefined) {
    // remove "; name=value" (or "name=value; ")
    let start = tag.range.start;
    let end = tag.range.end;
    let s = start;
    while (s > 0 && /\s/.test(v[s - 1])) s--;
    if (v[s - 1] === ';') start = s - 1;
    else {
      while (end < v.length && /[\s;]/.test(v[end])) end++;
    }
    return [{ range: { start, end }, newText: '' }];
  }
  if (tag && value !== undefined) return [{ range: tag.valueRange, newText: value }];
  if (value === undefined) return [];
  // Insert after p (or v) so the policy tags stay together.
  const after: Tag | undefined = record.byName.get('p') ?? record.byName.get('v');
  const at = after ? after.range.end : endWithoutSeparators(v);
  return [{ range: { start: at, end: at }, newText: `; ${name}=${value}` }];
}

/**
 * A next step as the code lens and the inventory say it: the action, and what holds it back
 * (`move to p=quarantine in test mode (t=y) — not yet: 1 source still fails DMARC`, or `— no reports yet`).
 */
export function nextStepText(step: RolloutStep, evidence: ReportSummary | undefined): string {
  const why =
    step.blockers > 0
      ? ` — not yet: ${step.blockers} source${step.blockers === 1 ? '' : 's'} still fail${step.blockers === 1 ? 's' : ''} DMARC`
      : !evidence || evidence.messages === 0
        ? ' — no reports yet'
        : '';
  return `${step.action}${why}`;
}

/** Reports whose newest ended more than this many days ago are said to be old. */
export const STALE_DAYS = 45;

/**
 * The evidence for the next step of a domain's policy: its reports of the last EVIDENCE_DAYS days, back
 * from the newest one, summed up. Mail of a sender fixed since then no longer holds the step back, and a
 * sender failing now is not diluted by months of clean mail before it. Reports without dates count only
 * when no report has one.
 */
export function evidenceOf(reports: readonly AggregateReport[], options: SummaryOptions = {}): ReportSummary {
  const recent = recentReports(reports);
  const s = summarize(recent, options);
  return recent.length < reports.length ? { ...s, leftOut: reports.length - recent.length } : s;
}

/**
 * What the reports say about tightening the policy: a phrase, and how many failing sources block it.
 * Reports that ended long before `now` (unix seconds) are said to be old: collect fresh ones.
 */
export function describe(s: ReportSummary | undefined, now = Date.now() / 1000): { text: string; blockers: number } {
  if (!s || s.messages === 0) return { text: 'no aggregate reports for this domain in the workspace', blockers: 0 };
  const days = s.begin && s.end ? Math.max(1, Math.round((s.end - s.begin) / 86400)) : undefined;
  const failing = blockingSources(s);
  const aside = setAsideSources(s);
  const age = s.end !== undefined ? Math.floor((now - s.end) / 86400) : undefined;
  const text = `${(s.passRate * 100).toFixed(1)}% DMARC pass over ${s.messages.toLocaleString('en-US')} messages${days ? ` in ${days} day${days === 1 ? '' : 's'}` : ''}, ${s.reports} report${s.reports === 1 ? '' : 's'}${
    s.leftOut ? ` (the last ${EVIDENCE_DAYS} days; ${s.leftOut} older report${s.leftOut === 1 ? '' : 's'} left out)` : ''
  }${failing.length ? `; still failing: ${failing.slice(0, 3).map((f) => `${f.sourceIp} (${((f.messages / s.messages) * 100).toFixed(1)}%)`).join(', ')}` : ''}${aside.length ? `; failing, not counted: ${asideList(s, aside)}` : ''}${
    age !== undefined && age > STALE_DAYS ? `; old: the newest report ended ${age} days ago` : ''
  }`;
  return { text, blockers: failing.length };
}

/**
 * Insertions at one offset become one edit, so their order is never ambiguous; an insertion that
 * would fall inside a tag being removed (a record with neither v= nor p= to insert after) goes
 * before it, so no two edits overlap.
 */
function merge(edits: ValueEdit[]): ValueEdit[] {
  const out: ValueEdit[] = [];
  // Two removals that share a separator (`pct=x;t=y` loses `pct=x;` and `;t=y`) become one removal of both.
  const removals = edits.filter((e) => e.newText === '' && e.range.start < e.range.end).sort((a, b) => a.range.start - b.range.start);
  const united: ValueEdit[] = [];
  for (const e of removals) {
    const last = united[united.length - 1];
    if (last && e.range.start < last.range.end) last.range = { start: last.range.start, end: Math.max(last.range.end, e.range.end) };
    else united.push({ range: { ...e.range }, newText: '' });
  }
  edits = [...edits.filter((e) => !(e.newText === '' && e.range.start < e.range.end)), ...united];
  edits = edits.map((e) => {
    if (e.range.start !== e.range.end) return e;
    const around = edits.find((x) => x.range.start < e.range.start && e.range.start < x.range.end);
    return around ? { range: { start: around.range.start, end: around.range.start }, newText: e.newText } : e;
  });
  for (const e of edits) {
    const prev = out.find((x) => x.range.start === e.range.start && x.range.end === e.range.start && e.range.end === e.range.start);
    if (prev) prev.newText += e.newText;
    else out.push({ range: { ...e.range }, newText: e.newText });
  }
  // In document order, an insertion before a removal that starts where it is (as LSP wants it).
  return out.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/** The next step(s) of the ladder for a DMARC record, or none when it is at p=reject. */
export function nextSteps(record: DmarcRecord, evidence: ReportSummary | undefined, style: RolloutStyle = 'rfc9989'): RolloutStep[] {
  const p = (record.byName.get('p')?.value ?? 'none').toLowerCase();
  const testing = record.byName.get('t')?.value === 'y';
  const pct = record.byName.get('pct') ? Number(record.byName.get('pct')!.value) : undefined;
  const { text, blockers } = describe(evidence);
  const step = (action: string, edits: ValueEdit[]): RolloutStep => ({
    title: `DMARC: ${action} — ${text}`,
    action,
    edits: merge(edits),
    preferred: blockers === 0 && evidence !== undefined && evidence.messages > 0,
    evidence: text,
    blockers,
  });
  const np = record.byName.has('np') ? [] : setTag(record, 'np', 'reject');
  if (style === 'legacy') {
    const ramp = [10, 25, 50, 100];
    // t=y is RFC 9989's test mode: it may stay on while pct ramps up, and goes with the step to pct=100,
    // or RFC 9989 receivers would never enforce the policy the ramp ends at.
    const dropTesting = testing ? setTag(record, 't', undefined) : [];
    if (p === 'reject' && (pct === undefined || pct >= 100)) return testing ? [step('enforce p=reject (drop t=y)', dropTesting)] : [];
    if (p === 'none') return [step('move to p=quarantine; pct=10 (pct is removed in RFC 9989)', [...setTag(record, 'p', 'quarantine'), ...setTag(record, 'pct', '10')])];
    const next = ramp.find((r) => r > (pct ?? 100));
    if (next !== undefined) return [step(`raise pct to ${next}${next === 100 && testing ? ' and drop t=y' : ''} (pct is removed in RFC 9989)`, [...setTag(record, 'pct', String(next)), ...(next === 100 ? dropTesting : [])])];
    if (p === 'quarantine' && testing) return [step('enforce p=quarantine (drop t=y)', dropTesting)];
    return [step('move to p=reject; pct=10 (pct is removed in RFC 9989)', [...setTag(record, 'p', 'reject'), ...setTag(record, 'pct', '10')])];
  }
  const compat = style === 'compatible';
  if (p === 'none')
    return [step(`move to p=quarantine in test mode (t=y)${compat ? ' with pct=0 for RFC 7489 receivers' : ''}`, [...setTag(record, 'p', 'quarantine'), ...setTag(record, 't', 'y'), ...setTag(record, 'pct', compat ? '0' : undefined), ...np])];
  if (p === 'quarantine' && testing) return [step('enforce p=quarantine (drop t=y)', [...setTag(record, 't', undefined), ...setTag(record, 'pct', compat ? '100' : undefined)])];
  if (p === 'quarantine') return [step(`move to p=reject in test mode (t=y)${compat ? ' with pct=0' : ''}`, [...setTag(record, 'p', 'reject'), ...setTag(record, 't', 'y'), ...setTag(record, 'pct', compat ? '0' : undefined)])];
  if (p === 'reject' && testing) return [step('enforce p=reject (drop t=y)', [...setTag(record, 't', undefined), ...setTag(record, 'pct', compat ? '100' : undefined)])];
  return [];
}

/** The policy a report saw (`policy_published`) is the last stage: p=reject on all mail, not in test mode. */
export function atLastStage(published?: { p?: string; pct?: number; testing?: string }): boolean {
  return published?.p?.trim().toLowerCase() === 'reject' && (published.pct === undefined || published.pct >= 100) && published.testing?.trim().toLowerCase() !== 'y';
}

/** One sentence on whether the reports allow tightening the policy (the one `published`, as the latest report saw it); the preview and the actions agree. */
export function verdict(s: ReportSummary | undefined, published?: { p?: string; pct?: number; testing?: string }): string {
  if (!s || s.messages === 0) return 'No messages in these reports yet: keep p=none and collect reports before tightening the policy.';
  const failing = blockingSources(s);
  const aside = setAsideSources(s);
  // The policy the latest report saw is already the last stage: nothing to tighten.
  const enforced = atLastStage(published);
  if (enforced)
    return failing.length === 0
      ? `Reports look clean (${(s.passRate * 100).toFixed(1)}% DMARC pass) at p=reject, the last stage: keep reading them for senders you have not authorised yet.`
      : `At p=reject, ${failing.length} source${failing.length === 1 ? '' : 's'} fail${failing.length === 1 ? 's' : ''} DMARC with more than ${BLOCKING_SHARE * 100}% of the messages (${failing.slice(0, 3).map((f) => f.sourceIp).join(', ')}), and receivers reject that mail: authorise ${failing.length === 1 ? 'it' : 'them'} if ${failing.length === 1 ? 'it is' : 'they are'} yours (SPF with a custom return path, or DKIM signing with your domain).`;
  if (failing.length === 0)
    return aside.length
      ? `No source of yours fails DMARC with more than ${BLOCKING_SHARE * 100}% of the messages (${(s.passRate * 100).toFixed(1)}% DMARC pass; failing, not counted: ${asideList(s, aside)}): the domain can move to the next DMARC stage.`
      : `Reports look clean (${(s.passRate * 100).toFixed(1)}% DMARC pass): the domain can move to the next DMARC stage.`;
  return `Not yet: ${failing.length} source${failing.length === 1 ? '' : 's'} still fail${failing.length === 1 ? 's' : ''} DMARC with more than ${BLOCKING_SHARE * 100}% of the messages (${failing.slice(0, 3).map((f) => f.sourceIp).join(', ')}); authorise ${failing.length === 1 ? 'it' : 'them'} if ${failing.length === 1 ? 'it is' : 'they are'} yours (SPF with a custom return path, or DKIM signing with your domain), or list ${failing.length === 1 ? 'it' : 'them'} in reports.notOurs if not, before tightening the policy.`;
}
