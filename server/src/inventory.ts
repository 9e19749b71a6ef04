/**
 * The inventory of a workspace: what its files publish for mail, per domain (the "assess your current
 * email setup" step a DMARC rollout starts with). Used by the CLI's `inventory` command and the
 * language server's `dmarcLens/inventory` request. No editor types.
 */
import { isNullMx } from './checks/nullmx';
import type { AnalyzedSite } from './checks/rule';
import { bimiName } from './records/bimi';
import { cnameTarget, hostOf, mxData, mxValue } from './records/cname';
import { isDynamic } from './records/dynamic';
import { HOLE } from './records/holes';
import { policyDomainOf } from './records/smtptls';
import { tagNamed } from './records/taglist';
import { describe, evidenceOf, nextSteps, nextStepText, STAGES, stageOf } from './rollout';
import { dkimSigning, dmarcPasses, fromDomain, recentReports, type AggregateReport, type ReportSummary } from './reports/aggregate';
import { serviceOf } from './reports/stats';
import type { DmarcRecord } from './records/dmarc';
import { coverageFrom, dmarcBehindCname, workspaceDmarc } from './senders/analyze';
import { providerForDkimTarget, providerForInclude, providerForSelector } from './senders/catalog';
import { discoverPolicy } from './senders/treewalk';
import type { OffsetRange, RecordSite, ResourceRecord } from './types';
import { LineIndex, type Position } from './util/lines';
import type { WorkspaceIndex } from './workspace';

function lspRange(index: LineIndex, r: OffsetRange): { start: Position; end: Position } {
  return { start: index.positionAt(r.start), end: index.positionAt(r.end) };
}

export interface InventoryRecord {
  kind: 'spf' | 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts';
  owner: string;
  value: string;
  path: string;
  range: { start: Position; end: Position };
  selector?: string;
  key?: string;
  policy?: string;
  /** A DMARC record's stage on the policy ladder: `1/5: monitoring only (p=none)` (rollout.ts). */
  stage?: string;
  /**
   * A DMARC record whose domain has aggregate reports in the workspace: what they say
   * (`85.3% DMARC pass over 2,156 messages in 1 day, 1 report; still failing: …`), and the next rung of
   * the ladder with what holds it back, as the editor's code lens says them.
   */
  reports?: { text: string; messages: number; passRate: number; blockers: number };
  next?: string;
  /** A DKIM selector delegated by CNAME: the target, and the platform it belongs to when known. */
  cname?: string;
  provider?: string;
  /** A BIMI record's logo (`l=`; empty: BIMI declined) and mark certificate (`a=`). */
  logo?: string;
  evidence?: string;
  /** Why its zone's servers never serve it (zone/occluded-record): it is at or below the zone's own delegation, or below a DNAME. */
  notServed?: string;
  /** A DKIM selector: the messages the aggregate reports show signed with it (d= its domain), and how many of them verified. */
  signed?: { messages: number; pass: number };
}

export interface DomainInventory {
  domain: string;
  spf: InventoryRecord[];
  dmarc: InventoryRecord[];
  dkim: InventoryRecord[];
  bimi: InventoryRecord[];
  /** SMTP TLS Reporting (`_smtp._tls`) and MTA-STS (`_mta-sts`) records. */
  tlsrpt: InventoryRecord[];
  mtaSts: InventoryRecord[];
  services: { provider: string; name: string; via: string }[];
  /** Its MX records (`preference exchange`, the exchange absolute), lowest preference first: where mail for the name goes. */
  mx?: { value: string; path: string; range: { start: Position; end: Position } }[];
  /** Its null MX (`MX 0 .`, RFC 7505): the name takes no mail (a parked domain, or one that only sends). */
  nullMx?: { path: string; range: { start: Position; end: Position } };
  /**
   * For a name without a DMARC record of its own: the record that applies to its mail by the RFC 9989
   * §4.10.1 tree walk over the files (its Organizational Domain's, or a Public Suffix Domain's), and the
   * tag that decides the policy there; absent when none applies.
   */
  coveredBy?: { owner: string; kind: 'org' | 'psd'; via: 'sp' | 'np'; tag: 'p' | 'sp' | 'np'; policy: string; path: string; range: { start: Position; end: Position } };
  /** `_dmarc` records above the name that do not apply to it (neither its own nor its Organizational Domain's). */
  notApplied?: string[];
  /**
   * DKIM selectors the aggregate reports show mail signed with (d= this domain) that the files do not
   * publish: a key kept at the DNS host or in another repository when signatures verify, a key missing
   * when they fail.
   */
  dkimSeen?: { selector: string; messages: number; pass: number }[];
  /**
   * Who the aggregate reports show sending mail From this name (the last 30 days of its policy domain's
   * reports): each platform of the catalog (by its DKIM d= and SPF domains) with whether the files set it
   * up here (an include, a DKIM selector), then the sources no platform names, as one line.
   */
  sendersSeen?: { service: string; provider?: string; messages: number; pass: number; sources: number; inFiles?: boolean }[];
}

