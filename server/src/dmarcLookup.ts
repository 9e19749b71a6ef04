/**
 * What a receiver does with mail from a domain, asked of DNS (or of the workspace, or both): DMARC
 * policy discovery by the RFC 9989 §4.10 tree walk, the Organizational Domain (§4.10.2), which of
 * `p`, `sp` and `np` applies (np for a name that does not exist, RFC 9989 by RFC 8020: NXDOMAIN), and,
 * given the domains SPF or DKIM authenticated, whether they align (§4.4). The CLI's `dmarc` command;
 * no editor types.
 *
 * The `_dmarc` names the walks read (at most eight per domain) are asked all at once rather than one
 * after another as a receiver does: the same answers, in one round trip's time. The record that
 * applies is checked by the same record rules as a record written in a file.
 */
import { domainToASCII } from 'node:url';
import type { DnsAnswer, Resolver } from './dns/types';
import { isDmarcRecord, looksLikeDmarc, mailtoHost, parseDmarc, parseReportUris } from './records/dmarc';
import { discoverPolicy, discoveryNames, OPAQUE, treeWalk, type DmarcAt, type Walk } from './senders/treewalk';
import { rulesById } from './checks/registry';
import { analyzeSite, clipQuotes, collectSite, siteRules } from './service';
import { SourceMap } from './sourcemap';
import { stageOf } from './rollout';
import { orgDomain } from './senders/treewalk';
import { applicablePolicy } from './senders/analyze';
import { authorizationName } from './checks/walk';
import { readAuthorization, RULE as REPORT_AUTH_RULE } from './checks/reportauth';
import type { OffsetRange, RecordSite, Severity } from './types';

export interface DmarcQuery {
  /** `_dmarc.<name>`. */
  name: string;
  answer: DnsAnswer;
  /** The TXT records there that receivers take as DMARC records (they start with exactly `v=DMARC1`). */
  records: string[];
  /** TXT records there written as DMARC but that receivers discard (` v=DMARC1`, `v=dmarc1`, `v = DMARC1`). */
  discarded: string[];
  /** Read by the walk from the From domain (not only by an identifier's walk, or after the walk stopped). */
  read: boolean;
}

export interface RecordFinding {
  rule: string;
  severity: Severity;
  message: string;
  /** In the record's value (UTF-16 offsets). */
  range: OffsetRange;
}

export interface AlignmentVerdict {
  identifier: 'spf' | 'dkim';
  domain: string;
  /** The mode the record asks for (aspf or adkim; relaxed when absent). */
  mode: 'r' | 's';
  /** The identifier domain's Organizational Domain by its own tree walk. */
  org: string;
  aligned: boolean;
}

export interface DmarcLookup {
  /** The From domain as asked (A-labels, lower case, no trailing dot). */
  domain: string;
  /**
   * `policy`: a DMARC record applies; `none`: none does (receivers apply no DMARC policy);
   * `temperror`: a query that decides the answer failed; `unknown`: offline, and the workspace does not
   * define a `_dmarc` name the answer depends on.
   */
  status: 'policy' | 'none' | 'temperror' | 'unknown';
  queries: DmarcQuery[];
  /** The record that applies, at `_dmarc.<name>`: the domain's own, its Organizational Domain's or its Public Suffix Domain's (psd=y). */
  applied?: { name: string; record: string; kind: 'author' | 'org' | 'psd' };
  org: string;
  /** How the walk settled the Organizational Domain (see treewalk.Walk.by). */
  orgBy: Walk<string>['by'];
  /** Whether the domain exists (asked when the Organizational Domain's record applies: sp for one that does, np for one that does not); undefined when not asked or not known. */
  exists?: boolean;
  policy?: {
    /** The tag that applies by where the record is and whether the domain exists. */
    tag: 'p' | 'sp' | 'np';
    /** The tag whose value decided (`sp` absent: `p` applies to subdomains too). */
    decidedBy: 'p' | 'sp' | 'np';
    value: string;
    testing: boolean;
    /** The enforcement stage of the record (rollout ladder). */
    stage: string;
    adkim: 'r' | 's';
    aspf: 'r' | 's';
    rua: string[];
    ruf: string[];
  };
  /** Record rules' findings on the record that applies (and a report destination DNS does not authorise). */
  findings: RecordFinding[];
  /** The `mailto:` report destinations of the record that applies, and for those of another organization, whether DNS authorises them (RFC 9990 §3). */
  destinations: ReportDestination[];
  alignment: AlignmentVerdict[];
  /** Live queries that failed where the answer depends on them, with why. */
  problems: string[];
  /** Offline: the `_dmarc` names the walk read that the workspace does not define (the walk takes them to hold nothing, but for the registrable domain's, which it takes to be published). */
  unknown: string[];
}

