/**
 * Sender profiles against the workspace DNS model (RFC 9989 §4.4, §4.10): for each service that sends
 * as a domain, which DMARC record covers its From domain, whether its SPF (Return-Path) and its DKIM
 * signature align, what to publish when neither does, and what the aggregate reports say about it.
 * Pure: records come from a lookup by owner name, reports are passed in; nothing here queries DNS.
 */
import type { AnalyzedSite } from '../checks/rule';
import type { SenderProfile } from '../config';
import { isUnder } from '../util/text';
import { parseSpf } from '../records/spf';
import { recentReports, type AggregateReport } from '../reports/aggregate';
import { cidrInside, ipInCidr } from '../util/cidr';
import type { ResourceRecord } from '../types';
import { bare, domDashed, fillTemplate, ownsDomain, providerById, providerForInclude, type CatalogRecord, type Provider } from './catalog';
import { cnameTarget, MAX_CNAME_CHAIN } from '../records/cname';
import { isDynamic, wholeZone } from '../records/dynamic';
import { holesOnlyInValuesOf } from '../records/holes';
import { discoverPolicy, discoveryNames, OPAQUE, orgDomain, treeWalk, type DmarcAt, type Discovery, type Walk } from './treewalk';

export { discoveryNames, orgDomain } from './treewalk';

export interface Entry {
  uri: string;
  record: ResourceRecord;
  site?: AnalyzedSite;
}

/** Records at an owner name across the workspace. */
export type Lookup = (owner: string) => readonly Entry[];

/** The DMARC record that governs a From domain (RFC 9989 §4.10 tree walk over the workspace). */
export interface Coverage {
  entry: Entry;
  /** `_dmarc.<at>` holds the record. */
  at: string;
  /** Which tag applies: p at the domain itself, sp for an existing subdomain, np for a non-existent one. */
  via: 'p' | 'sp' | 'np';
  policy: string;
  /** The tag that decided `policy` as written (`sp` absent → p applies to subdomains). */
  decidedBy: 'p' | 'sp' | 'np';
  testing: boolean;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  /** The From domain's Organizational Domain (RFC 9989 §4.10.2, over the workspace). */
  org: string;
  /** Whose record applies: the From domain's own, its Organizational Domain's, or its Public Suffix Domain's (`psd=y`). */
  kind: 'author' | 'org' | 'psd';
}

/** A record to publish, absolute owner, value filled in (or with the platform's `<token>` left). */
export interface Publish {
  owner: string;
  type: CatalogRecord['type'];
  value: string;
  /** No account token left: the value can be written as is. */
  literal: boolean;
}

export interface AlignmentResult {
  aligned: boolean;
  /** Why not, or how it aligns. */
  why: string;
  /** Records that would make it align. */
  publish: Publish[];
}

export interface SenderProblem {
  rule: 'sender/no-dmarc-record' | 'sender/return-path-not-set-up' | 'sender/dkim-selector-missing' | 'sender/will-fail-dmarc' | 'sender/failing-in-reports' | 'sender/strict-alignment';
  message: string;
  /** Where in the profile: a field of the sender, or the sender object. */
  at: 'sender' | 'from' | 'returnPath' | 'provider' | { selector: number };
  severity?: 'error' | 'warning' | 'information' | 'hint';
  related?: Entry[];
  /** Records whose publication fixes it. */
  publish?: Publish[];
}

export interface SenderVerdict {
  profile: SenderProfile;
  provider?: Provider;
  label: string;
  coverage?: Coverage;
  spf: AlignmentResult;
  dkim: AlignmentResult;
  evidence?: { messages: number; failing: number; reports: number };
  problems: SenderProblem[];
}

/**
 * RFC 9989 §4.4.1/§4.4.2: relaxed = same Organizational Domain, strict = identical. `org` finds the
 * Organizational Domain (the tree walk over the workspace, `workspaceOrg`); the public suffix list by default.
 */
export function aligns(a: string, b: string, mode: 'r' | 's', org: (d: string) => string = orgDomain): boolean {
  if (a === b) return true;
  return mode === 's' ? bare(a) === bare(b) : org(bare(a)) === org(bare(b));
}

