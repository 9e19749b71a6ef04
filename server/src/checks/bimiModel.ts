/**
 * BIMI rules across records: where a BIMI record is published (`<selector>._bimi.<domain>`, one
 * record there), and the DMARC policy it depends on. BIMI shows a brand's logo only for mail whose
 * DMARC policy is at enforcement: the goal many DMARC rollouts are for. A BIMI record published while
 * the policy that covers its domain still monitors (p=none), tests (t=y, pct under 100) or leaves
 * subdomains out (sp=none) shows no logo anywhere; dmarc/bimi-without-enforcement says which tag
 * holds it back.
 */
import { bimiName, looksLikeBimi } from '../records/bimi';
import { tagNamed } from '../records/taglist';
import type { Entry } from '../senders/analyze';
import { LOGO, VMC } from './bimi';
import { reportSeveral } from './group';
import type { AnalyzedSite, ModelRule } from './rule';
import { modelCoverage } from './walk';
import { OPAQUE } from '../senders/treewalk';
import { reachedFrom } from './reached';


/** A BIMI record whose owner name is known. */
const bimiSites = (sites: readonly AnalyzedSite[]) => sites.filter((s) => s.kind === 'bimi' && s.site.owner !== undefined);

export const bimiWrongOwner: ModelRule = {
  id: 'bimi/wrong-owner',
  kind: 'bimi',
  scope: 'model',
  severity: 'error',
  summary: 'A BIMI record not at `<selector>._bimi.<domain>`',
  fixable: false,
  docs: {
    what: 'Finds BIMI records whose owner name is not `<selector>._bimi.<domain>`: at the domain itself, or at `_bimi.<domain>` with no selector. A record that a `<selector>._bimi` name of the workspace reaches by CNAME is found through it, and not reported.',
    why: 'BIMI §4.3 and §7.2: receivers query `<selector>._bimi.<Author Domain>`, with the selector `default` unless the message names another, and then the same name under the Organizational Domain; a record anywhere else is never found.',
    bad: `_bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Move the record to `default._bimi.<domain>` (or the selector your mail names in its BIMI-Selector header).',
  },
  check(model, ctx) {
    let reached: ((name: string) => boolean) | undefined;
    for (const s of bimiSites(model.sites)) {
      const owner = s.site.owner!;
      if (bimiName(owner)) continue;
      // Reached by a CNAME from a `<selector>._bimi` name (a record kept in one place for many domains): found through it.
      if ((reached ??= reachedFrom(model, (o) => bimiName(o) !== undefined))(owner)) continue;
      const under = /^_bimi\.(.+)$/.exec(owner);
      ctx.report(s.site, 'owner', under ? `A BIMI record at \`${owner}\` is never found: receivers query \`<selector>._bimi.${under[1]}\`, \`default._bimi.${under[1]}\` unless the mail names a selector (BIMI §4.3, §7.2).` : `A BIMI record at \`${owner}\` is never found: receivers query \`default._bimi.${owner}\` (BIMI §4.3, §7.2).`);
    }
  },
};

export const bimiMultipleRecords: ModelRule = {
  id: 'bimi/multiple-records',
  kind: 'bimi',
  scope: 'model',
  severity: 'error',
  summary: 'More than one BIMI record at one name',
  fixable: false,
  docs: {
    what: 'Finds `<selector>._bimi.<domain>` names with two or more records starting with `v=BIMI1`.',
    why: 'BIMI §7.2, step 9: if the records at the name are more than one, Assertion Record Discovery terminates and BIMI processing is not performed: no logo.',
    bad: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/brand/logo-2.svg; a=${VMC}"`,
    good: `default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`,
    fix: 'Keep one record per selector; give another logo a selector of its own.',
  },
  check(model, ctx) {
    const kept = bimiSites(model.sites).filter((s) => /^\s*v=BIMI1\s*(;|$)/.test(s.site.value) && !s.site.alternative);
    reportSeveral(ctx, kept, 'BIMI', (owner, n) => `\`${owner}\` has ${n} BIMI records; receivers then show no logo at all (BIMI §7.2). Keep one.`);
  },
};