export interface ReportDestination {
  tag: 'rua' | 'ruf';
  uri: string;
  host: string;
  /** In the record value. */
  range: OffsetRange;
  /** On another Organizational Domain (public suffix list) than the policy's domain: it must authorise the reports. */
  external: boolean;
  /** External only: DNS holds the authorisation (true), says there is none (false), or could not be asked (undefined). */
  authorized?: boolean;
  /** What DNS answered at `<domain>._report._dmarc.<host>`. */
  detail?: string;
}

export interface DmarcLookupOptions {
  /** Domains SPF authenticated (RFC5321.MailFrom or HELO). */
  spf?: string[];
  /** `d=` domains of DKIM signatures that verified. */
  dkim?: string[];
}

/** The name as DNS asks it: A-labels (IDNA, as `url.domainToASCII`), lower case, no trailing dot; undefined when it is not a domain name. */
export function asDomain(input: string): string | undefined {
  const s = input.trim().replace(/\.$/, '');
  if (!s || s.length > 253 || /[\s@/]/.test(s)) return undefined;
  const ascii = /^[\x21-\x7e]*$/.test(s) ? s.toLowerCase() : domainToASCII(s);
  if (!ascii || ascii.split('.').some((l) => l.length === 0 || l.length > 63)) return undefined;
  return ascii;
}

/**
 * What people paste for "the domain": an address (`user@example.com`, `<user@example.com>`) is its
 * domain, and the policy record's own name (`_dmarc.example.com`) the domain it is for.
 */
export function authorDomain(input: string): string {
  let s = input.trim().replace(/^<|>$/g, '');
  const at = s.lastIndexOf('@');
  if (at >= 0) s = s.slice(at + 1);
  return s.replace(/^_dmarc\./i, '');
}