/** What the inventory reads of a file: its records, their analysed sites, and the texts of the files they are in (for line numbers). */
export interface InventorySource {
  zone: { records: readonly ResourceRecord[]; texts: ReadonlyMap<string, string> };
  sites: readonly AnalyzedSite[];
}

/**
 * What the files publish, per domain: SPF, DMARC (with its stage on the way to enforcement, or the
 * record that covers the name), DKIM (key type and size, or the platform a selector is delegated to),
 * BIMI, TLS-RPT and MTA-STS records with where they are, null MX, and the sending services the SPF
 * includes and DKIM selectors point to. `workspace` answers for the names the files do not hold.
 */
export function runInventory(
  analyses: readonly InventorySource[],
  workspace: WorkspaceIndex,
  reports: readonly AggregateReport[] = [],
  /** The sources the configuration of a file lists as not the owner's (`reports.notOurs`). */
  notOursOf: (file: string) => readonly string[] | undefined = () => undefined,
): DomainInventory[] {
  const domains = new Map<string, DomainInventory>();
  // The reports of each policy domain, summed up once.
  const byDomain = new Map<string, AggregateReport[]>();
  for (const r of reports) {
    const d = r.policy.domain.toLowerCase().replace(/\.$/, '');
    const list = byDomain.get(d);
    if (list) list.push(r);
    else byDomain.set(d, [r]);
  }
  const summaries = new Map<string, ReportSummary>();
  /** Where a DMARC record stands: its stage, and with reports for its domain, what they say and the next step. */
  const ladder = (record: DmarcRecord, domain: string, file: string): Pick<InventoryRecord, 'stage' | 'reports' | 'next'> => {
    const rung = stageOf(record);
    const stage = `${rung.index}/${STAGES}: ${rung.label}`;
    const mine = byDomain.get(domain);
    if (!mine) return { stage };
    const notOurs = notOursOf(file);
    const key = `${domain} ${notOurs?.join(',') ?? ''}`;
    let summary = summaries.get(key);
    if (!summary) summaries.set(key, (summary = evidenceOf(mine, { notOurs })));
    const said = describe(summary);
    const step = nextSteps(record, summary)[0];
    return { stage, reports: { text: said.text, messages: summary.messages, passRate: summary.passRate, blockers: said.blockers }, ...(step ? { next: nextStepText(step, summary) } : {}) };
  };
  const indexes = new Map<string, LineIndex>();
  const seen = new Set<string>();
  /** Whether this record was listed already; marks it listed. */
  const once = (uri: string, start: number, what: string) => {
    const key = `${uri}\0${start}\0${what}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  };
  const get = (d: string) => {
    let inv = domains.get(d);
    if (!inv) domains.set(d, (inv = { domain: d, spf: [], dmarc: [], dkim: [], bimi: [], tlsrpt: [], mtaSts: [], services: [] }));
    return inv;
  };
  // Why a record its zone file holds is never served: the delegation at or above it, or a DNAME above it.
  const notServed = (uri: string, owner: string, zone: string | undefined) => {
    const o = workspace.occluder(uri, owner, zone);
    if (!o) return undefined;
    if (o.by === 'dname') return `it is below ${o.name}, whose DNAME redirects it to the same name under ${hostOf(o.entries[0].record)}`;
    return `${o.name === owner ? owner : `it is under ${o.name}, which`} is delegated to ${o.entries.map((e) => hostOf(e.record)).join(', ')}`;
  };
  /** DMARC records at names that are not `_dmarc` ones, and the names `_dmarc` CNAMEs lead to. */
  const strays: { owner: string; base: InventoryRecord; policy: string | undefined }[] = [];
  const reached = new Set<string>();
  for (const a of analyses) {
    for (const [uri, t] of a.zone.texts) if (!indexes.has(uri)) indexes.set(uri, new LineIndex(t));
    // The zone infrastructure as code names for each record (ResourceRecord.zone).
    const zones = new Map<RecordSite, string>();
    for (const r of a.zone.records) if (r.site && r.zone !== undefined) zones.set(r.site, r.zone);
    for (const s of a.sites) {
      // One of the values a conditional chooses is not what the file publishes (that is not known).
      if (!s.kind || s.kind === 'senderid' || s.site.owner === undefined || s.site.alternative) continue;
      // A file another `$INCLUDE`s is read on its own too: each record once.
      if (once(s.site.uri, s.site.range.start, s.site.owner)) continue;
      const owner = s.site.owner;
      const index = indexes.get(s.site.uri)!;
      const why = notServed(s.site.uri, owner, zones.get(s.site));
      const base: InventoryRecord = { kind: s.kind, owner, value: s.site.value, path: s.site.uri, range: lspRange(index, s.site.range), ...(why !== undefined ? { notServed: why } : {}) };
      if (s.kind === 'spf') {
        const inv = get(owner);
        inv.spf.push(base);
        for (const t of s.spf?.terms ?? []) {
          if (t.name !== 'include' && t.name !== 'redirect') continue;
          const p = t.arg ? providerForInclude(t.arg) : undefined;
          if (p && !inv.services.some((x) => x.provider === p.id)) inv.services.push({ provider: p.id, name: p.name, via: `${t.name}:${t.arg}` });
        }
      } else if (s.kind === 'dmarc') {
        // A record outside `_dmarc` may be the target of a `_dmarc` CNAME: listed under the domains that point to it, else on its own (below).
        if (!owner.startsWith('_dmarc.')) {
          strays.push({ owner, base, policy: s.dmarc?.byName.get('p')?.value });
          continue;
        }
        // Where the record stands on the way to enforcement, as the editor's code lens says it.
        const domain = owner.slice('_dmarc.'.length);
        get(domain).dmarc.push({ ...base, policy: s.dmarc?.byName.get('p')?.value, ...(s.dmarc ? ladder(s.dmarc, domain, s.site.uri) : {}) });
      } else if (s.kind === 'bimi') {
        // `<selector>._bimi.<domain>`; a record anywhere else is never found (bimi/wrong-owner says so).
        const name = bimiName(owner);
        const tag = (n: string) => (s.bimi ? tagNamed(s.bimi, n)?.value.trim() : undefined);
        if (name) get(name.domain).bimi.push({ ...base, selector: name.selector, logo: tag('l') ?? '', ...(tag('a') ? { evidence: tag('a') } : {}) });
      } else if (s.kind === 'tlsrpt' || s.kind === 'mta-sts') {
        const domain = policyDomainOf(s.kind, owner);
        if (domain !== undefined) get(domain)[s.kind === 'tlsrpt' ? 'tlsrpt' : 'mtaSts'].push(base);
      } else {
        const labels = owner.split('.');
        const i = labels.indexOf('_domainkey');
        const selector = i > 0 ? labels.slice(0, i).join('.') : labels[0];
        const domain = i > 0 ? labels.slice(i + 1).join('.') : owner;
        const k = s.dkim?.key;
        const key = k?.type ? `${k.type}${k.bits ? ` ${k.bits}` : ''}` : k?.error ? 'invalid' : s.dkim?.byName.get('p')?.value === '' ? 'revoked' : undefined;
        const inv = get(domain);
        inv.dkim.push({ ...base, selector, key });
        const p = providerForSelector(selector);
        if (p && !inv.services.some((x) => x.provider === p.id)) inv.services.push({ provider: p.id, name: p.name, via: `DKIM selector ${selector}` });
      }
    }
    // A null MX beside other MX records does not say the name takes no mail (zone/null-mx-with-other-mx).
    const takesMail = new Set(a.zone.records.filter((r) => r.type === 'MX' && !isNullMx(r)).map((r) => r.owner));
    for (const r of a.zone.records) {
      if (r.owner !== undefined && once(r.uri, r.range.start, `${r.type} ${r.owner}`)) continue;
      // Names that take no mail (a parked domain, or one that only sends).
      if (r.owner !== undefined && isNullMx(r) && !takesMail.has(r.owner)) {
        const index = indexes.get(r.uri);
        if (index) get(r.owner).nullMx ??= { path: r.uri, range: lspRange(index, r.range) };
        continue;
      }
      // Where mail for the name goes: its mail exchangers.
      if (r.owner !== undefined && r.type === 'MX' && !r.relative && !isNullMx(r)) {
        const index = indexes.get(r.uri);
        if (index) (get(r.owner).mx ??= []).push({ value: mxValue(mxData(r)) ?? mxData(r), path: r.uri, range: lspRange(index, r.range) });
        continue;
      }
      // A record whose value a conditional chooses (Terraform `cond ? "v=DMARC1; …" : "v=DMARC1; …"`): the values it may take.
      const alternatives = r.owner !== undefined && r.type === 'TXT' && isDynamic(r) ? a.sites.filter((s) => s.site.alternative && s.site.uri === r.uri && s.site.owner === r.owner && r.range.start <= s.site.range.start && s.site.range.end <= r.range.end) : [];
      const kind = alternatives.find((s) => s.kind === 'spf' || s.kind === 'dmarc')?.kind as 'spf' | 'dmarc' | undefined;
      const index = indexes.get(r.uri);
      if (kind && index) {
        const values = alternatives.filter((s) => s.kind === kind);
        const policies = new Set(values.map((s) => s.dmarc?.byName.get('p')?.value.trim().toLowerCase()));
        const domain = kind === 'dmarc' ? r.owner!.slice('_dmarc.'.length) : r.owner!;
        get(domain)[kind].push({
          kind,
          owner: r.owner!,
          value: `${values.length === 1 ? 'when a condition chooses it' : `one of ${values.length} values a condition chooses`}: ${values.map((s) => s.site.value.replaceAll(HOLE, '…')).join(' | ')}`,
          path: r.uri,
          range: lspRange(index, r.range),
          ...(kind === 'dmarc' && policies.size === 1 && [...policies][0] && ![...policies][0]!.includes(HOLE) ? { policy: [...policies][0] } : {}),
        });
        continue;
      }
      // A `_dmarc` record the files give without a value we can read: delegated by CNAME to a hosted
      // DMARC service, or written as an expression (Terraform).
      if (r.owner?.startsWith('_dmarc.') && (r.type === 'CNAME' || (r.type === 'TXT' && isDynamic(r)))) {
        if (!index) continue;
        const domain = r.owner.slice('_dmarc.'.length);
        if (r.type !== 'CNAME') {
          get(domain).dmarc.push({ kind: 'dmarc', owner: r.owner, value: '(a value not known statically)', path: r.uri, range: lspRange(index, r.range) });
          continue;
        }
        // The record at the end of the chain, when the workspace holds it (a policy kept in one place for many domains).
        const chain = dmarcBehindCname((n) => workspace.at(n), r);
        const held = chain?.found ?? [];
        if (held.length === 1) reached.add(chain!.end);
        get(domain).dmarc.push({
          kind: 'dmarc',
          owner: r.owner,
          value: held.length === 1 ? `CNAME → ${cnameTarget(r)}${chain!.end !== cnameTarget(r) ? ` → ${chain!.end}` : ''}: ${held[0].site!.site.value}` : `CNAME → ${cnameTarget(r)} (hosted: the policy is at the target)`,
          path: r.uri,
          range: lspRange(index, r.range),
          ...(held.length === 1 ? { policy: held[0].site!.dmarc!.byName.get('p')?.value, ...ladder(held[0].site!.dmarc!, domain, held[0].site!.site.uri) } : {}),
        });
        continue;
      }
      // Selectors delegated by CNAME to the platform that signs (Microsoft 365, SendGrid, SES, Mailchimp…):
      // the usual set-up for a sending service, and the key is the platform's.
      if (r.type !== 'CNAME') continue;
      // The selector and the signing domain; a selector computed at deploy time (Terraform's SES tokens) has only the domain.
      const computed = r.owner === undefined;
      const i = r.owner?.indexOf('._domainkey.') ?? -1;
      const owner = computed ? (r.ownerSuffix?.startsWith('_domainkey.') ? `<computed>.${r.ownerSuffix}` : undefined) : i > 0 ? r.owner : undefined;
      if (owner === undefined) continue;
      const selector = computed ? '<computed>' : owner.slice(0, i);
      const domain = computed ? r.ownerSuffix!.slice('_domainkey.'.length) : owner.slice(i + '._domainkey.'.length);
      const target = cnameTarget(r);
      const p = providerForDkimTarget(target) ?? (computed ? undefined : providerForSelector(selector));
      if (!index) continue;
      const inv = get(domain);
      inv.dkim.push({ kind: 'dkim', owner, value: `CNAME ${target}`, path: r.uri, range: lspRange(index, r.range), selector, cname: target, provider: p?.name });
      if (p && !inv.services.some((x) => x.provider === p.id)) inv.services.push({ provider: p.id, name: p.name, via: computed ? 'DKIM selectors computed at deploy time' : `DKIM selector ${selector}` });
    }
  }
  // The selectors the reports show each domain's mail signed with: beside the keys the files publish, and those they do not.
  for (const [domain, bySelector] of dkimSigning(reports)) {
    const inv = domains.get(domain);
    if (!inv) continue;
    for (const k of inv.dkim) {
      const n = k.selector !== undefined ? bySelector.get(k.selector.toLowerCase()) : undefined;
      if (n) k.signed = n;
    }
    const published = new Set(inv.dkim.map((k) => k.selector?.toLowerCase()));
    const unpublished = [...bySelector].filter(([selector]) => !published.has(selector)).map(([selector, n]) => ({ selector, ...n }));
    if (unpublished.length) inv.dkimSeen = unpublished.sort((a, b) => b.messages - a.messages || a.selector.localeCompare(b.selector));
  }
  // Who the reports show sending as each name (its header From), by platform, over the rollout evidence's window.
  const sending = new Map<string, Map<string, { service: string; provider?: string; messages: number; pass: number; ips: Set<string> }>>();
  for (const mine of byDomain.values())
    for (const r of recentReports(mine))
      for (const rec of r.records) {
      const from = fromDomain(rec, r);
      if (!domains.has(from)) continue;
      const p = serviceOf(rec);
      const key = p?.id ?? '';
      let byService = sending.get(from);
      if (!byService) sending.set(from, (byService = new Map()));
      let t = byService.get(key);
      if (!t) byService.set(key, (t = { service: p?.name ?? '', provider: p?.id, messages: 0, pass: 0, ips: new Set() }));
      t.messages += rec.count;
      if (dmarcPasses(rec)) t.pass += rec.count;
      t.ips.add(rec.sourceIp);
    }
  for (const [from, byService] of sending) {
    const inv = domains.get(from)!;
    const list = [...byService.values()].map(({ ips, ...t }) => ({ ...t, sources: ips.size, ...(t.provider ? { inFiles: inv.services.some((x) => x.provider === t.provider) } : {}) }));
    // Platforms by volume, then the sources no platform names.
    list.sort((a, b) => (a.provider ? 0 : 1) - (b.provider ? 0 : 1) || b.messages - a.messages || a.service.localeCompare(b.service));
    inv.sendersSeen = list;
  }
  // DMARC records outside `_dmarc` that no `_dmarc` CNAME leads to: at their own name (dmarc/wrong-owner says they are never found).
  for (const x of strays) if (!reached.has(x.owner)) get(x.owner).dmarc.push({ ...x.base, policy: x.policy });
  // Names that send or sign without a record of their own: which record applies (RFC 9989 §4.10.1).
  const lookup = (n: string) => workspace.at(n);
  const at = workspaceDmarc(lookup);
  for (const d of domains.values()) {
    if (d.dmarc.length > 0 || (d.spf.length === 0 && d.dkim.length === 0 && !d.nullMx)) continue;
    const found = discoverPolicy(d.domain, at);
    const c = coverageFrom(d.domain, found, (n) => workspace.exists(n));
    const index = c ? indexes.get(c.entry.record.uri) : undefined;
    if (c && index && c.kind !== 'author') d.coveredBy = { owner: `_dmarc.${c.at}`, kind: c.kind, via: c.via === 'np' ? 'np' : 'sp', tag: c.decidedBy, policy: c.policy, path: c.entry.record.uri, range: lspRange(index, c.entry.record.range) };
    const passed = found.walk.found.filter((f) => f.name !== c?.at && f.name !== d.domain).map((f) => `_dmarc.${f.name}`);
    if (passed.length) d.notApplied = passed;
  }
  return [...domains.values()].sort((a, b) => a.domain.localeCompare(b.domain));
}

/** The inventory as text, one domain after another (the CLI's `inventory` and the editor's Show Email Inventory). */
export function formatInventoryText(inv: DomainInventory[]): string {
  const out: string[] = [];
  const loc = (r: InventoryRecord) => `${r.path}:${r.range.start.line + 1}${r.notServed ? `; never served: ${r.notServed}` : ''}`;
  for (const d of inv) {
    out.push(d.domain);
    if (d.nullMx) out.push(`  MX     null MX: takes no mail (RFC 7505)  (${d.nullMx.path}:${d.nullMx.range.start.line + 1})`);
    if (d.mx?.length) {
      const pref = (v: string) => Number(v.split(' ')[0]) || 0;
      const mx = [...d.mx].sort((a, b) => pref(a.value) - pref(b.value));
      out.push(`  MX     ${mx.map((m) => m.value).join(', ')}  (${mx[0].path}:${mx[0].range.start.line + 1})`);
    }
    for (const r of d.spf) out.push(`  SPF    ${r.value}  (${loc(r)})`);
    for (const r of d.dmarc) out.push(`  DMARC  ${r.value}  (${loc(r)})${r.stage ? `\n         stage ${r.stage}` : ''}${r.reports ? `\n         reports: ${r.reports.text}` : ''}${r.next ? `\n         next: ${r.next}` : ''}`);
    const signedText = (n: { messages: number; pass: number }) => `${n.messages.toLocaleString('en-US')} message${n.messages === 1 ? '' : 's'} signed in the reports, ${n.pass === n.messages ? 'all verified' : n.pass === 0 ? 'none verified' : `${((n.pass / n.messages) * 100).toFixed(1)}% verified`}`;
    for (const r of d.dkim) out.push(`  DKIM   ${r.selector}: ${r.cname ? `CNAME → ${r.cname}${r.provider ? ` (${r.provider})` : ''}` : (r.key ?? 'no key')}  (${loc(r)})${r.signed ? `; ${signedText(r.signed)}` : ''}`);
    for (const x of d.dkimSeen ?? [])
      out.push(`  DKIM   ${x.selector}: not in the files; ${signedText(x)}${x.pass > 0 ? ' (its key is published elsewhere: the DNS host, another repository)' : ' (no key verifies it)'}`);
    for (const r of d.tlsrpt) out.push(`  TLS-RPT ${r.value}  (${loc(r)})`);
    for (const r of d.mtaSts) out.push(`  MTA-STS ${r.value}  (${loc(r)})`);
    for (const r of d.bimi) out.push(`  BIMI   ${r.selector}: ${r.logo ? `logo ${r.logo}${r.evidence ? `, certificate ${r.evidence}` : ', no certificate'}` : 'declined (l= empty)'}  (${loc(r)})`);
    if (d.dmarc.length === 0 && (d.spf.length > 0 || d.dkim.length > 0 || d.nullMx)) {
      const c = d.coveredBy;
      const skipped = d.notApplied?.length ? `; ${d.notApplied.join(' and ')} ${d.notApplied.length === 1 ? 'does' : 'do'} not apply to it (not its Organizational Domain's)` : '';
      out.push(
        c
          ? `  DMARC  none at this name; covered by ${c.owner}, ${c.kind === 'psd' ? 'a Public Suffix Domain\'s record' : 'its Organizational Domain\'s record'}: ${c.tag}=${c.policy}${c.tag !== c.via ? ` (it has no ${c.via === 'np' ? 'np or sp' : 'sp'})` : ''}${skipped}  (${c.path}:${c.range.start.line + 1})`
          : `  DMARC  none applies${skipped || ' (none published at this name or above it)'}`,
      );
    }
    for (const s of d.services) out.push(`  sends via ${s.name} (${s.via})`);
    const passed = (x: { messages: number; pass: number }) => (x.pass === x.messages ? 'all passed DMARC' : x.pass === 0 ? 'none passed DMARC' : `${((x.pass / x.messages) * 100).toFixed(1)}% passed DMARC`);
    const msgs = (n: number) => `${n.toLocaleString('en-US')} message${n === 1 ? '' : 's'}`;
    for (const x of d.sendersSeen ?? [])
      out.push(
        x.provider
          ? `  seen   ${x.service}: ${msgs(x.messages)} in the reports, ${passed(x)}${x.inFiles ? '' : ' (not set up at this name in the files: no include or DKIM selector of it)'}`
          : `  seen   ${msgs(x.messages)} in the reports from ${x.sources} source${x.sources === 1 ? '' : 's'} no platform names, ${passed(x)}`,
      );
  }
  if (inv.length === 0) out.push('No SPF, DMARC or DKIM records found.');
  return out.join('\n') + '\n';
}