/**
 * What the workspace says is at `_dmarc.<name>` (for the tree walk): its one DMARC record; nothing
 * when it has several (RFC 9989 discards them) or none inside a zone a file holds whole; unknown when
 * none is there otherwise, or a CNAME (hosted DMARC) or a TXT record whose value is not static is.
 */
export function workspaceDmarc(lookup: Lookup): DmarcAt<Entry> {
  // Walks from sibling names ask the same parents: each name is read once per analysis.
  const memo = new Map<string, ReturnType<DmarcAt<Entry>>>();
  return (name) => {
    if (memo.has(name)) return memo.get(name);
    const r = dmarcIn(lookup, name);
    memo.set(name, r);
    return r;
  };
}

function dmarcIn(lookup: Lookup, name: string): ReturnType<DmarcAt<Entry>> {
  const here = lookup(`_dmarc.${name}`);
  const found = here.filter((e) => e.site?.kind === 'dmarc' && e.site.dmarc);
  if (found.length === 1) return { item: found[0], psd: tag(found[0].site!, 'psd') };
  if (found.length > 1) return null;
  // A CNAME (hosted or centralised DMARC): the record at the end of the chain, when the workspace holds it.
  const cname = here.find((e) => e.record.type === 'CNAME' && !isDynamic(e.record));
  if (cname) return throughCname(lookup, cname);
  if (here.some((e) => e.record.type === 'CNAME' || (e.record.type === 'TXT' && isDynamic(e.record)))) return OPAQUE;
  return wholeZone(`_dmarc.${name}`, lookup, (e) => e.record, () => false) ? null : undefined;
}

/**
 * Follows a `_dmarc` CNAME as resolvers do (RFC 1034 §3.6.2): the name the chain ends at, the CNAMEs
 * taken, and the DMARC records the workspace holds there; undefined for a loop or a chain too long.
 */
export function dmarcBehindCname(lookup: Lookup, first: ResourceRecord): { end: string; links: number; found: Entry[] } | undefined {
  let n = cnameTarget(first);
  for (let links = 1; links <= MAX_CNAME_CHAIN; links++) {
    const at = lookup(n);
    const found = at.filter((e) => e.site?.kind === 'dmarc' && e.site.dmarc);
    const next = found.length ? undefined : at.find((e) => e.record.type === 'CNAME' && !isDynamic(e.record));
    if (!next) return { end: n, links, found };
    n = cnameTarget(next.record);
  }
  return undefined;
}

/**
 * The DMARC record policy discovery finds through a `_dmarc` CNAME: the one record at the end of the
 * chain; none when several are there; one not known (OPAQUE) when the chain leaves the workspace (a
 * vendor's zone), reaches a name with no DMARC record, or goes on too long.
 */
function throughCname(lookup: Lookup, first: Entry): ReturnType<DmarcAt<Entry>> {
  const r = dmarcBehindCname(lookup, first.record);
  if (!r || r.found.length === 0) return OPAQUE;
  return r.found.length > 1 ? null : { item: r.found[0], psd: tag(r.found[0].site!, 'psd') };
}

/** The tree walk from a name over the workspace, and so its Organizational Domain (RFC 9989 §4.10.2); memoised, for one analysis. */
export function workspaceWalks(lookup: Lookup): (name: string) => Walk<Entry> {
  const at = workspaceDmarc(lookup);
  const memo = new Map<string, Walk<Entry>>();
  return (name) => {
    let w = memo.get(name);
    if (w === undefined) memo.set(name, (w = treeWalk(name, at)));
    return w;
  };
}

/** The Organizational Domain of a name by the RFC 9989 tree walk over the workspace (memoised: for one analysis). */
export function workspaceOrg(lookup: Lookup): (name: string) => string {
  const walk = workspaceWalks(lookup);
  return (name) => walk(name).org;
}

function tag(site: AnalyzedSite, name: string): string | undefined {
  return site.dmarc?.byName.get(name)?.value.trim().toLowerCase();
}

/**
 * Hosted DMARC: where discovery for `from` meets a CNAME at `_dmarc.<name>` (a vendor publishes the
 * policy at the target, outside the workspace), the name and the target; else undefined.
 */
