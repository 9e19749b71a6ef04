/**
 * Sender alignment (RFC 9989 §4.4): a platform authorised by an SPF include but sending with its own
 * Return-Path never passes DMARC on SPF for the customer's domain; it passes only when it signs with
 * DKIM for that domain. The rule looks for that DKIM set-up (the platform's CNAMEs or selectors under
 * `_domainkey`) in the same files and the workspace, and says what to publish when it is missing.
 */
import { underStandIn } from '../util/zonenames';
import { providerForInclude, providerForSelector, type Provider } from '../senders/catalog';
import type { ResourceRecord } from '../types';
import type { SpfTerm } from '../records/spf';
import { orgDomain } from '../senders/analyze';
import { modelWalk } from './walk';
import type { AnalyzedSite, DnsModel, ModelRule } from './rule';

/**
 * DKIM for the platform at the domain or a parent: under relaxed alignment (the default, adkim=r) a
 * signature with d= a parent in the same Organizational Domain aligns too. Parents are walked up to
 * the domain's Organizational Domain (RFC 9989 §4.10.2 tree walk over the workspace, else the public
 * suffix list), so `co.uk` is never one and a parent above a `psd=n` record does not count.
 */
function dkimSetUp(model: DnsModel, keys: Map<string, ResourceRecord[]>, domain: string, p: Provider, memo: Map<Provider, Map<string, boolean>>): boolean {
  let mine = memo.get(p);
  if (!mine) memo.set(p, (mine = new Map()));
  for (let d = domain; d.includes('.'); d = d.slice(d.indexOf('.') + 1)) {
    // Sibling names share their parents: each (parent, platform) is looked at once per check.
    let found = mine.get(d);
    if (found === undefined) mine.set(d, (found = dkimAt(model, keys, d, p)));
    if (!found) continue;
    if (d === domain) return true;
    // The nearest parent with the set-up counts if it is within the Organizational Domain (the walk runs only then).
    const walk = modelWalk(model)(domain);
    // No DMARC record on the way up at all: the Organizational Domain the record DMARC Lens suggests (at the registrable domain) will make.
    const org = walk.by === 'start' ? orgDomain(domain) : walk.org;
    return d.length >= org.length;
  }
  return false;
}

/** The zone's `<selector>._domainkey.<domain>` records, by domain (built once per check). */
function keysByDomain(records: readonly ResourceRecord[]): Map<string, ResourceRecord[]> {
  const m = new Map<string, ResourceRecord[]>();
  for (const r of records) {
    // Only CNAME and TXT records can be a platform's DKIM set-up (see dkimAt).
    if (r.type !== 'CNAME' && r.type !== 'TXT') continue;
    let d: string;
    if (r.owner === undefined) {
      // A selector computed at deploy time (Terraform's SES tokens): the domain is known from the name's end.
      if (!r.ownerSuffix?.startsWith('_domainkey.')) continue;
      d = r.ownerSuffix.slice('_domainkey.'.length);
    } else {
      const i = r.owner.indexOf('._domainkey.');
      if (i < 0) continue;
      d = r.owner.slice(i + '._domainkey.'.length);
    }
    const list = m.get(d);
    if (list) list.push(r);
    else m.set(d, [r]);
  }
  return m;
}

function dkimAt(model: DnsModel, keys: Map<string, ResourceRecord[]>, domain: string, p: Provider): boolean {
  const suffix = `._domainkey.${domain}`;
  const matches = (owner: string | undefined, type: string, rdata: string[]) => {
    const cname = () => (p.dkimCnameSuffixes ?? []).some((s) => rdata[0]?.toLowerCase().replace(/\.$/, '').endsWith(s));
    // A computed selector (keysByDomain put it under this domain): only a CNAME into the platform tells.
    if (owner === undefined) return type === 'CNAME' && cname();
    if (!owner.endsWith(suffix)) return false;
    const selector = owner.slice(0, -suffix.length);
    if (type === 'CNAME') return cname();
    return type === 'TXT' && providerForSelector(selector, { generic: true })?.id === p.id;
  };
  if ((keys.get(domain) ?? []).some((r) => matches(r.owner, r.type, r.rdata))) return true;
  // Elsewhere in the workspace: look at the names the platform's selectors would use.
  for (const sel of p.dkimSelectors ?? []) {
    const entries = model.workspace?.at(`${sel}${suffix}`) ?? [];
    if (entries.some((e) => matches(e.record.owner, e.record.type, e.record.rdata))) return true;
  }
  return false;
}

