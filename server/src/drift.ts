/**
 * Drift between the files and DNS: for each mail policy record the files publish (SPF, DMARC, DKIM,
 * BIMI, TLS-RPT, MTA-STS), and for their MX records, what DNS serves at its name now. A change merged but not deployed, a record
 * edited by hand at the DNS host, or a zone file that is not the one served all show here. The CLI's
 * `drift` command and the editor's "Compare with DNS" page; no editor types.
 *
 * Records are compared by kind at each name (the DMARC records at `_dmarc.example.com` in the files
 * against the DMARC records DNS serves there), as DNS serves them: character-strings joined. A policy
 * name the files delegate by CNAME (a DKIM selector pointed at the sending platform, `_dmarc` at a
 * hosted DMARC service) is compared by its target: DNS must serve that CNAME there; and a name the
 * files publish a record at, but DNS answers with a CNAME, differs (the files do not say what is
 * served there). Names
 * whose value is not known from the files (a Terraform expression, a zone named by a variable, one of
 * a conditional's values) are left out, and say why. MX records are compared as a set per name,
 * `preference exchange` with the exchange absolute: where mail for the domain goes (and what an SPF
 * `mx` term authorises) is what DNS serves, not what the files say.
 */
import type { DnsAnswer, Resolver } from './dns/types';
import type { AnalyzedSite } from './checks/rule';
import { isDkimOwner } from './checks/model';
import { BIMI_OWNER } from './records/bimi';
import { dataName, mxData, mxValue } from './records/cname';
import { HOLE } from './records/holes';
import { MTA_STS_OWNER, TLSRPT_OWNER } from './records/smtptls';
import { classify } from './service';
import type { ResourceRecord } from './types';
import { underStandIn } from './util/zonenames';

/** Queries in flight at once: each name is asked once, and a zone holds thousands. */
export const DRIFT_CONCURRENCY = 64;

export type DriftStatus = 'in-sync' | 'differs' | 'not-deployed' | 'unknown';

export interface DriftPlace {
  uri: string;
  /** The record in its file (UTF-16 offsets). */
  start: number;
  /** A TXT record's value (strings joined), the name a CNAME points to, or an MX record's `preference exchange`. */
  value: string;
  type: 'TXT' | 'CNAME' | 'MX';
}

/** What is compared at a name: a kind of policy record, or the MX records. */
export type DriftKind = NonNullable<AnalyzedSite['kind']> | 'mx';

export interface DriftEntry {
  owner: string;
  kind: DriftKind;
  /** The records of this kind the files publish at the name. */
  files: DriftPlace[];
  answer: DnsAnswer;
  /** The TXT records of this kind DNS serves at the name (at the end of its CNAME chain, if any); for MX, its MX records. */
  served: string[];
  /** The name DNS's CNAME at the name points to, when it serves one. */
  servedCname?: string;
  status: DriftStatus;
  /** Values in the files that DNS does not serve, and served values the files do not hold (a CNAME as `CNAME target`). */
  onlyInFiles: string[];
  onlyInDns: string[];
}

export interface DriftResult {
  entries: DriftEntry[];
  /** Records the files hold that cannot be compared, with why (one line each). */
  skipped: { uri: string; start: number; owner?: string; why: string }[];
}

const KINDS = new Set(['spf', 'dmarc', 'dkim', 'bimi', 'tlsrpt', 'mta-sts']);
const KIND_NAMES: Record<string, string> = { spf: 'SPF', dmarc: 'DMARC', dkim: 'DKIM', bimi: 'BIMI', tlsrpt: 'TLS-RPT', 'mta-sts': 'MTA-STS', mx: 'MX' };

/** Why an MX record cannot be compared with DNS, or undefined when it can. */
function mxNotComparable(r: ResourceRecord, value: string | undefined): string | undefined {
  if (r.relative || underStandIn(r.owner!)) return 'its zone is named by an expression, known only at deploy time';
  if (r.rdata.some((d) => d.includes(HOLE)) || value === undefined) return 'its preference or exchange is not known from the file';
  return undefined;
}

/** The kind of policy record a name holds by its place (`_dmarc.`, `<selector>._domainkey.`…), for a CNAME there. */
export function kindByName(owner: string): DriftEntry['kind'] | undefined {
  if (owner.startsWith('_dmarc.')) return 'dmarc';
  if (isDkimOwner(owner) && !owner.startsWith('_domainkey.') && !owner.startsWith('_adsp.')) return 'dkim';
  if (TLSRPT_OWNER.test(owner)) return 'tlsrpt';
  if (MTA_STS_OWNER.test(owner)) return 'mta-sts';
  if (BIMI_OWNER.test(owner) && !owner.startsWith('_bimi.')) return 'bimi';
  return undefined;
}

