/**
 * BIMI (draft-brand-indicators-for-message-identification) shows a brand's logo only for mail whose
 * DMARC policy is at enforcement: the goal many DMARC rollouts are for. A BIMI record published while
 * the policy that covers its domain still monitors (p=none), tests (t=y, pct under 100) or leaves
 * subdomains out (sp=none) shows no logo anywhere; this rule says which tag holds it back.
 */
import { coverageFrom, workspaceDmarc, type Entry } from '../senders/analyze';
import { discoverPolicy } from '../senders/treewalk';
import type { ModelRule } from './rule';
import { modelLookup } from './walk';

const BIMI_OWNER = /^[^.]+\._bimi\.(.+)$/;

/** The tags of a BIMI record, lower-cased names, trimmed values (the first of a repeated tag). */
function tags(value: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (!m.has(name)) m.set(name, part.slice(eq + 1).trim());
  }
  return m;
}

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
    let at: ReturnType<typeof workspaceDmarc> | undefined;
    for (const s of model.sites) {
      const m = s.site.owner === undefined ? null : BIMI_OWNER.exec(s.site.owner);
      if (!m || !/^\s*v\s*=\s*BIMI1\s*(;|$)/i.test(s.site.value) || s.site.holes) continue;
      // `v=BIMI1; l=; a=;` declines BIMI for the domain: nothing to show, nothing to enforce.
      if (tags(s.site.value).get('l') === '') continue;
      const domain = m[1];
      at ??= workspaceDmarc(modelLookup(model));
      // The BIMI record itself is under the domain, so the domain exists (sp applies there, not np).
      const d = discoverPolicy(domain, at);
      const c = coverageFrom(domain, d, () => true);
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
