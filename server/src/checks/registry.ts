/** Every rule, by id. Rule ids are stable: tools and configuration depend on them. */
import { bimiRules } from './bimi';
import { smtpTlsRules } from './smtptls';
import { dkimRules } from './dkim';
import { dmarcRules } from './dmarc';
import { modelRules } from './model';
import type { BimiRule, SmtpTlsRule, DkimRule, DmarcRule, ModelRule, Rule, SpfRule } from './rule';
import { senderRules } from './senderRules';
import { reportsShowFailingSenders } from './evidence';
import { spfRules } from './spf';
import { treeRules } from './tree';
import { metaRules, mtaStsPolicyRules, sourceRules, zoneRules } from './zone';

// Code-unit order: localeCompare would load the ICU collator at start-up (about 6 ms of every CLI run).
export const allRules: readonly Rule[] = [...zoneRules, ...sourceRules, ...mtaStsPolicyRules, ...metaRules, ...spfRules, ...dmarcRules, ...dkimRules, ...bimiRules, ...smtpTlsRules, ...modelRules, ...treeRules, ...senderRules, reportsShowFailingSenders].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export const rulesById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.id, r]));

export const spfRecordRules: readonly SpfRule[] = spfRules;
export const dmarcRecordRules: readonly DmarcRule[] = dmarcRules;
export const dkimRecordRules: readonly DkimRule[] = dkimRules;
export const bimiRecordRules: readonly BimiRule[] = bimiRules;
export const smtpTlsRecordRules: readonly SmtpTlsRule[] = smtpTlsRules;
export const crossRecordRules: readonly ModelRule[] = modelRules;

const seen = new Set<string>();
for (const r of allRules) {
  if (seen.has(r.id)) throw new Error(`duplicate rule id ${r.id}`);
  seen.add(r.id);
}
