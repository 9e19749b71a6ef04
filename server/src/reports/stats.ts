/**
 * Statistics across aggregate reports (RFC 9990 §2): totals by day, source IP, sending service and
 * header-from domain; DMARC pass (aligned SPF or aligned DKIM), SPF-only and DKIM-only; dispositions
 * and override reasons. Alignment is recomputed from `auth_results` and the published adkim/aspf
 * (RFC 9989 §4.4), and rows where the reporter's `policy_evaluated` disagrees are flagged.
 */
import { aligns } from '../senders/analyze';
import { bare, ownsDomain, providers, type Provider } from '../senders/catalog';
import { fromDomain, type AggregateReport, type ReportRecord } from './aggregate';
import { drain } from '../util/steps';

export interface Tally {
  messages: number;
  /** DMARC pass as the reporter evaluated it (policy_evaluated dkim or spf = pass). */
  pass: number;
}

export interface ServiceTally extends Tally {
  /** A catalog platform's name, or the source IP when no platform is recognised. */
  service: string;
  provider?: string;
  sources: number;
  dkimPass: number;
  dkimAligned: number;
  spfPass: number;
  spfAligned: number;
  /** For a known platform failing DMARC: what to publish (from the catalog). */
  publish?: string;
  /**
   * For a known platform failing DMARC whose set-up the workspace already publishes at every From domain
   * it failed for: what aligns there now (instead of `publish`). The failing mail was likely sent before it.
   */
  published?: string;
  /** A source no platform names (`service` is its IP): what the SPF record of the From domain it sent most mail for says of it (SourceOf). */
  spf?: string;
}

/** What the workspace publishes that aligns a platform's mail at a From domain (`DKIM: it signs with d=… (selectors k2, k3)`), if anything. */
export type SetUpOf = (providerId: string, domain: string) => string | undefined;

/** What the workspace's SPF records say of a source no platform names, for a From domain (`authorised by the SPF record of example.com`), if anything. */
export type SourceOf = (ip: string, from: string) => string | undefined;

export interface Disagreement {
  origin: string;
  reporter: string;
  sourceIp: string;
  headerFrom: string;
  count: number;
  reported: { dkim: string; spf: string };
  computed: { dkim: 'pass' | 'fail'; spf: 'pass' | 'fail' };
}

export interface ReportStats {
  messages: number;
  dmarcPass: number;
  /** Messages that passed through both, only aligned SPF, only aligned DKIM, neither (as reported). */
  both: number;
  spfOnly: number;
  dkimOnly: number;
  neither: number;
  byDay: (Tally & { day: string })[];
  byIp: (Tally & { ip: string; service?: string })[];
  byService: ServiceTally[];
  byHeaderFrom: (Tally & { domain: string })[];
  dispositions: Record<string, number>;
  overrides: Record<string, number>;
  disagreements: Disagreement[];
  /** Rows flagged (the list above is capped). */
  disagreementCount: number;
}

const DAY = 86400;
const isPass = (v: string) => v === 'pass';

/** Platform by domain seen in reports (null: none), for the catalog in use. */
let byDomain = new Map<string, Provider | null>();
let cachedFor: readonly Provider[] | undefined;

export function platformOf(domain: string): Provider | undefined {
  if (cachedFor !== providers) {
    byDomain = new Map();
    cachedFor = providers;
  }
  let p = byDomain.get(domain);
  if (p === undefined) {
    p = providers.find((x) => ownsDomain(x, domain)) ?? null;
    if (byDomain.size > 100000) byDomain.clear();
    byDomain.set(domain, p);
  }
  return p ?? undefined;
}

/** The platform a record came from, by its DKIM d= and SPF domains (the first one a platform owns). */
export function serviceOf(rec: ReportRecord): Provider | undefined {
  for (const d of rec.dkimResults) if (d.domain) {
    const p = platformOf(d.domain);
    if (p) return p;
  }
  for (const x of rec.spfResults) if (x.domain) {
    const p = platformOf(x.domain);
    if (p) return p;
  }
  return undefined;
}

/**
 * Aligned DKIM and SPF passes recomputed from auth_results (undefined: no results to judge by).
 * Organizational Domains come from the public suffix list. A reporter that found them by the RFC 9989
 * tree walk (`<discovery_method>treewalk</discovery_method>`, RFC 9990) read `_dmarc` records this
 * cannot see: for two different names of one registrable domain under relaxed alignment its word
 * stands, so such a pair decides nothing here (undefined when nothing else does).
 */