/** Why a CNAME at a policy name cannot be compared with DNS, or undefined when it can. */
function cnameNotComparable(r: ResourceRecord, target: string | undefined): string | undefined {
  if (r.relative || underStandIn(r.owner!)) return 'its zone is named by an expression, known only at deploy time';
  if (r.flattened) return 'its DNS host serves the CNAME as the addresses of its target, not as a CNAME';
  if (target === undefined || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(target)) return 'the name it points to is not known from the file';
  return undefined;
}

/** Why a site's value at its name cannot be compared with DNS, or undefined when it can. */
function notComparable(s: AnalyzedSite): string | undefined {
  const site = s.site;
  if (site.owner === undefined) return 'its name is not known from the file';
  if (site.relative || underStandIn(site.owner)) return 'its zone is named by an expression, known only at deploy time';
  if (site.holes) return 'part of its value is an expression, known only at deploy time';
  if (site.alternative) return 'it is one of the values a condition chooses at deploy time';
  if (site.type !== 'TXT') return 'it is a type-99 SPF record (DNS is asked for TXT)';
  return undefined;
}

/**
 * Compares the policy records of the sites, and the CNAMEs of `records` at policy names, with what
 * `resolver` serves at their names; all names asked at once.
 */
export async function compareWithDns(sites: readonly AnalyzedSite[], resolver: Resolver, records: readonly ResourceRecord[] = []): Promise<DriftResult> {
  const groups = new Map<string, { owner: string; kind: DriftKind; files: DriftPlace[] }>();
  const skipped: DriftResult['skipped'] = [];
  const seen = new Set<string>();
  for (const s of sites) {
    if (!s.kind || !KINDS.has(s.kind)) continue;
    // A file another `$INCLUDE`s is in the sites of both.
    const key = `${s.site.uri}\0${s.site.range.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why = notComparable(s);
    if (why) {
      skipped.push({ uri: s.site.uri, start: s.site.range.start, owner: s.site.owner, why });
      continue;
    }
    const g = `${s.site.owner}\0${s.kind}`;
    let group = groups.get(g);
    if (!group) groups.set(g, (group = { owner: s.site.owner!, kind: s.kind, files: [] }));
    group.files.push({ uri: s.site.uri, start: s.site.range.start, value: s.site.value, type: 'TXT' });
  }
  for (const r of records) {
    if (r.type === 'MX' && r.owner !== undefined && !r.superseded) {
      const key = `${r.uri}\0${r.range.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const value = mxValue(mxData(r));
      const why = mxNotComparable(r, value);
      if (why) {
        skipped.push({ uri: r.uri, start: r.range.start, owner: r.owner, why });
        continue;
      }
      const g = `${r.owner}\0mx`;
      let group = groups.get(g);
      if (!group) groups.set(g, (group = { owner: r.owner, kind: 'mx', files: [] }));
      group.files.push({ uri: r.uri, start: r.range.start, value: value!, type: 'MX' });
      continue;
    }
    if (r.type !== 'CNAME' || r.owner === undefined || r.superseded) continue;
    const kind = kindByName(r.owner);
    if (!kind) continue;
    const key = `${r.uri}\0${r.range.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const target = dataName(r);
    const why = cnameNotComparable(r, target);
    if (why) {
      skipped.push({ uri: r.uri, start: r.range.start, owner: r.owner, why });
      continue;
    }
    const g = `${r.owner}\0${kind}`;
    let group = groups.get(g);
    if (!group) groups.set(g, (group = { owner: r.owner, kind, files: [] }));
    group.files.push({ uri: r.uri, start: r.range.start, value: target!, type: 'CNAME' });
  }
  const asked = new Map<string, Promise<DnsAnswer>>();
  const question = (owner: string, kind: DriftKind) => `${kind === 'mx' ? 'MX' : 'TXT'} ${owner}`;
  for (const { owner, kind } of groups.values()) {
    const q = question(owner, kind);
    if (!asked.has(q)) asked.set(q, resolver.resolve(owner, kind === 'mx' ? 'MX' : 'TXT'));
  }
  const entries: DriftEntry[] = [];
  for (const { owner, kind, files } of groups.values()) {
    const answer = await asked.get(question(owner, kind))!;
    // Records at the end of a CNAME chain are classified by the name asked, as receivers read them.
    const served = answer.status !== 'ok' ? [] : kind === 'mx' ? [...new Set(answer.records.map((v) => mxValue(v) ?? v))] : answer.records.filter((v) => classify({ owner, value: v }) === kind);
    const servedCname = answer.status !== 'error' ? answer.aliases?.[0] : undefined;
    // What the files publish at the name, and what DNS serves there: a CNAME stands for what it leads to.
    const mine = new Set(files.map((f) => (f.type === 'CNAME' ? `CNAME ${f.value}` : f.value)));
    const theirs = new Set(servedCname !== undefined ? [`CNAME ${servedCname}`] : served);
    const onlyInFiles = [...mine].filter((v) => !theirs.has(v));
    const onlyInDns = [...theirs].filter((v) => !mine.has(v));
    const status: DriftStatus = answer.status === 'error' ? 'unknown' : theirs.size === 0 ? 'not-deployed' : onlyInFiles.length || onlyInDns.length ? 'differs' : 'in-sync';
    entries.push({ owner, kind, files, answer, served, ...(servedCname !== undefined ? { servedCname } : {}), status, onlyInFiles: answer.status === 'error' ? [] : onlyInFiles, onlyInDns });
  }
  entries.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return { entries, skipped };
}

/** The DNS the comparison asked, for its summary line. */
export function dnsLabel(servers: readonly string[] | undefined): string {
  return servers?.length ? `DNS at ${servers.join(', ')}` : 'DNS (the system resolver)';
}

/** Where a place is, for people: `file:line:column` (1-based), by the function given. */
export type Where = (uri: string, offset: number) => string;

/** The name a CNAME chain ended at. */
const chainEnd = (a: DnsAnswer) => (a.status !== 'error' ? a.aliases?.at(-1) : undefined);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === new Set(b).size && a.every((v) => b.includes(v));

const clip = (v: string) => (v.length > 160 ? `${v.slice(0, 100)}…${v.slice(-40)} (${v.length} characters)` : v);

/** The comparison as text: a summary line, then each name that is not in sync, then the names left out. */
export function formatDrift(r: DriftResult, where: Where, server: string): string {
  const count = (s: DriftStatus) => r.entries.filter((e) => e.status === s).length;
  const lines = [`${r.entries.length} name${r.entries.length === 1 ? '' : 's'} compared with ${server}: ${count('in-sync')} in sync, ${count('differs')} differ, ${count('not-deployed')} not in DNS, ${count('unknown')} not known`];
  // DNS answered nothing (no network, a wrong server): one line says so, not one per name.
  if (r.entries.length > 1 && count('unknown') === r.entries.length) {
    const a = r.entries[0].answer;
    lines.push(`DNS answered none of the questions: ${a.status === 'error' ? a.message : ''}`);
    return lines.join('\n') + '\n';
  }
  for (const e of r.entries) {
    if (e.status === 'in-sync') continue;
    const a = e.answer;
    const head = `${where(e.files[0].uri, e.files[0].start)}: ${e.owner} ${KIND_NAMES[e.kind]}`;
    if (e.status === 'unknown') lines.push(`${head}: not known: ${a.status === 'error' ? a.message : ''}`);
    else if (e.status === 'not-deployed') lines.push(`${head}: not in DNS (${a.status === 'nxdomain' ? 'the name does not exist' : a.status === 'nodata' ? `no ${e.kind === 'mx' ? 'MX' : e.files.some((f) => f.type === 'CNAME') ? 'CNAME or TXT' : 'TXT'} record there` : `TXT there, none ${KIND_NAMES[e.kind]}`})`);
    else {
      lines.push(`${head}: differs`);
      for (const v of e.onlyInFiles) lines.push(`    files: ${clip(v)}`);
      for (const v of e.onlyInDns) lines.push(`    DNS:   ${clip(v)}`);
      // A CNAME served where the files write the record: what it leads to, beside the files' value.
      if (e.servedCname !== undefined && e.files.some((f) => f.type === 'TXT'))
        lines.push(
          `           ${a.status === 'ok' && e.served.length ? `which serves ${e.served.length === 1 ? clip(e.served[0]) : `${e.served.length} ${KIND_NAMES[e.kind]} records`}${e.files.every((f) => f.type === 'TXT') && sameSet(e.served, e.files.map((f) => f.value)) ? ' (the files\' value, but from another zone: the files do not publish it)' : ''}` : `which serves no ${KIND_NAMES[e.kind]} record (${a.status === 'nxdomain' ? `${chainEnd(a) ?? e.servedCname} does not exist` : `no TXT record at ${chainEnd(a) ?? e.servedCname}`})`}`,
        );
    }
    for (const f of e.files.slice(1)) lines.push(`    also written at ${where(f.uri, f.start)}`);
  }
  for (const s of r.skipped) lines.push(`${where(s.uri, s.start)}: ${s.owner ?? '(name not known)'} not compared: ${s.why}`);
  return lines.join('\n') + '\n';
}

export function driftJson(r: DriftResult, position: (uri: string, offset: number) => { line: number; character: number }): object {
  const place = (uri: string, start: number) => ({ path: uri, position: position(uri, start) });
  return {
    version: 1,
    names: r.entries.map((e) => ({
      owner: e.owner,
      kind: e.kind,
      status: e.status,
      files: e.files.map((f) => ({ ...place(f.uri, f.start), type: f.type, value: f.value })),
      dns: { status: e.answer.status, served: e.served, cname: e.servedCname ?? null, message: e.answer.status === 'error' ? e.answer.message : null, source: e.answer.source },
      onlyInFiles: e.onlyInFiles,
      onlyInDns: e.onlyInDns,
    })),
    skipped: r.skipped.map((s) => ({ ...place(s.uri, s.start), owner: s.owner ?? null, why: s.why })),
  };
}
