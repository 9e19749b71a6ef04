/**
 * A sender profile suggested from what the workspace already shows: SPF includes, DKIM selectors and
 * CNAMEs, delegated Return-Path hosts, and the platforms seen in aggregate reports. The code action
 * "declare the senders of …" and `dmarc-lens senders --suggest` write it into `.dmarc-lens.json`.
 */
import type { Edit } from 'jsonc-parser';
import { configEdits } from '../config';
import { isUnder } from '../util/text';
import type { AggregateReport } from '../reports/aggregate';
import type { IndexEntry } from '../workspace';
import { orgDomain } from './analyze';
import { bare, ownsDomain, providerForDkimTarget, providerForInclude, providerForSelector, providers, type Provider } from './catalog';

export interface SuggestedSender {
  provider: string;
  from: string;
  returnPath?: string;
  dkimSelectors?: string[];
  /** Why it is suggested (not written to the file). */
  evidence: string[];
}

/**
 * Senders for `domain` (an Organizational Domain) from the records under it (`entries`: every record
 * at or below the domain) and the reports.
 */
export function suggestSenders(domain: string, entries: readonly IndexEntry[], reports: readonly AggregateReport[] = []): SuggestedSender[] {
  const byKey = new Map<string, SuggestedSender>();
  const add = (p: Provider, from: string, why: string): SuggestedSender => {
    const key = `${p.id} ${from}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { provider: p.id, from, evidence: [] }));
    if (!s.evidence.includes(why)) s.evidence.push(why);
    return s;
  };
  for (const e of entries) {
    const owner = e.record.owner;
    // DKIM CNAMEs whose selectors are computed at deploy time (Terraform's SES tokens): the platform, no selector to declare.
    const computed = owner === undefined && e.record.type === 'CNAME' && e.record.ownerSuffix?.startsWith('_domainkey.') ? e.record.ownerSuffix.slice('_domainkey.'.length) : undefined;
    if (computed !== undefined && isUnder(computed, domain)) {
      const p = providerForDkimTarget(e.record.rdata[0] ?? '');
      if (p) add(p, computed, `DKIM CNAME <computed>._domainkey.${computed} → ${e.record.rdata[0]}`);
      continue;
    }
    if (!owner || !isUnder(owner, domain)) continue;
    const dk = owner.indexOf('._domainkey.');
    if (dk > 0) {
      const selector = owner.slice(0, dk);
      const signing = owner.slice(dk + '._domainkey.'.length);
      const p = e.record.type === 'CNAME' ? providerForDkimTarget(e.record.rdata[0] ?? '') ?? providerForSelector(selector) : e.site?.kind === 'dkim' ? providerForSelector(selector) : undefined;
      if (!p) continue;
      const s = add(p, signing, `DKIM ${e.record.type} ${owner}`);
      s.dkimSelectors = [...new Set([...(s.dkimSelectors ?? []), selector])];
      continue;
    }
    if (e.site?.spf && !owner.startsWith('_')) {
      for (const t of e.site.spf.terms)
        if (t.name === 'include' && t.arg) {
          const p = providerForInclude(t.arg);
          if (p) add(p, owner, `SPF include:${bare(t.arg)} at ${owner}`);
        }
    }
    if (e.record.type === 'CNAME') {
      const target = bare(e.record.rdata[0] ?? '');
      const p = providers.find((x) => x.returnPathTargetSuffixes?.some((suf) => target === suf.replace(/^\./, '') || target.endsWith(suf.startsWith('.') ? suf : `.${suf}`)));
      if (p) {
        const from = owner.slice(owner.indexOf('.') + 1);
        add(p, isUnder(from, domain) ? from : domain, `Return-Path CNAME ${owner} → ${target}`).returnPath = owner;
      }
    }
  }
  // Platforms the reports saw sending as the domain.
  for (const rep of reports)
    for (const rec of rep.records) {
      const from = bare(rec.headerFrom || rep.policy.domain);
      if (!isUnder(from, domain)) continue;
      const seen = [...rec.dkimResults.map((d) => d.domain), ...rec.spfResults.map((x) => x.domain)].filter(Boolean);
      for (const p of providers) if (seen.some((d) => ownsDomain(p, d))) add(p, from, `reports: ${rec.count} message${rec.count === 1 ? '' : 's'} from ${rec.sourceIp} (${seen.join(', ')})`);
    }
  // A platform found at a subdomain and the apex under the same selectors is one sender: keep both, they differ in From.
  return [...byKey.values()].sort((a, b) => a.from.localeCompare(b.from) || a.provider.localeCompare(b.provider));
}

/** The profile as written in `.dmarc-lens.json` (evidence left out). */
export function profileJson(senders: readonly SuggestedSender[]): { senders: Record<string, unknown>[] } {
  return { senders: senders.map(({ evidence: _e, ...s }) => ({ ...s })) };
}

/**
 * Edits that add `domains.<domain>` to a config text (JSON with comments kept), or the text of a new
 * file when there is none.
 */
export function writeProfile(configText: string | undefined, domain: string, senders: readonly SuggestedSender[]): { edits: Edit[]; text: string } {
  return configEdits(configText, ['domains', orgDomain(domain)], profileJson(senders));
}