export function recompute(rec: ReportRecord, policy: AggregateReport['policy'], fallbackFrom: string): { dkim?: 'pass' | 'fail'; spf?: 'pass' | 'fail' } {
  const from = rec.headerFrom || fallbackFrom;
  const adkim = policy.adkim === 's' ? 's' : 'r';
  const aspf = policy.aspf === 's' ? 's' : 'r';
  const treeWalk = policy.discoveryMethod?.trim().toLowerCase() === 'treewalk';
  /** pass, fail, or unknown (a relaxed pair the reporter's tree walk decided). */
  const judge = (d: string, mode: 'r' | 's'): 'pass' | 'fail' | 'unknown' => {
    if (aligns(d, from, mode)) return treeWalk && mode === 'r' && bare(d) !== bare(from) ? 'unknown' : 'pass';
    return 'fail';
  };
  const verdict = (results: { result: string; domain?: string }[], mode: 'r' | 's'): 'pass' | 'fail' | undefined => {
    if (results.length === 0) return undefined;
    let unknown = false;
    for (const x of results) {
      if (x.result !== 'pass' || !x.domain) continue;
      const j = judge(x.domain, mode);
      if (j === 'pass') return 'pass';
      if (j === 'unknown') unknown = true;
    }
    return unknown ? undefined : 'fail';
  };
  return { dkim: verdict(rec.dkimResults, adkim), spf: verdict(rec.spfResults.filter((x) => !x.scope || x.scope === 'mfrom'), aspf) };
}

/** The reporter's `policy_evaluated` says otherwise than the alignment recomputed from `auth_results`. */
export function disagrees(rec: ReportRecord, computed: { dkim?: 'pass' | 'fail'; spf?: 'pass' | 'fail' }): boolean {
  return (computed.dkim !== undefined && computed.dkim !== (isPass(rec.dkim) ? 'pass' : 'fail')) || (computed.spf !== undefined && computed.spf !== (isPass(rec.spf) ? 'pass' : 'fail'));
}

function bump<K>(m: Map<K, Tally>, k: K, messages: number, pass: number): void {
  const t = m.get(k);
  if (t) {
    t.messages += messages;
    t.pass += pass;
  } else m.set(k, { messages, pass });
}

export function reportStats(reports: readonly AggregateReport[], options: StatsOptions = {}): ReportStats {
  return drain(reportStatsSteps(reports, options));
}

export interface StatsOptions {
  maxDisagreements?: number;
  byIp?: boolean;
  setUp?: SetUpOf;
  sourceOf?: SourceOf;
}

/** Records reportStats sums up between two yields of reportStatsSteps. */
export const RECORDS_PER_SLICE = 10000;

