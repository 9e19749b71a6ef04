/**
 * What the aggregate reports say about a DMARC record (RFC 9990): legitimate-looking senders that
 * still fail DMARC, named on the record whose next stage they would block, with what to publish.
 * A source is legitimate-looking when its DKIM or envelope domain belongs to a known platform, or when
 * it carries a large share of the volume.
 */
import type { ReportSummary } from '../reports/aggregate';
import { ownsDomain, providers } from '../senders/catalog';
import type { AnalyzedSite, SourceRule } from './rule';
import type { OffsetRange } from '../types';

/** A failing source carrying at least this share of the messages is named even when no platform is recognised. */
export const SHARE_THRESHOLD = 0.02;

export const reportsShowFailingSenders: SourceRule = {
  id: 'dmarc/reports-show-failing-senders',
  kind: 'dmarc',
  scope: 'source',
  severity: 'warning',
  summary: 'The aggregate reports show legitimate-looking senders failing DMARC',
  fixable: false,
  docs: {
    what: 'Reads the aggregate reports in the workspace for the record\'s domain and names the sources that fail DMARC while looking legitimate: a known sending platform (by its DKIM d= or envelope domain) or more than 2% of the volume. Each is named with its volume and what to publish so it aligns. Sources listed in `reports.notOurs` of `.dmarc-lens.json` (addresses and CIDR ranges you have checked are not yours: spoofing, a forwarder) are left out, and so is mail the receivers said was forwarded (a policy override of type `forwarded`, `trusted_forwarder` or `mailing_list`, or `local_policy` with the comment `arc=pass`: a trusted ARC chain vouched for it).',
    why: 'RFC 9989 §4.4 and RFC 9990: moving to quarantine or reject makes receivers act on exactly these failures. A platform the company uses that fails today will lose its mail at the next stage.',
    bad: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    good: '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"',
    fix: 'Publish what the message names for each platform (usually its DKIM CNAMEs; a custom Return-Path where offered), then wait for reports that show it passing before the next policy stage.',
    report: `<?xml version="1.0"?>\n<feedback><report_metadata><org_name>receiver.example</org_name><report_id>1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>\n<policy_published><domain>example.com</domain><p>none</p></policy_published>\n<record><row><source_ip>198.2.129.12</source_ip><count>312</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>mcsv.net</domain><result>pass</result></dkim><spf><domain>mail198.atl121.mcsv.net</domain><result>pass</result></spf></auth_results></record></feedback>\n`,
    goodReport: `<?xml version="1.0"?>\n<feedback><report_metadata><org_name>receiver.example</org_name><report_id>1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata>\n<policy_published><domain>example.com</domain><p>none</p></policy_published>\n<record><row><source_ip>198.2.129.12</source_ip><count>312</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results><dkim><domain>example.com</domain><result>pass</result></dkim><spf><domain>mail198.atl121.mcsv.net</domain><result>pass</result></spf></auth_results></record></feedback>\n`,
  },
};

export interface EvidenceFinding {
  site: AnalyzedSite;
  range: OffsetRange;
  message: string;
}

/** Findings for one DMARC record from the summary of its domain's reports. */
export function failingSenders(site: AnalyzedSite, summary: ReportSummary): EvidenceFinding | undefined {
  if (!site.dmarc || summary.messages === 0) return undefined;
  const named: string[] = [];
  const byPlatform = new Map<string, { messages: number; ips: string[]; setup?: string }>();
  for (const f of summary.failingSources) {
    // Listed as not the owner's (reports.notOurs), or forwarded mail the receivers deliver anyway.
    if (f.aside) continue;
    const domains = [...f.dkimDomains, ...f.spfDomains];
    const p = providers.find((x) => domains.some((d) => ownsDomain(x, d)));
    if (p) {
      const e = byPlatform.get(p.name) ?? { messages: 0, ips: [], setup: p.dkimSetup };
      e.messages += f.messages;
      if (e.ips.length < 3) e.ips.push(f.sourceIp);
      byPlatform.set(p.name, e);
    } else if (f.messages / summary.messages >= SHARE_THRESHOLD) {
      named.push(`${f.messages} from ${f.sourceIp}${domains.length ? ` (${domains.slice(0, 2).join(', ')})` : ''}, an unrecognised source: authorise it in SPF or sign its mail with DKIM for ${f.headerFrom || 'the domain'} if it is yours`);
    }
  }
  const platforms = [...byPlatform.entries()].map(([name, e]) => `${e.messages} from ${name} (${e.ips.join(', ')}${e.ips.length === 3 ? ', …' : ''})${e.setup ? `: publish ${e.setup}` : ''}`);
  const all = [...platforms, ...named];
  if (all.length === 0) return undefined;
  const p = site.dmarc.byName.get('p');
  const total = [...byPlatform.values()].reduce((n, e) => n + e.messages, 0);
  return {
    site,
    range: p?.range ?? { start: 0, end: Math.min(8, site.site.value.length) },
    message: `The aggregate reports (${summary.reports} report${summary.reports === 1 ? '' : 's'}, ${summary.messages} messages) show senders that look legitimate failing DMARC${total ? ` (${total} messages from known platforms)` : ''}; at quarantine or reject their mail would be lost: ${all.join('; ')}.`,
  };
}