export async function lookupDmarc(from: string, resolver: Resolver, options: DmarcLookupOptions = {}): Promise<DmarcLookup> {
  const domain = asDomain(from);
  if (!domain) throw new Error(`not a domain name: "${from}"`);
  const identifiers = [...(options.spf ?? []).map((d) => ['spf', d] as const), ...(options.dkim ?? []).map((d) => ['dkim', d] as const)].map(([kind, d]) => {
    const a = asDomain(d);
    if (!a) throw new Error(`not a domain name: "${d}"`);
    return [kind, a] as const;
  });
  // Every `_dmarc` name any walk may read, asked at once; the existence of the domain beside them.
  const names = new Set<string>();
  for (const d of [domain, ...identifiers.map(([, a]) => a)]) for (const n of discoveryNames(d)) names.add(n);
  const answers = new Map<string, Promise<DnsAnswer>>();
  for (const n of names) answers.set(n, resolver.resolve(`_dmarc.${n}`, 'TXT'));
  const existence = resolver.resolve(domain, 'A');
  // In the order of the walks (the From domain's names first), whatever order the answers come in.
  const settled = await Promise.all([...answers].map(async ([n, p]) => [n, await p] as const));

  const queries = new Map<string, DmarcQuery>();
  for (const [n, answer] of settled) {
    const txt = answer.status === 'ok' ? answer.records : [];
    queries.set(n, { name: `_dmarc.${n}`, answer, records: txt.filter(isDmarcRecord), discarded: txt.filter((t) => !isDmarcRecord(t) && looksLikeDmarc(t)), read: false });
  }
  // What the walk sees: one record → it; none, or several (RFC 9989 discards them all) → nothing; a failed query → not known.
  let reading = false;
  const at: DmarcAt<string> = (n) => {
    const q = queries.get(n);
    if (!q) return undefined;
    if (reading) q.read = true;
    if (q.answer.status === 'error') return undefined;
    if (q.records.length !== 1) return null;
    return { item: q.records[0], psd: parseDmarc(q.records[0]).byName.get('psd')?.value.trim().toLowerCase() };
  };
  reading = true;
  const discovery = discoverPolicy(domain, at);
  reading = false;

  // A live query that failed may hide the record that applies (or the one that sets the Organizational
  // Domain): temperror. Offline, a name the workspace does not define is only not known.
  const problems: string[] = [];
  const unknown: string[] = [];
  for (const q of queries.values()) {
    if (!q.read || q.answer.status !== 'error') continue;
    if (q.answer.source === 'offline') unknown.push(q.name);
    else problems.push(`${q.name}: ${q.answer.message}`);
  }
  const result: DmarcLookup = { domain, status: problems.length ? 'temperror' : unknown.length ? 'unknown' : 'none', queries: [...queries.values()], org: discovery.walk.org, orgBy: discovery.walk.by, findings: [], destinations: [], alignment: [], problems, unknown };
  // The domain's own record decides its policy whatever the names above say (they decide only the Organizational Domain).
  const own = discovery.applied?.kind === 'author';

  const applied = discovery.applied;
  if (applied && applied.item !== OPAQUE) {
    const record = applied.item;
    result.applied = { name: applied.name, record, kind: applied.kind };
    const dmarc = parseDmarc(record);
    const tag = (t: string) => dmarc.byName.get(t)?.value.trim().toLowerCase();
    if (applied.name !== domain) {
      const e = await existence;
      result.exists = e.status === 'nxdomain' ? false : e.status === 'error' ? undefined : true;
      if (e.status === 'error' && e.source !== 'offline') problems.push(`${domain} (whether it exists, which decides between sp and np): ${e.message}`);
    }
    // An sp or np that is not a policy is as if absent (receivers fall back as for a missing one);
    // not known whether the name exists, sp is shown.
    const chosen = applicablePolicy(applied.name === domain, () => result.exists, tag('p') ?? 'none', policyValue(tag('sp')), policyValue(tag('np')));
    const policyTag = chosen.via;
    const decidedBy = chosen.decidedBy;
    // RFC 9989 §4.7: a p receivers do not know is taken as none.
    const value = policyValue(chosen.policy) ?? 'none';
    const mode = (v: string | undefined): 'r' | 's' => (v === 's' ? 's' : 'r');
    const uris = (t: string) => {
      const x = dmarc.byName.get(t);
      return x ? parseReportUris(x).map((u) => u.text) : [];
    };
    result.policy = { tag: policyTag, decidedBy, value, testing: tag('t') === 'y', stage: stageOf(dmarc).label, adkim: mode(tag('adkim')), aspf: mode(tag('aspf')), rua: uris('rua'), ruf: uris('ruf') };
    result.findings = recordFindings(`_dmarc.${applied.name}`, record);
    result.destinations = await destinations(applied.name, dmarc, resolver);
    for (const d of result.destinations)
      if (d.authorized === false)
        result.findings.push({
          rule: REPORT_AUTH_RULE,
          severity: rulesById.get(REPORT_AUTH_RULE)?.severity ?? 'warning',
          message: `Reports for ${applied.name} go to ${d.uri}, on another domain, and DNS holds no authorisation for them: ${d.detail}. Receivers send no ${d.tag === 'rua' ? 'aggregate' : 'failure'} reports to ${d.host} without a TXT record starting \`v=DMARC1\` there (RFC 9990 §3).`,
          range: d.range,
        });
    result.status = own || !problems.length ? 'policy' : 'temperror';
    for (const [kind, d] of identifiers) {
      const m = kind === 'spf' ? result.policy.aspf : result.policy.adkim;
      const org = treeWalk(d, at).org;
      result.alignment.push({ identifier: kind, domain: d, mode: m, org, aligned: m === 's' ? d === domain : org === result.org });
    }
  }
  return result;
}