/** reportStats, yielding after each RECORDS_PER_SLICE records (util/steps). */
export function* reportStatsSteps(reports: readonly AggregateReport[], options: StatsOptions = {}): Generator<void, ReportStats> {
  let slice = 0;
  const maxDisagreements = options.maxDisagreements ?? 200;
  const wantIps = options.byIp !== false;
  const s: ReportStats = { messages: 0, dmarcPass: 0, both: 0, spfOnly: 0, dkimOnly: 0, neither: 0, byDay: [], byIp: [], byService: [], byHeaderFrom: [], dispositions: {}, overrides: {}, disagreements: [], disagreementCount: 0 };
  const days = new Map<string, Tally>();
  const ips = new Map<string, Tally>();
  const ipService = new Map<string, string>();
  const froms = new Map<string, Tally>();
  // The From domains of each service, kept only when the workspace is asked about them (a report of 100 000 sources has as many services).
  // For a source no platform names, the From domains it sent for: the first one alone until another comes (most send for one), so
  // a report of 100 000 such sources does not make 100 000 maps.
  const services = new Map<string, ServiceTally & { ipSet?: Set<string>; failingFroms?: Set<string>; from?: string; fromCount?: number; froms?: Map<string, number> }>();
  // One record, in a function of its own: the generator's loop around it is not optimised as a whole (no on-stack replacement in generators).
  const tally = (r: AggregateReport, rec: ReportRecord, acc: { messages: number; pass: number }): void => {
    const n = rec.count;
    const dk = isPass(rec.dkim);
    const sp = isPass(rec.spf);
    const pass = dk || sp ? n : 0;
    s.messages += n;
    s.dmarcPass += pass;
    acc.messages += n;
    acc.pass += pass;
    if (dk && sp) s.both += n;
    else if (sp) s.spfOnly += n;
    else if (dk) s.dkimOnly += n;
    else s.neither += n;
    const disp = rec.disposition || 'none';
    s.dispositions[disp] = (s.dispositions[disp] ?? 0) + n;
    for (const reason of rec.reasons) s.overrides[reason.type || 'other'] = (s.overrides[reason.type || 'other'] ?? 0) + n;
    if (wantIps) bump(ips, rec.sourceIp, n, pass);
    bump(froms, (rec.headerFrom || r.policy.domain).toLowerCase(), n, pass);
    const p = serviceOf(rec);
    const name = p?.name ?? rec.sourceIp;
    if (p && wantIps) ipService.set(rec.sourceIp, p.name);
    let svc = services.get(name);
    // A source no platform names is a service of its own address: one source, no set of addresses to keep.
    if (!svc) services.set(name, (svc = { service: name, provider: p?.id, messages: 0, pass: 0, sources: p ? 0 : 1, dkimPass: 0, dkimAligned: 0, spfPass: 0, spfAligned: 0, ipSet: p ? new Set() : undefined }));
    svc.messages += n;
    svc.pass += pass;
    if (p ? !pass && options.setUp : options.sourceOf) {
      const from = fromDomain(rec, r);
      if (p) (svc.failingFroms ??= new Set()).add(from);
      else if (svc.froms) svc.froms.set(from, (svc.froms.get(from) ?? 0) + n);
      else if (svc.from === undefined || svc.from === from) {
        svc.from = from;
        svc.fromCount = (svc.fromCount ?? 0) + n;
      } else svc.froms = new Map([[svc.from, svc.fromCount!], [from, n]]);
    }
    svc.ipSet?.add(rec.sourceIp);
    if (rec.dkimResults.some((d) => isPass(d.result))) svc.dkimPass += n;
    if (rec.spfResults.some((x) => isPass(x.result))) svc.spfPass += n;
    const c = recompute(rec, r.policy, r.policy.domain);
    // Where the results cannot decide (no result for the identity, SPF checked on the HELO name only as for a bounce
    // with a null MAIL FROM, a pair a tree-walk reporter decided), the reporter's own verdict counts, as it does for
    // the DMARC pass above: a source is never "DMARC pass 100%" with no aligned identifier.
    if ((c.dkim ?? (dk ? 'pass' : 'fail')) === 'pass') svc.dkimAligned += n;
    if ((c.spf ?? (sp ? 'pass' : 'fail')) === 'pass') svc.spfAligned += n;
    if (disagrees(rec, c)) {
      s.disagreementCount++;
      if (s.disagreements.length < maxDisagreements)
        s.disagreements.push({ origin: r.origin, reporter: r.metadata.orgName, sourceIp: rec.sourceIp, headerFrom: rec.headerFrom, count: n, reported: { dkim: rec.dkim, spf: rec.spf }, computed: { dkim: c.dkim ?? (dk ? 'pass' : 'fail'), spf: c.spf ?? (sp ? 'pass' : 'fail') } });
    }
  };
  for (const r of reports) {
    // A report's messages are spread evenly over the days it covers (whole days, UTC); a report without dates counts on no day.
    const begin = r.metadata.begin;
    const end = r.metadata.end ?? begin;
    const spanDays = begin !== undefined && end !== undefined ? Math.max(1, Math.min(31, Math.ceil((end - begin + 1) / DAY))) : 0;
    const acc = { messages: 0, pass: 0 };
    for (const rec of r.records) {
      if (++slice === RECORDS_PER_SLICE) {
        slice = 0;
        yield;
      }
      tally(r, rec, acc);
    }
    const reportMessages = acc.messages;
    const reportPass = acc.pass;
    if (spanDays) {
      // Integer shares that add up to the report's totals exactly.
      for (let i = 0; i < spanDays; i++) {
        const day = new Date((begin! + i * DAY) * 1000).toISOString().slice(0, 10);
        const share = (x: number) => Math.floor(x / spanDays) + (i < x % spanDays ? 1 : 0);
        if (share(reportMessages) > 0) bump(days, day, share(reportMessages), share(reportPass));
      }
    }
  }
  s.byDay = [...days.entries()].map(([day, t]) => ({ day, ...t })).sort((a, b) => (a.day < b.day ? -1 : 1));
  s.byIp = [...ips.entries()].map(([ip, t]) => ({ ip, service: ipService.get(ip), ...t })).sort((a, b) => b.messages - a.messages);
  s.byHeaderFrom = [...froms.entries()].map(([domain, t]) => ({ domain, ...t })).sort((a, b) => b.messages - a.messages);
  s.byService = [...services.values()]
    .map((v) => {
      const p = v.provider ? providers.find((x) => x.id === v.provider) : undefined;
      // Set up in the workspace for every From domain it failed for: the reports predate it (or the platform does not use it).
      const done = p && v.pass < v.messages && options.setUp && v.failingFroms?.size ? [...v.failingFroms].map((d) => options.setUp!(p.id, d)) : undefined;
      const published = done?.every((x) => x !== undefined) ? [...new Set(done as string[])].join('; ') : undefined;
      // A source no platform names: what the SPF record of the From domain it sent most mail for says of it.
      const from = !p && options.sourceOf ? (v.froms ? [...v.froms.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] : v.from) : undefined;
      const spf = from !== undefined ? options.sourceOf!(v.service, from) : undefined;
      // Written out, not with rest and spread: a report of 133 000 sources has as many services.
      const t: ServiceTally = { service: v.service, provider: v.provider, messages: v.messages, pass: v.pass, sources: v.ipSet ? v.ipSet.size : v.sources, dkimPass: v.dkimPass, dkimAligned: v.dkimAligned, spfPass: v.spfPass, spfAligned: v.spfAligned, publish: p && v.pass < v.messages && !published ? p.dkimSetup : undefined };
      if (published) t.published = published;
      if (spf) t.spf = spf;
      return t;
    })
    .sort((a, b) => b.messages - a.messages);
  return s;
}