export function hostedDmarc(from: string, lookup: Lookup): { at: string; target: string; entry: Entry } | undefined {
  for (const at of discoveryNames(from)) {
    const entry = lookup(`_dmarc.${at}`).find((e) => e.record.type === 'CNAME');
    if (entry) return { at, target: cnameTarget(entry.record), entry };
  }
  return undefined;
}

/**
 * The DMARC record policy discovery applies to `from` (RFC 9989 §4.10.1: its own, else its
 * Organizational Domain's, else its Public Suffix Domain's), and the policy it applies. A subdomain is
 * "existing" when the workspace has any record at or under it.
 */
export function findCoverage(from: string, lookup: Lookup, exists: (name: string) => boolean): Coverage | undefined {
  return coverageFrom(from, discoverPolicy(from, workspaceDmarc(lookup)), exists);
}

/**
 * Which tag of the record that applies decides the policy for a name (RFC 9989 §4.7, §4.10.1): `p` for
 * the record's own name; else `sp` for a name that exists and `np` for one that does not (asked only
 * then), each falling back to `sp`, then `p`, where absent.
 */
export function applicablePolicy(own: boolean, exists: () => boolean | undefined, p: string, sp: string | undefined, np: string | undefined): { via: 'p' | 'sp' | 'np'; policy: string; decidedBy: 'p' | 'sp' | 'np' } {
  if (own) return { via: 'p', policy: p, decidedBy: 'p' };
  if (exists() !== false) return { via: 'sp', policy: sp ?? p, decidedBy: sp ? 'sp' : 'p' };
  return { via: 'np', policy: np ?? sp ?? p, decidedBy: np ? 'np' : sp ? 'sp' : 'p' };
}

/** The coverage a policy discovery already made gives `from` (the policy of the record it applies). */
export function coverageFrom(from: string, d: Discovery<Entry>, exists: (name: string) => boolean): Coverage | undefined {
  if (!d.applied) return undefined;
  const { item: entry, name: at } = d.applied;
  const site = entry.site!;
  const { via, policy, decidedBy } = applicablePolicy(at === bare(from), () => exists(from), tag(site, 'p') ?? 'none', tag(site, 'sp'), tag(site, 'np'));
  const mode = (v: string | undefined): 'r' | 's' => (v === 's' ? 's' : 'r');
  return { entry, at, via, policy, decidedBy, testing: tag(site, 't') === 'y', adkim: mode(tag(site, 'adkim')), aspf: mode(tag(site, 'aspf')), org: d.walk.org, kind: d.applied.kind };
}

/** `{domain}`/`{dom-dashed}` filled where they can be; `<tokens>` (and a dashed name that is not known) left for the user. */
function partial(text: string, domain: string): string {
  const dashed = domDashed(domain);
  return text.replace(/\{domain\}/g, domain).replace(/\{dom-dashed\}/g, dashed ?? '<dom-dashed>');
}

function fill(rec: CatalogRecord, domain: string): Publish {
  const owner = rec.name.startsWith('<') && !rec.name.includes('.') ? rec.name : `${rec.name}.${domain}`;
  const literal = fillTemplate(rec.value, domain) !== undefined && fillTemplate(owner, domain) !== undefined;
  return { owner: partial(owner, domain), type: rec.type, value: partial(rec.value, domain), literal };
}

export function describe(p: Publish): string {
  return `${p.owner} ${p.type} ${p.type === 'TXT' ? `"${p.value}"` : p.value}`;
}


interface SpfWalk {
  /** The SPF record found at the name (undefined: none in the workspace). */
  found: boolean;
  lookups: number;
  /** Some include/redirect target was not in the workspace: `lookups` is a lower bound. */
  partial: boolean;
  providers: Set<string>;
  cidrs: string[];
  /** Mechanisms that may match hosts this static walk cannot see (a, mx, exists, ptr, includes outside). */
  opaque: boolean;
}