export const includeDoesNotAlign: ModelRule = {
  id: 'spf/include-does-not-align',
  kind: 'spf',
  scope: 'model',
  severity: 'warning',
  summary: 'An included sending platform will not align under DMARC',
  fixable: false,
  docs: {
    what: 'Finds `include:`s of platforms that send with their own Return-Path (Mailchimp, HubSpot on shared IPs) or do so by default (Amazon SES, SendGrid, Mandrill), when the domain has no DKIM set-up for that platform in the workspace. Several names of one Organizational Domain including the same platform are reported once, on the first include, with the others as related information.',
    why: 'RFC 9989 §4.4: DMARC needs SPF or DKIM to pass *aligned* with the From domain. The platform\'s SPF passes for its own Return-Path domain, not for yours, so the include spends a DNS lookup without helping DMARC; its mail passes only if it signs with `d=` your domain. This is the most common DMARC failure after going to p=quarantine.',
    bad: '@ IN TXT "v=spf1 include:servers.mcsv.net -all"',
    good: '@ IN TXT "v=spf1 -all"\nk2._domainkey IN CNAME dkim2.mcsv.net.\nk3._domainkey IN CNAME dkim3.mcsv.net.',
    fix: 'Publish what the message names (the platform\'s DKIM CNAMEs, or a custom Return-Path where it offers one); then the include is usually not needed at all.',
  },
  check(model, ctx) {
    let keys: Map<string, ResourceRecord[]> | undefined;
    const memo = new Map<Provider, Map<string, boolean>>();
    type Hit = { site: AnalyzedSite; term: SpfTerm; p: Provider; domain: string };
    const groups = new Map<string, Hit[]>();
    for (const s of model.sites) {
      const domain = s.site.owner;
      if (!s.spf || !domain) continue;
      for (const t of s.spf.terms) {
        if (t.name !== 'include' || !t.arg || t.invalid) continue;
        const p = providerForInclude(t.arg);
        if (!p || !p.returnPath || p.returnPath === 'customer' || p.returnPath === 'unknown') continue;
        keys ??= keysByDomain(model.records);
        if (dkimSetUp(model, keys, domain, p, memo)) continue;
        // Names of one Organizational Domain including the same platform are reported together.
        const key = `${orgDomain(domain)} ${p.id}`;
        const list = groups.get(key);
        if (list) list.push({ site: s, term: t, p, domain });
        else groups.set(key, [{ site: s, term: t, p, domain }]);
      }
    }
    for (const [key, list] of groups) {
      const { site, term, p } = list[0];
      const severity = p.returnPath === 'provider' ? 'warning' : 'information';
      if (list.length === 1) {
        // A name relative to a zone the file does not name (Terraform) is shown as such.
        const domain = site.site.relative && !underStandIn(list[0].domain) ? `${list[0].domain}.<zone>` : list[0].domain;
        const why =
          p.returnPath === 'provider'
            ? `${p.name} sends with its own Return-Path, so SPF never aligns with ${domain} under DMARC (RFC 9989 §4.4)`
            : `${p.name}'s default Return-Path is on its own domain, so SPF does not align with ${domain} under DMARC unless a custom Return-Path is set up (RFC 9989 §4.4)`;
        ctx.report(site.site, term.range, `${why}; its mail passes DMARC only with DKIM for ${domain}: publish ${p.dkimSetup ?? 'the DKIM records the platform provides'}.`, { severity });
        continue;
      }
      const org = key.slice(0, key.indexOf(' '));
      const names = list.map((h) => h.domain);
      ctx.report(
        site.site,
        term.range,
        `${list.length} names under ${org} include ${p.name} (${names.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''}) without its DKIM set-up. ${p.returnPath === 'provider' ? `${p.name} sends with its own Return-Path, so SPF never aligns with them` : `${p.name}'s default Return-Path is its own, so SPF does not align with them unless a custom Return-Path is set up`} (RFC 9989 §4.4); their mail passes DMARC only with DKIM: publish ${p.dkimSetup ?? 'the DKIM records the platform provides'} at ${org} (with relaxed adkim, the default, it covers the subdomains) or at each name.`,
        { severity, related: list.slice(1, 6).map((h) => ({ site: h.site.site, range: h.term.range, message: `${h.domain} includes ${p.name} too` })) },
      );
    }
  },
};