/** Why the DMARC record that applies is not at enforcement for BIMI, or undefined when it is. */
function notEnforced(entry: Entry, policy: string, decidedBy: string, org: boolean): string | undefined {
  const tag = (name: string) => entry.site?.dmarc?.byName.get(name)?.value.trim().toLowerCase();
  const p = policy.toLowerCase();
  if (p !== 'quarantine' && p !== 'reject') return `\`${decidedBy}=${policy}\` only monitors`;
  if (tag('t') === 'y') return '`t=y` keeps the policy in test mode';
  const pct = tag('pct');
  if (pct !== undefined && /^\d+$/.test(pct) && Number(pct) < 100) return `\`pct=${pct}\` applies it to part of the mail only`;
  if (org && tag('sp') === 'none') return '`sp=none` leaves its subdomains unprotected';
  return undefined;
}

export const bimiWithoutEnforcement: ModelRule = {
  id: 'dmarc/bimi-without-enforcement',
  kind: 'dmarc',
  scope: 'model',
  severity: 'warning',
  summary: 'A BIMI record whose domain\'s DMARC policy is not at enforcement',
  fixable: false,
  docs: {
    what: 'Finds BIMI records (`v=BIMI1` at `<selector>._bimi.<domain>`) and the DMARC record that applies to the domain by the RFC 9989 tree walk, and says when that policy is not at enforcement: `p` (or the `sp`/`np` that applies) at none, `t=y`, a `pct` under 100, or `sp=none` on the Organizational Domain\'s record. A declination record (`l=` empty) is left alone.',
    why: 'BIMI (draft-brand-indicators-for-message-identification, and the mailbox providers that show logos: Gmail, Yahoo, Apple) shows a logo only for mail whose DMARC policy is quarantine or reject for all of it; until then the BIMI record, and the certificate it points to, show nothing.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem"',
    good: '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem"',
    fix: 'Take the DMARC record to `p=quarantine` or `p=reject` without `t=y`, `pct` under 100 or `sp=none` (the rollout quick fixes and code lens do it step by step, as the aggregate reports allow); or remove the BIMI record until then.',
  },
  check(model, ctx) {
    for (const s of model.sites) {
      const name = s.site.owner === undefined ? undefined : bimiName(s.site.owner);
      if (!name || !s.bimi || s.site.holes || !looksLikeBimi(s.site.value)) continue;
      // `v=BIMI1; l=; a=;` declines BIMI for the domain: nothing to show, nothing to enforce.
      if (tagNamed(s.bimi, 'l')?.value.trim() === '') continue;
      const domain = name.domain;
      // The BIMI record itself is under the domain, so the domain exists (sp applies there, not np).
      const c = modelCoverage(model)(domain);
      // Its own `_dmarc` is a CNAME out of the workspace (hosted DMARC): the policy there is not known here.
      if (c === OPAQUE) continue;
      if (!c) {
        ctx.report(s.site, 'owner', `No DMARC record applies to ${domain} in the workspace, so mailbox providers show no BIMI logo for it: BIMI needs a DMARC policy of quarantine or reject (RFC 9989 §4.10). Publish \`_dmarc.${domain}\` and take it to enforcement.`);
        continue;
      }
      // The Organizational Domain's record must not leave subdomains at none either (BIMI's own requirement).
      const why = notEnforced(c.entry, c.policy, c.decidedBy, c.at === c.org);
      if (!why) continue;
      const where = c.at === domain ? `\`_dmarc.${domain}\`` : `\`_dmarc.${c.at}\`, the record that applies to ${domain},`;
      ctx.report(s.site, 'owner', `Mailbox providers show no BIMI logo for ${domain} yet: ${where} is not at enforcement (${why}); BIMI needs p=quarantine or p=reject for all its mail.`, {
        related: c.entry.site ? [{ site: c.entry.site.site, message: 'the DMARC record that applies' }] : undefined,
      });
    }
  },
};