/** Walks an SPF record and its includes through the workspace, counting lookups (RFC 7208 §4.6.4). */
function walkSpf(domain: string, lookup: Lookup, seen = new Set<string>(), w: SpfWalk = { found: false, lookups: 0, partial: false, providers: new Set(), cidrs: [], opaque: false }, depth = 0): SpfWalk {
  const d = bare(domain);
  if (seen.has(d) || depth > 10) return w;
  seen.add(d);
  const entry = lookup(d).find((e) => e.site?.kind === 'spf');
  if (!entry) {
    w.partial = true;
    w.opaque = true;
    return w;
  }
  if (depth === 0) w.found = true;
  const spf = entry.site!.spf ?? parseSpf(entry.site!.site.value);
  for (const t of spf.terms) {
    if (t.kind === 'mechanism' && ['include', 'a', 'mx', 'ptr', 'exists'].includes(t.name)) w.lookups++;
    if (t.name === 'redirect') w.lookups++;
    if (t.qualifier !== '+' && t.qualifier !== undefined) continue;
    if ((t.name === 'include' || t.name === 'redirect') && t.arg) {
      const p = providerForInclude(t.arg);
      if (p) w.providers.add(p.id);
      if (lookup(bare(t.arg)).length) walkSpf(t.arg, lookup, seen, w, depth + 1);
      else {
        w.partial = true;
        if (!p) w.opaque = true;
        else if (typeof p.spfLookups === 'number') w.lookups += p.spfLookups - 1;
      }
    } else if ((t.name === 'ip4' || t.name === 'ip6') && t.arg) w.cidrs.push(t.cidr4 !== undefined || t.cidr6 !== undefined ? `${t.arg}/${t.cidr4 ?? t.cidr6}` : t.arg);
    else if (t.kind === 'mechanism' && t.name !== 'all') w.opaque = true;
  }
  return w;
}

function cnameAt(lookup: Lookup, name: string): Entry | undefined {
  return lookup(name).find((e) => e.record.type === 'CNAME');
}

const target = (e: Entry) => bare(e.record.rdata[0] ?? '');

/** Why two names do not align under relaxed alignment: their Organizational Domains, and what made one differ from the public suffix list's. */
function relaxedWhy(a: string, b: string, org: (d: string) => string): string {
  const oa = org(bare(a));
  const ob = org(bare(b));
  const differs = oa !== orgDomain(a) || ob !== orgDomain(b);
  return `relaxed: the Organizational Domains differ, ${oa} and ${ob}${differs ? ', by the DMARC records on the way up (RFC 9989 §4.10.2)' : ''}`;
}

