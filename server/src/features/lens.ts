/**
 * What the code lenses above records say, apart from any protocol: above a DMARC record, the stage of
 * the policy ladder it is at with what the aggregate reports say, and its next step (RFC 9989 §4.7,
 * the rollout of rollout.ts); above an SPF record, its lookup count (RFC 7208 §4.6.4), which opens the
 * whole include tree.
 */
import type { DmarcRecord } from '../records/dmarc';
import type { ReportSummary } from '../reports/aggregate';
import { BLOCKING_SHARE, blockingSources, describe, nextStepText, STAGES, stageOf, type RolloutStep } from '../rollout';
import { LOOKUP_LIMIT, type LookupTree, type TreeNode } from '../spf/tree';

export interface DmarcLenses {
  /** `DMARC stage 1/5: monitoring only (p=none) · 99.0% DMARC pass over …`. */
  status: string;
  /** The next step, when the record is not at p=reject enforced: `Next: move to p=quarantine in test mode (t=y)`. */
  next?: { title: string };
}

/** The lenses of a record and the next step its document can take (none at the last rung, or on a generated value). */
export function dmarcLenses(record: DmarcRecord, evidence: ReportSummary | undefined, step: RolloutStep | undefined): DmarcLenses {
  const stage = stageOf(record);
  const status = `DMARC stage ${stage.index}/${STAGES}: ${stage.label} · ${describe(evidence).text}`;
  if (!step) return { status };
  return { status, next: { title: `Next: ${nextStepText(step, evidence)}` } };
}

/**
 * `SPF: 7/10 DNS lookups, 1 void · show tree`. The count is a floor (`at least`) when parts of the
 * record are not known statically or targets could not be resolved (offline, or DNS failing): their
 * subtrees are not in it.
 */
export function spfLensTitle(t: LookupTree, holes: boolean): string {
  const unresolved = unresolvedTargets(t.tree);
  const over = t.lookups > LOOKUP_LIMIT ? ' (permerror)' : '';
  const voids = t.voidLookups ? `, ${t.voidLookups} void` : '';
  const missing = unresolved ? `, ${unresolved} include${unresolved === 1 ? '' : 's'} not resolved` : '';
  return `SPF: ${holes || unresolved ? 'at least ' : ''}${t.lookups}/${LOOKUP_LIMIT} DNS lookups${voids}${missing}${over} · show tree`;
}

/** Include and redirect targets whose record could not be fetched: DNS gave an error, not an answer. */
function unresolvedTargets(node: TreeNode): number {
  let n = 0;
  for (const term of node.terms) if (term.child) n += term.child.error?.startsWith('could not resolve') ? 1 : unresolvedTargets(term.child);
  return n;
}

/** The question before a step the reports do not back: what would happen to whom, then "apply anyway?". */
export function confirmStep(step: RolloutStep, evidence: ReportSummary | undefined, domain: string): string {
  const target = /p=(quarantine|reject)/.exec(step.action)?.[0] ?? 'the next stage';
  const why =
    step.blockers > 0 && evidence
      ? `the aggregate reports for ${domain} show ${step.blockers} source${step.blockers === 1 ? '' : 's'} failing DMARC with more than ${BLOCKING_SHARE * 100}% of the messages (${blockingSources(evidence).slice(0, 3).map((f) => f.sourceIp).join(', ')}); at ${target} their mail would be lost if they are your own senders`
      : `no aggregate reports for ${domain} are in the workspace, so nothing shows which senders would fail at ${target}`;
  return `DMARC Lens: ${why}. ${step.action[0].toUpperCase()}${step.action.slice(1)} anyway?`;
}