/** The record's mailto: destinations, and for each on another organization its authorisation, asked at once. */
async function destinations(domain: string, dmarc: ReturnType<typeof parseDmarc>, resolver: Resolver): Promise<ReportDestination[]> {
  const out: ReportDestination[] = [];
  for (const tag of ['rua', 'ruf'] as const) {
    const t = dmarc.byName.get(tag);
    for (const u of t ? parseReportUris(t) : []) {
      const host = mailtoHost(u)?.host;
      if (host === undefined) continue;
      out.push({ tag, uri: u.text, host, range: u.range, external: orgDomain(host) !== orgDomain(domain) });
    }
  }
  await Promise.all(
    out
      .filter((d) => d.external)
      .map(async (d) => {
        const name = authorizationName(domain, d.host);
        const a = await resolver.resolve(name, 'TXT');
        const r = readAuthorization(a);
        if (!r) {
          d.detail = `${name}: ${a.source === 'offline' ? 'not known offline' : a.status === 'error' ? a.message : ''}`;
          return;
        }
        d.authorized = r.authorized;
        d.detail = r.authorized ? `${name} authorises them` : `${name} ${r.what}`;
      }),
  );
  return out;
}

function policyValue(v: string | undefined): string | undefined {
  return v === 'none' || v === 'quarantine' || v === 'reject' ? v : undefined;
}

/** The record rules' findings on a record value fetched from DNS (no document: ranges are in the value). */
export function recordFindings(owner: string, value: string): RecordFinding[] {
  const map = new SourceMap();
  map.addLiteral(0, value.length);
  const site: RecordSite = {
    owner,
    type: 'TXT',
    value,
    strings: [{ start: 0, end: value.length, bytes: Buffer.byteLength(value) }],
    map,
    syntax: { host: 'text' },
    uri: `dns:${owner}`,
    range: { start: 0, end: value.length },
    ownerRange: { start: 0, end: 0 },
  };
  const raws = collectSite(analyzeSite(site), siteRules(() => true));
  return raws
    .map((r) => ({ rule: r.rule, severity: r.severity ?? rulesById.get(r.rule)?.severity ?? 'warning', message: clipQuotes(r.message), range: r.valueRange ?? { start: 0, end: value.length } }))
    .sort((a, b) => a.range.start - b.range.start || (a.rule < b.rule ? -1 : 1));
}

const WHO = { author: 'the domain’s own record', org: 'the Organizational Domain’s record', psd: 'the Public Suffix Domain’s record (psd=y)' } as const;
const BY: Record<Walk<string>['by'], string> = {
  'psd=n': 'a record with psd=n',
  'psd=y': 'one label below a record with psd=y',
  'fewest-labels': 'the record with the fewest labels on the walk',
  start: 'no record on the walk: the domain itself',
  'public-suffix-list': 'the public suffix list, as the registrable domain’s record could not be read',
};