/** SPF alignment: the Return-Path aligns with From under aspf, and its SPF authorises the sender. */
function spfAlignment(s: SenderProfile, p: Provider | undefined, cov: Coverage | undefined, lookup: Lookup, inWorkspace: (d: string) => boolean, problems: SenderProblem[], label: string, org: (d: string) => string): AlignmentResult {
  const aspf = cov?.aspf ?? 'r';
  const custom = !p;
  // The platform's Return-Path records: on the declared host, or under the From domain with the catalog's label.
  const setupRecords = (host?: string): Publish[] =>
    (p?.returnPathRecords ?? []).map((r) => {
      const f = fill({ ...r, name: r.name.replace(/^<mailfrom>$/, 'bounce') }, s.from);
      return host ? { ...f, owner: host, literal: fillTemplate(r.value, s.from) !== undefined } : f;
    });
  let envelope = s.returnPath;
  if (!envelope) {
    if (custom || p?.returnPath === 'customer') envelope = s.from;
    else if (p?.returnPath === 'provider')
      return { aligned: false, why: `${label} sends with its own Return-Path${p.envelopeDomains?.length ? ` (${p.envelopeDomains.join(', ')})` : ''}, so SPF cannot align with ${s.from}`, publish: [] };
    else {
      const publish = setupRecords();
      return {
        aligned: false,
        why: `no Return-Path on ${orgDomain(s.from)} is declared for ${label}${p?.envelopeDomains?.length ? `, so it uses its own (${p.envelopeDomains.join(', ')})` : ''} and SPF does not align${p?.returnPathNote ? ` (${p.returnPathNote})` : ''}`,
        publish,
      };
    }
  }
  if (!aligns(envelope, s.from, aspf, org)) {
    const strict = aspf === 's' && aligns(envelope, s.from, 'r', org);
    if (strict) problems.push({ rule: 'sender/strict-alignment', at: 'returnPath', message: `aspf=s: the Return-Path ${envelope} is a subdomain of ${s.from}, not identical, so SPF never aligns under strict alignment; use aspf=r (the default) or rely on DKIM.`, related: cov ? [cov.entry] : undefined });
    return { aligned: false, why: `the Return-Path ${envelope} does not align with ${s.from} (${aspf === 's' ? 'strict: must be identical' : relaxedWhy(envelope, s.from, org)})`, publish: [] };
  }
  // The envelope is ours: is it set up for this sender?
  const cname = cnameAt(lookup, envelope);
  if (cname) {
    const t = target(cname);
    if (p && (p.returnPathTargetSuffixes ?? []).some((x) => t === x || t.endsWith(x.startsWith('.') ? x : `.${x}`) || t === x.replace(/^\./, '')))
      return { aligned: true, why: `the Return-Path ${envelope} is delegated to ${label} (CNAME ${t})`, publish: [] };
    if (p && p.returnPathTargetSuffixes?.length) {
      problems.push({ rule: 'sender/return-path-not-set-up', at: 'returnPath', message: `${envelope} is a CNAME to ${t}, not to ${label} (${p.returnPathTargetSuffixes.join(', ')}); bounces and SPF for this sender go elsewhere.`, related: [cname] });
      return { aligned: false, why: `the Return-Path ${envelope} points at ${t}, not at ${label}`, publish: [] };
    }
  }
  const walk = walkSpf(envelope, lookup);
  if (!walk.found) {
    if (cname) return { aligned: true, why: `the Return-Path ${envelope} is a CNAME to ${target(cname)} (its SPF comes from there)`, publish: [] };
    const rebased = s.returnPath ? setupRecords(s.returnPath) : [];
    if (!inWorkspace(envelope)) return { aligned: false, why: `${envelope} is not defined in the workspace, so its SPF cannot be checked`, publish: [] };
    if (s.returnPath) problems.push({ rule: 'sender/return-path-not-set-up', at: 'returnPath', message: `The Return-Path ${envelope} has no SPF record${p ? ` and no CNAME to ${label}` : ''} in the workspace, so SPF fails for this sender's mail${rebased.length ? `; publish ${rebased.map(describe).join(' and ')}` : ''}.`, publish: rebased });
    return { aligned: false, why: `${envelope} publishes no SPF record`, publish: rebased };
  }
  if (walk.lookups > 10) return { aligned: false, why: `the SPF record at ${envelope} needs ${walk.partial ? 'at least ' : ''}${walk.lookups} DNS lookups, over the limit of 10, so it returns permerror (RFC 7208 §4.6.4)`, publish: [] };
  if (p) {
    if (walk.providers.has(p.id)) return { aligned: true, why: `the SPF record at ${envelope} includes ${label}`, publish: [] };
    if (walk.opaque) return { aligned: true, why: `the SPF record at ${envelope} may authorise ${label} through terms this check cannot follow offline`, publish: [] };
    const inc = p.spfIncludes?.[0];
    return { aligned: false, why: `the SPF record at ${envelope} does not authorise ${label}${inc ? ` (add include:${inc})` : ''}`, publish: [] };
  }
  // A custom sender: its addresses must be inside ip4/ip6 terms (or terms this walk cannot see).
  const missing = s.ips.filter((ip) => !walk.cidrs.some((c) => cidrInside(ip, c)));
  if (missing.length === 0 && s.ips.length) return { aligned: true, why: `the SPF record at ${envelope} lists ${s.ips.join(', ')}`, publish: [] };
  if (walk.opaque) return { aligned: true, why: `the SPF record at ${envelope} may cover the sender through terms this check cannot follow offline`, publish: [] };
  return { aligned: false, why: `the SPF record at ${envelope} does not list ${missing.join(', ') || 'the sender\'s addresses'}`, publish: [] };
}

/** DKIM alignment: a key for each declared selector (TXT or the platform's CNAME) at a d= that aligns under adkim. */
function dkimAlignment(s: SenderProfile, p: Provider | undefined, cov: Coverage | undefined, lookup: Lookup, inWorkspace: (d: string) => boolean, problems: SenderProblem[], label: string, org: (d: string) => string, keysUnder?: (d: string) => readonly Entry[]): AlignmentResult {
  const adkim = cov?.adkim ?? 'r';
  const d = s.dkimDomain ?? s.from;
  // Declared selectors stand in for the platform's account-specific ones (hs1-<hubid> → hs1-4315870).
  const templates = p?.dkimRecords ?? [];
  const named = templates.map((r, i) => {
    const sel = r.name.slice(0, r.name.indexOf('._domainkey'));
    return /[<{]/.test(sel) && s.dkimSelectors.length === templates.length ? { ...r, name: `${s.dkimSelectors[i]}._domainkey` } : r;
  });
  const publish = named.map((r) => fill(r, d));
  if (!aligns(d, s.from, adkim, org)) return { aligned: false, why: `it signs with d=${d}, which does not align with ${s.from} (${adkim === 's' ? 'strict' : relaxedWhy(d, s.from, org)})`, publish: [] };
  const usable: string[] = [];
  const check = (selector: string, index: number | undefined): boolean => {
    const name = `${selector}._domainkey.${d}`;
    const entries = lookup(name);
    const cname = entries.find((e) => e.record.type === 'CNAME');
    if (cname) {
      const t = target(cname);
      if (p?.dkimCnameSuffixes?.length && !p.dkimCnameSuffixes.some((x) => t.endsWith(x))) {
        if (index !== undefined) problems.push({ rule: 'sender/dkim-selector-missing', at: { selector: index }, message: `${name} is a CNAME to ${t}, not to ${label} (${p.dkimCnameSuffixes.join(', ')}).`, related: [cname] });
        return false;
      }
      usable.push(selector);
      return true;
    }
    const key = entries.find((e) => e.site?.kind === 'dkim');
    if (key) {
      const info = key.site!.dkim?.key;
      const pTag = key.site!.dkim?.byName.get('p');
      if (!pTag || pTag.value.trim() === '' || info?.error) {
        if (index !== undefined) problems.push({ rule: 'sender/dkim-selector-missing', at: { selector: index }, message: `${name} has no usable key (${!pTag || pTag.value.trim() === '' ? 'revoked: empty p=' : info?.error}).`, related: [key] });
        return false;
      }
      usable.push(selector);
      return true;
    }
    if (index !== undefined) {
      const inWs = inWorkspace(d);
      problems.push({
        rule: 'sender/dkim-selector-missing',
        at: { selector: index },
        severity: inWs ? 'warning' : 'information',
        message: inWs ? `No DKIM record at ${name} in the workspace: signatures with s=${selector} will not verify (RFC 6376 §3.6.2); publish the ${p?.dkimCnameSuffixes?.length ? 'CNAME' : 'key'} ${label} shows for this selector.` : `${name} is not in the workspace (its zone is not here), so the key cannot be checked.`,
      });
    }
    return false;
  };
  if (s.dkimSelectors.length) s.dkimSelectors.forEach((sel, i) => check(sel, i));
  else {
    // No selectors declared: the platform's usual ones, or any CNAME into its DKIM domain.
    for (const sel of p?.dkimSelectors ?? []) check(sel, undefined);
    for (const r of publish) if (!r.owner.startsWith('<')) check(r.owner.slice(0, r.owner.indexOf('._domainkey.')), undefined);
    // Account-specific selectors (hs1-<hubid>, SES tokens): any CNAME under _domainkey into the platform's DKIM hosts.
    if (!usable.length && p?.dkimCnameSuffixes?.length)
      for (const e of keysUnder?.(d) ?? []) if (e.record.type === 'CNAME' && p.dkimCnameSuffixes.some((x) => target(e).endsWith(x))) usable.push(e.record.owner === undefined ? 'computed at deploy time' : e.record.owner.slice(0, e.record.owner.indexOf('._domainkey.')));
  }
  const selectors = [...new Set(usable)];
  if (selectors.length) return { aligned: true, why: `it signs with d=${d} (selector${selectors.length > 1 ? 's' : ''} ${selectors.join(', ')})`, publish: [] };
  return { aligned: false, why: `no DKIM key for ${label} is published at ${d}${s.dkimSelectors.length ? ` (selectors ${s.dkimSelectors.join(', ')})` : ''}`, publish: publish.filter((x) => !lookup(x.owner).length) };
}

/** Messages in the reports for this sender's From domain that came from it (by d=, envelope or address). */
function evidenceFor(s: SenderProfile, p: Provider | undefined, reports: readonly AggregateReport[]): SenderVerdict['evidence'] {
  let messages = 0;
  let failing = 0;
  const ids = new Set<AggregateReport>();
  // The reports for this From domain of the last days, as the rollout reads them: a sender fixed since older ones is judged as it sends now.
  const mineReports = recentReports(reports.filter((rep) => isUnder(s.from, bare(rep.policy.domain || s.from)) || isUnder(bare(rep.policy.domain), orgDomain(s.from))));
  for (const rep of mineReports) {
    for (const rec of rep.records) {
      if (bare(rec.headerFrom || rep.policy.domain) !== s.from) continue;
      const mine = p
        ? rec.dkimResults.some((d) => ownsDomain(p, d.domain) || (d.domain && bare(d.domain) === bare(s.dkimDomain ?? s.from) && d.selector && s.dkimSelectors.includes(d.selector.toLowerCase()))) ||
          rec.spfResults.some((x) => ownsDomain(p, x.domain) || (s.returnPath && bare(x.domain) === s.returnPath))
        : s.ips.some((c) => ipInCidr(rec.sourceIp, c));
      if (!mine) continue;
      ids.add(rep);
      messages += rec.count;
      if (rec.dkim !== 'pass' && rec.spf !== 'pass') failing += rec.count;
    }
  }
  return messages ? { messages, failing, reports: ids.size } : undefined;
}

/** Checks every declared sender against the workspace records and the reports. */
export interface AnalyzeOptions {
  reports?: readonly AggregateReport[];
  /** Whether the workspace defines the name or any name under it (an "existing" subdomain). */
  exists?: (name: string) => boolean;
  /** Every record under `_domainkey.<domain>` (to find a platform's keys under selectors not declared). */
  keysUnder?: (domain: string) => readonly Entry[];
}

export function analyzeSenders(profiles: readonly SenderProfile[], lookup: Lookup, options: AnalyzeOptions = {}): SenderVerdict[] {
  const exists = options.exists ?? ((n: string) => lookup(n).length > 0);
  const inWorkspace = (d: string) => exists(orgDomain(d));
  const dmarcAt = workspaceDmarc(lookup);
  const orgOf = workspaceOrg(lookup);
  return profiles.map((s) => {
    const p = s.provider === 'custom' ? undefined : providerById(s.provider);
    const label = s.name ?? p?.name ?? 'this sender';
    const problems: SenderProblem[] = [];
    const discovery = discoverPolicy(s.from, dmarcAt);
    const coverage = coverageFrom(s.from, discovery, exists);
    const hosted = coverage ? undefined : hostedDmarc(s.from, lookup);
    // Records on the way up that are neither the From domain's nor its Organizational Domain's do not apply (RFC 9989 §4.10.1).
    const passedBy = coverage ? [] : discovery.walk.found.filter((f) => f.name !== bare(s.from));
    if (!coverage && !hosted && passedBy.length) {
      const names = passedBy.map((f) => `_dmarc.${f.name}`).join(' and ');
      problems.push({
        rule: 'sender/no-dmarc-record',
        at: 'from',
        severity: 'information',
        message: `${names} ${passedBy.length === 1 ? 'does' : 'do'} not apply to ${s.from}: receivers take the policy of the From domain's own record, else of its Organizational Domain, ${discovery.walk.org}, whose _dmarc record is not in the workspace (RFC 9989 §4.10.1). Publish _dmarc.${s.from}, or psd=n in ${passedBy.length === 1 ? 'that record' : 'one of them'} to make its name the Organizational Domain.`,
        related: passedBy.map((f) => f.item),
      });
    } else if (!coverage && hosted) {
      problems.push({
        rule: 'sender/no-dmarc-record',
        at: 'from',
        severity: 'information',
        message: `DMARC for ${s.from} is hosted: _dmarc.${hosted.at} is a CNAME to ${hosted.target}, so its policy is not in the workspace and whether ${label}'s mail is rejected when it fails cannot be told from these files (RFC 9989 §4.10).`,
        related: [hosted.entry],
      });
    } else if (!coverage && discovery.opaque) {
      problems.push({
        rule: 'sender/no-dmarc-record',
        at: 'from',
        severity: 'information',
        message: `_dmarc.${bare(s.from)} publishes a record whose value is not known statically (an expression), so whether ${label}'s mail is rejected when it fails cannot be told from these files (RFC 9989 §4.10).`,
      });
    } else if (!coverage) {
      const here = inWorkspace(s.from);
      problems.push({
        rule: 'sender/no-dmarc-record',
        at: 'from',
        severity: here ? 'warning' : 'information',
        message: here
          ? `No DMARC record covers ${s.from}: neither _dmarc.${s.from} nor a parent's is in the workspace, so receivers apply no policy and send no reports for ${label}'s mail (RFC 9989 §4.10).`
          : `${orgDomain(s.from)} is not defined in the workspace, so the DMARC record covering ${s.from} cannot be checked.`,
        publish: here ? [{ owner: `_dmarc.${orgDomain(s.from)}`, type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:<address>', literal: false }] : undefined,
      });
    }
    // With a policy in sight, the Organizational Domains come from the tree walk; without one, from the
    // public suffix list, as they will once the suggested record at the registrable domain is published.
    const org = coverage ? orgOf : orgDomain;
    const spf = spfAlignment(s, p, coverage, lookup, inWorkspace, problems, label, org);
    const dkim = dkimAlignment(s, p, coverage, lookup, inWorkspace, problems, label, org, options.keysUnder);
    const evidence = options.reports ? evidenceFor(s, p, options.reports) : undefined;
    if (!spf.aligned && !dkim.aligned && inWorkspace(s.from)) {
      // A record with parts not known statically (records/holes) beyond its report addresses: its policy, or a t=y, may be any.
      const dm = coverage?.entry.site;
      const policyKnown = !dm?.site.holes || (dm.dmarc !== undefined && holesOnlyInValuesOf(dm.site.value, dm.dmarc.tags, (n) => n === 'rua' || n === 'ruf'));
      const enforcing = coverage && policyKnown && coverage.policy !== 'none';
      const publish = [...dkim.publish, ...spf.publish];
      const applied = `${coverage?.decidedBy}=${coverage?.policy} at _dmarc.${coverage?.at}${coverage && coverage.via !== coverage.decidedBy ? ` (no ${coverage.via}, so p applies to ${s.from})` : ''}`;
      const when = !coverage ? (hosted ? `whenever the hosted policy at ${hosted.target} enforces` : 'once a DMARC policy is published') : !policyKnown ? `whenever the policy at _dmarc.${coverage.at} enforces (the record is not known statically: ${applied})` : enforcing ? (coverage.testing ? `as soon as t=y is removed from _dmarc.${coverage.at} (${applied})` : `now: ${applied}`) : `once ${applied} moves to quarantine or reject`;
      problems.push({
        rule: 'sender/will-fail-dmarc',
        at: 'sender',
        severity: enforcing && !coverage.testing ? 'error' : 'warning',
        message:
          `${label} (From: ${s.from}) will fail DMARC ${when}: neither SPF nor DKIM aligns. SPF: ${spf.why}. DKIM: ${dkim.why}.` +
          (publish.length ? ` Publish ${publish.map(describe).join('; ')}${publish.some((x) => !x.literal) ? ` (values in <…> come from ${label}'s set-up page)` : ''}.` : p?.dkimSetup ? ` Publish ${p.dkimSetup}.` : '') +
          (evidence?.failing ? ` The reports already show ${evidence.failing} of ${evidence.messages} messages failing.` : ''),
        related: coverage ? [coverage.entry] : hosted ? [hosted.entry] : undefined,
        publish,
      });
    } else if (evidence?.failing) {
      problems.push({
        rule: 'sender/failing-in-reports',
        at: 'sender',
        message: `The aggregate reports show ${evidence.failing} of ${evidence.messages} messages from ${label} for ${s.from} failing DMARC (${evidence.reports} report${evidence.reports === 1 ? '' : 's'}), although the records now in the workspace align (${spf.aligned ? `SPF: ${spf.why}` : `DKIM: ${dkim.why}`}); check that the platform uses them.`,
        related: coverage ? [coverage.entry] : undefined,
      });
    }
    return { profile: s, provider: p, label, coverage, spf, dkim, evidence, problems };
  });
}