/** The lookup as the CLI's text output. */
export function formatDmarcLookup(r: DmarcLookup): string {
  const lines: string[] = [];
  if (r.policy && r.applied) {
    const p = r.policy;
    lines.push(`${r.domain}: ${r.status === 'temperror' ? 'temperror (the answer below may be wrong) — ' : ''}p=${p.value}${p.testing ? ' in test mode (t=y)' : ''}, by ${p.tag === 'p' ? 'p' : `${p.tag}${p.decidedBy !== p.tag ? ` (not set: ${p.decidedBy} applies)` : ''}`} of ${WHO[r.applied.kind]} at _dmarc.${r.applied.name}`);
    lines.push(`  record: ${r.applied.record}`);
    lines.push(`  stage: ${p.stage}`);
    if (p.tag !== 'p') lines.push(`  ${r.domain} ${r.exists === false ? 'does not exist (NXDOMAIN): np applies' : r.exists ? 'exists: sp applies (np only to names that do not exist)' : 'may or may not exist (not known): sp is shown'}`);
    lines.push(`  alignment asked: DKIM ${p.adkim === 's' ? 'strict' : 'relaxed'}, SPF ${p.aspf === 's' ? 'strict' : 'relaxed'}`);
    const shown = (tag: 'rua' | 'ruf', uris: string[]) =>
      uris
        .map((u) => {
          const d = r.destinations.find((x) => x.tag === tag && x.uri === u);
          if (!d?.external) return u;
          return `${u} (another organization: ${d.authorized === true ? 'authorised' : d.authorized === false ? 'NOT authorised, so receivers send it none' : 'authorisation not known'}; ${d.detail})`;
        })
        .join(', ');
    lines.push(`  aggregate reports to: ${p.rua.length ? shown('rua', p.rua) : 'nobody (no rua)'}`);
    if (p.ruf.length) lines.push(`  failure reports to: ${shown('ruf', p.ruf)}`);
  } else if (r.status === 'temperror') {
    lines.push(`${r.domain}: temperror — the policy cannot be told: a query failed`);
  } else if (r.status === 'unknown') {
    lines.push(`${r.domain}: not known offline — the workspace does not define ${r.unknown.join(', ')} (run without --offline, or give --workspace the zone that holds them)`);
  } else {
    lines.push(`${r.domain}: no DMARC policy applies (receivers apply none; nothing is reported)`);
  }
  lines.push(`  Organizational Domain: ${r.org} (${BY[r.orgBy]})`);
  for (const a of r.alignment)
    lines.push(
      `  ${a.identifier === 'spf' ? 'SPF' : 'DKIM'} ${a.domain}: ${a.aligned ? 'aligned' : 'NOT aligned'} (${a.mode === 's' ? `strict: ${a.aligned ? 'the same name' : `not ${r.domain}`}` : `relaxed: Organizational Domain ${a.org}${a.aligned ? '' : `, not ${r.org}`}`})`,
    );
  lines.push('  queries:');
  const width = Math.max(...r.queries.map((q) => q.name.length));
  for (const q of r.queries) {
    const what =
      q.answer.status === 'error'
        ? q.answer.source === 'offline' ? 'not known offline' : `error: ${q.answer.message}`
        : q.answer.status !== 'ok'
          ? q.answer.status
          : q.records.length > 1
            ? `${q.records.length} DMARC records: receivers use none of them`
            : q.records.length
              ? q.records[0]
              : q.discarded.length
                ? `not a DMARC record to receivers (it must start with exactly v=DMARC1): ${q.discarded[0]}`
                : 'no DMARC record (other TXT only)';
    const mark = r.applied && q.name === `_dmarc.${r.applied.name}` ? '  ← applies' : q.read ? '' : '  (not read for the From domain)';
    // A `_dmarc` name delegated by CNAME (a hosted DMARC service): where the record came from.
    const via = q.answer.status !== 'error' && q.answer.aliases?.length ? `  (by CNAME to ${q.answer.aliases[q.answer.aliases.length - 1]})` : '';
    lines.push(`    ${q.name.padEnd(width)}  ${what}${via}${mark}`);
  }
  if (r.findings.length) {
    lines.push('  record findings:');
    for (const f of r.findings) lines.push(`    ${f.severity} ${f.rule} (characters ${f.range.start + 1}–${f.range.end}) ${f.message}`);
  }
  if (r.status === 'policy' && r.problems.length) lines.push(`  the Organizational Domain may be another (it decides relaxed alignment): a query above failed`);
  for (const p of r.problems) lines.push(`  temperror: ${p}`);
  if (r.status === 'policy' && r.unknown.length) lines.push(`  offline: not in the workspace, taken to hold no DMARC record: ${r.unknown.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** The lookup as JSON (stable field names, for scripts). */
export function dmarcLookupJson(r: DmarcLookup): object {
  return {
    domain: r.domain,
    status: r.status,
    policy: r.policy ?? null,
    applied: r.applied ?? null,
    exists: r.exists ?? null,
    organizationalDomain: r.org,
    organizationalDomainBy: r.orgBy,
    alignment: r.alignment,
    queries: r.queries.map((q) => ({ name: q.name, status: q.answer.status, records: q.answer.status === 'ok' ? q.answer.records : [], dmarc: q.records, discarded: q.discarded, read: q.read, cname: q.answer.status !== 'error' ? (q.answer.aliases?.[q.answer.aliases.length - 1] ?? null) : null, message: q.answer.status === 'error' ? q.answer.message : null, source: q.answer.source })),
    findings: r.findings,
    destinations: r.destinations,
    problems: r.problems,
    unknown: r.unknown,
  };
}
