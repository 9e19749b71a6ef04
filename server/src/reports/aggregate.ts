/**
 * DMARC aggregate reports (RFC 7489 appendix C, RFC 9990, and the older draft shapes) read by one
 * streaming reader (saxes), so a 100 MB report is read in one pass with little memory, with one set of
 * tolerance rules: lower-cased result words, trimmed values, empty or missing optional elements,
 * several auth results per record, unknown wrapper elements (a stray `xs:schema`), invalid UTF-8,
 * leading white space before the XML declaration. A bad record is reported and skipped; a broken
 * document keeps the records read before the break and says where it broke.
 */
import { isIP } from 'node:net';
import { SaxesParser } from 'saxes';
import { unpack, type UnpackProblem } from './unpack';
import { LAST_REPORT_TIME, type FailureReport } from './failure';
import { cidrMatcher } from '../util/cidr';
import { drain, nextTurn, sliced } from '../util/steps';

export interface AuthDkim {
  domain: string;
  selector?: string;
  result: string;
  humanResult?: string;
}

export interface AuthSpf {
  domain: string;
  scope?: string;
  result: string;
  humanResult?: string;
}

export interface ReportRecord {
  sourceIp: string;
  count: number;
  disposition: string;
  /** DMARC's own evaluation of DKIM and SPF alignment (policy_evaluated). */
  dkim: string;
  spf: string;
  reasons: { type: string; comment?: string }[];
  headerFrom: string;
  envelopeFrom?: string;
  envelopeTo?: string;
  dkimResults: AuthDkim[];
  spfResults: AuthSpf[];
}

export interface AggregateReport {
  origin: string;
  schema: 'rfc9990' | 'rfc7489';
  metadata: { orgName: string; email?: string; reportId: string; begin?: number; end?: number; generator?: string; errors: string[] };
  policy: { domain: string; adkim?: string; aspf?: string; p?: string; sp?: string; np?: string; pct?: number; fo?: string; testing?: string; discoveryMethod?: string };
  records: ReportRecord[];
  /** Problems in this report that did not stop it being read. */
  problems: string[];
}

export interface ReadResult {
  reports: AggregateReport[];
  /** DMARC failure reports (RFC 9991) among the e-mails read. */
  failureReports: FailureReport[];
  /** Files or members that are not reports, or could not be read at all, with the reason. */
  failures: UnpackProblem[];
}

const RESULT_WORDS = new Set(['dkim', 'spf', 'result', 'disposition', 'p', 'sp', 'np', 'adkim', 'aspf', 'scope', 'testing', 'type']);

function emptyReport(origin: string): AggregateReport {
  return { origin, schema: 'rfc7489', metadata: { orgName: '', reportId: '', errors: [] }, policy: { domain: '' }, records: [], problems: [] };
}

/** The domain a record's mail was From (its header_from, else the policy domain), lower case, without a final dot. */
export function fromDomain(rec: Pick<ReportRecord, 'headerFrom'>, report: Pick<AggregateReport, 'policy'>): string {
  return (rec.headerFrom || report.policy.domain).toLowerCase().replace(/\.$/, '');
}

/** Whether the record's mail passed DMARC as the reporter evaluated it: an aligned DKIM or SPF pass (policy_evaluated). */
export function dmarcPasses(rec: Pick<ReportRecord, 'dkim' | 'spf'>): boolean {
  return rec.dkim === 'pass' || rec.spf === 'pass';
}

function newRecord(): ReportRecord {
  return { sourceIp: '', count: 0, disposition: '', dkim: '', spf: '', reasons: [], headerFrom: '', dkimResults: [], spfResults: [] };
}

/** Characters of XML the reader parses between two pauses of `readReportsAsync` (about 10 ms of work). */
const SLICE_CHARS = 256 * 1024;

/** Reads one XML document; throws nothing. */
export function readXml(bytes: Uint8Array, origin: string): AggregateReport | UnpackProblem {
  return drain(xmlSteps(bytes, origin));
}

/** readXml, a slice at a time: it yields after each SLICE_CHARS of the document. */
function* xmlSteps(bytes: Uint8Array, origin: string): Generator<void, AggregateReport | UnpackProblem> {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  text = text.replace(/^\uFEFF/, '').replace(/^\s+(?=<)/, '');
  // Entity declarations are refused outright (billion laughs, external entities): no report needs them.
  const doctype = /<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i.exec(text.slice(0, 65536));
  if (doctype && /<!ENTITY/i.test(doctype[0])) return { origin, message: `refused: the document declares entities in its DOCTYPE (line ${text.slice(0, doctype.index).split('\n').length}); entity expansion and external entities are never processed` };
  const report = emptyReport(origin);
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: string[] = [];
  let buf = '';
  let rec: ReportRecord | undefined;
  let dkim: AuthDkim | undefined;
  let spf: AuthSpf | undefined;
  let reason: { type: string; comment?: string } | undefined;
  let rootSeen: string | undefined;
  let sawFeedback = false;
  let recordIndex = 0;
  // How many of the elements the reader asks about are open: `stack.includes` per tag made 100 000
  // nested elements take four seconds, and a map of every name cost two map operations a tag.
  const open = { feedback: 0, auth_results: 0, policy_evaluated: 0, report_metadata: 0 };
  type Tracked = keyof typeof open;
  const has = (name: Tracked) => open[name] > 0;
  const tracked = (name: string): name is Tracked => name === 'feedback' || name === 'auth_results' || name === 'policy_evaluated' || name === 'report_metadata';
  // Tag names without their namespace prefix, in lower case: a report repeats a few dozen names millions of times.
  const names = new Map<string, string>();
  const local = (raw: string) => {
    // Most names are written as the schema writes them (lower case, no prefix): those as they are.
    let plain = true;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 58 || (c >= 65 && c <= 90)) {
        plain = false;
        break;
      }
    }
    if (plain) return raw;
    let name = names.get(raw);
    if (name === undefined) {
      name = raw.replace(/^.*:/, '').toLowerCase();
      // A document of endless distinct names does not grow the map without bound.
      if (names.size < 256) names.set(raw, name);
    }
    return name;
  };
  // The parts every schema (RFC 7489's, RFC 9990's, the 2013 draft's) requires under <feedback>.
  const parts = new Set<string>();

  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (rootSeen === undefined) rootSeen = tag.name;
    if (name === 'feedback') {
      sawFeedback = true;
      const ns = Object.entries(tag.attributes).find(([k]) => k === 'xmlns' || k.startsWith('xmlns:'))?.[1];
      if (typeof ns === 'string' && /dmarc-2\.0/.test(ns)) report.schema = 'rfc9990';
    }
    if (stack.length > 0 && stack[stack.length - 1] === 'feedback') parts.add(name);
    stack.push(name);
    if (tracked(name)) open[name]++;
    buf = '';
    if (name === 'record' && has('feedback')) rec = newRecord();
    else if (rec && name === 'dkim' && has('auth_results')) dkim = { domain: '', result: '' };
    else if (rec && name === 'spf' && has('auth_results')) spf = { domain: '', result: '' };
    else if (rec && name === 'reason' && has('policy_evaluated')) reason = { type: '' };
  });
  parser.on('text', (t) => {
    buf += t;
  });
  parser.on('cdata', (t) => {
    buf += t;
  });
  parser.on('closetag', () => {
    const name = stack.pop()!;
    if (tracked(name)) open[name]--;
    let v = buf.trim();
    buf = '';
    if (RESULT_WORDS.has(name)) v = v.toLowerCase();
    const parent = stack[stack.length - 1];
    if (rec) {
      if (name === 'record') {
        recordIndex++;
        const missing = [!rec.sourceIp && 'source_ip', !rec.headerFrom && 'header_from'].filter(Boolean);
        if (missing.length) report.problems.push(`record ${recordIndex} skipped: no ${missing.join(' or ')}`);
        else {
          // Kept (its messages count), but said: the totals by IP list it as written.
          if (!isIP(rec.sourceIp)) report.problems.push(`record ${recordIndex}: source_ip "${rec.sourceIp.length > 60 ? `${rec.sourceIp.slice(0, 60)}…` : rec.sourceIp}" is not an IP address; its ${rec.count} message${rec.count === 1 ? '' : 's'} are counted, listed under that text`);
          report.records.push(rec);
        }
        rec = undefined;
        return;
      }
      if (dkim && name === 'dkim' && parent === 'auth_results') {
        rec.dkimResults.push(dkim);
        dkim = undefined;
        return;
      }
      if (spf && name === 'spf' && parent === 'auth_results') {
        rec.spfResults.push(spf);
        spf = undefined;
        return;
      }
      if (reason && name === 'reason') {
        if (reason.type || reason.comment) rec.reasons.push(reason);
        reason = undefined;
        return;
      }
      if (dkim) {
        if (name === 'domain') dkim.domain = v.toLowerCase();
        else if (name === 'selector') dkim.selector = v;
        else if (name === 'result') dkim.result = v;
        else if (name === 'human_result') dkim.humanResult = v || undefined;
        return;
      }
      if (spf) {
        if (name === 'domain') spf.domain = v.toLowerCase();
        else if (name === 'scope') spf.scope = v;
        else if (name === 'result') spf.result = v;
        else if (name === 'human_result') spf.humanResult = v || undefined;
        return;
      }
      if (reason) {
        if (name === 'type') reason.type = v;
        else if (name === 'comment') reason.comment = v || undefined;
        return;
      }
      switch (name) {
        case 'source_ip':
          rec.sourceIp = v;
          break;
        case 'count': {
          const n = Number(v);
          if (Number.isFinite(n) && n >= 0) rec.count = n;
          else report.problems.push(`record ${recordIndex + 1}: count "${v}" is not a number; taken as 0`);
          break;
        }
        case 'disposition':
          rec.disposition = v;
          break;
        case 'dkim':
          if (parent === 'policy_evaluated') rec.dkim = v;
          break;
        case 'spf':
          if (parent === 'policy_evaluated') rec.spf = v;
          break;
        case 'header_from':
          rec.headerFrom = v.toLowerCase();
          break;
        case 'envelope_from':
          rec.envelopeFrom = v.toLowerCase() || undefined;
          break;
        case 'envelope_to':
          rec.envelopeTo = v.toLowerCase() || undefined;
          break;
      }
      return;
    }
    if (has('report_metadata') || parent === 'report_metadata') {
      if (name === 'org_name') report.metadata.orgName = v;
      else if (name === 'email') report.metadata.email = v;
      else if (name === 'report_id') report.metadata.reportId = v;
      else if (name === 'begin' || name === 'end') {
        // Seconds since 1970, UTC (an integer in the report schema). Anything else, or a time past what a
        // date can hold, is said and left out, so totals by day and the preview's dates stay sound.
        const t = unixTime(v);
        // A time before DMARC's first aggregate reports (2012) is a reporter's placeholder or bug (`<begin>100</begin>`): it would stretch every chart back to 1970.
        if (t !== undefined && t < FIRST_DMARC_TIME) report.problems.push(`date_range ${name} "${v.trim()}" (${new Date(t * 1000).toISOString().slice(0, 10)}) is before DMARC existed (2012); it is left out of the report's dates`);
        else if (t !== undefined) report.metadata[name] = t;
        else if (v !== '') report.problems.push(`date_range ${name} "${v.length > 40 ? `${v.slice(0, 40)}…` : v}" is not a time in seconds since 1970; it is left out of the report's dates`);
      }
      else if (name === 'error' && v) report.metadata.errors.push(v);
      else if (name === 'generator') {
        report.metadata.generator = v;
        report.schema = 'rfc9990';
      }
      return;
    }
    if (parent === 'policy_published') {
      const p = report.policy;
      if (name === 'domain') p.domain = v.toLowerCase();
      else if (name === 'adkim') p.adkim = v;
      else if (name === 'aspf') p.aspf = v;
      else if (name === 'p') p.p = v;
      else if (name === 'sp') p.sp = v;
      else if (name === 'np') {
        p.np = v;
        report.schema = 'rfc9990';
      } else if (name === 'pct') p.pct = v === '' ? undefined : Number(v);
      else if (name === 'fo') p.fo = v;
      else if (name === 'testing') {
        p.testing = v;
        report.schema = 'rfc9990';
      } else if (name === 'discovery_method') {
        p.discoveryMethod = v;
        report.schema = 'rfc9990';
      }
    }
  });
  try {
    for (let at = 0; at < text.length; ) {
      let end = Math.min(text.length, at + SLICE_CHARS);
      // Never between the halves of a surrogate pair, nor of a CRLF.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && ((last >= 0xd800 && last <= 0xdbff) || last === 13)) end--;
      parser.write(text.slice(at, end));
      at = end;
      if (at < text.length) yield;
    }
    parser.close();
    if (sawFeedback) {
      const missing = ['report_metadata', 'policy_published', 'record'].filter((x) => !parts.has(x));
      if (missing.length)
        report.problems.push(
          `<feedback> has no ${missing.map((x) => `<${x}>`).join(', ')}: every aggregate report schema requires ${missing.length === 1 ? 'it' : 'them'}` +
            `${missing.includes('report_metadata') ? '; the reporter and the period are unknown' : ''}${missing.includes('policy_published') ? '; the policy applied is unknown' : ''}${missing.includes('record') ? '; the report covers no mail' : ''}`,
        );
    }
  } catch (e) {
    const where = `line ${parser.line}, column ${parser.column}`;
    const truncated = /unexpected end|unclosed/i.test((e as Error).message) ? ` (truncated at byte ${Buffer.byteLength(text)})` : '';
    if (!sawFeedback) return { origin, message: `not a report: the XML breaks at ${where}${truncated}: ${(e as Error).message.replace(/^[^:]*:\d+:\d+: /, '')}` };
    report.problems.push(`the XML breaks at ${where}${truncated}: ${(e as Error).message.replace(/^[^:]*:\d+:\d+: /, '')}; the ${report.records.length} records before it are kept`);
  }
  if (!sawFeedback) return { origin, message: `not a DMARC aggregate report: the root element is <${rootSeen ?? '?'}>, not <feedback>` };
  return report;
}


/**
 * A date_range time: seconds since 1970, from 1 up to what a date holds (a fraction, which some
 * reporters write, is dropped); undefined otherwise.
 */
/** 2012-01-01T00:00:00Z: DMARC's specification and first aggregate reports date from 2012. */
const FIRST_DMARC_TIME = 1325376000;

export function unixTime(v: string): number | undefined {
  if (!/^\s*\+?\d+(?:\.\d*)?\s*$/.test(v)) return undefined;
  const t = Math.floor(Number(v));
  return t >= 1 && t <= LAST_REPORT_TIME ? t : undefined;
}

/** Reads a report file of any supported packaging. */
export function readReports(bytes: Uint8Array, origin: string, options: { maxUnpackedBytes?: number } = {}): ReadResult {
  return drain(readSteps(bytes, origin, options));
}

/**
 * readReports, pausing (`pause`, by default until the event loop has run what waits) after each slice
 * of XML and each document: a language server reading a 100 MB report goes on answering meanwhile.
 */
export function readReportsAsync(bytes: Uint8Array, origin: string, options: { maxUnpackedBytes?: number } = {}, pause: () => Promise<void> = nextTurn): Promise<ReadResult> {
  return sliced(readSteps(bytes, origin, options), pause);
}

function* readSteps(bytes: Uint8Array, origin: string, options: { maxUnpackedBytes?: number }): Generator<void, ReadResult> {
  const { docs, failureReports, problems } = unpack(bytes, origin, 0, { n: 0 }, options.maxUnpackedBytes);
  const reports: AggregateReport[] = [];
  const failures = [...problems];
  for (const d of docs) {
    const r = yield* xmlSteps(d.bytes, d.origin);
    if ('message' in r && !('records' in r)) failures.push(r);
    else reports.push(r as AggregateReport);
    yield;
  }
  return { reports, failureReports, failures };
}

/** A report read again under another name (the .xml beside its .zip, a reporter's resend): counted once. */
export interface DuplicateReport {
  origin: string;
  /** The origin of the copy that is counted. */
  of: string;
  orgName: string;
  reportId: string;
}

/**
 * What makes two files one report: its reporter and report ID (unique per reporter: RFC 9990 §3.1.1,
 * RFC 7489 Appendix C), with the domain and date range it covers. Undefined for a report without an ID,
 * which is never taken for another.
 */
export function reportKey(r: AggregateReport): string | undefined {
  const id = r.metadata.reportId.trim();
  if (!id) return undefined;
  return `${r.metadata.orgName.trim().toLowerCase()}\0${id}\0${r.policy.domain.trim().toLowerCase()}\0${r.metadata.begin ?? ''}\0${r.metadata.end ?? ''}`;
}

/**
 * The reports with each counted once (reportKey), in their order: of copies of one report the one with
 * the most records is kept (a copy cut short by broken XML loses to a whole one), the first of equals.
 */
export function dedupeReports(reports: readonly AggregateReport[]): { reports: AggregateReport[]; duplicates: DuplicateReport[] } {
  const kept = new Map<string, number>();
  const out: AggregateReport[] = [];
  const dropped: { r: AggregateReport; key: string }[] = [];
  for (const r of reports) {
    const key = reportKey(r);
    const at = key === undefined ? undefined : kept.get(key);
    if (key === undefined || at === undefined) {
      if (key !== undefined) kept.set(key, out.length);
      out.push(r);
      continue;
    }
    const first = out[at];
    if (r.records.length > first.records.length) {
      out[at] = r;
      dropped.push({ r: first, key });
    } else dropped.push({ r, key });
  }
  const duplicates = dropped.map(({ r, key }) => ({ origin: r.origin, of: out[kept.get(key)!].origin, orgName: r.metadata.orgName, reportId: r.metadata.reportId }));
  return { reports: out, duplicates };
}

/** Days of reports, back from the newest, that evidence for a decision reads (the rollout's next step, a sender's verdict). */
export const EVIDENCE_DAYS = 30;

/**
 * The reports of the last EVIDENCE_DAYS days back from the newest one: what the mail looks like now, not
 * months ago. Reports without dates count only when no report has one.
 */
export function recentReports<T extends AggregateReport>(reports: readonly T[]): T[] {
  const since = evidenceSince(reports);
  if (since === undefined) return [...reports];
  return reports.filter((r) => r.metadata.end !== undefined && r.metadata.end >= since);
}

/** The first second of the window recentReports keeps (EVIDENCE_DAYS back from the newest report's end); undefined when no report has an end. */
export function evidenceSince(reports: readonly AggregateReport[]): number | undefined {
  let newest: number | undefined;
  for (const r of reports) if (r.metadata.end !== undefined && (newest === undefined || r.metadata.end > newest)) newest = r.metadata.end;
  return newest === undefined ? undefined : newest - EVIDENCE_DAYS * 86400 + 1;
}

/**
 * Per signing domain (`d=`, lower case, no final dot) and selector (lower case): the messages the
 * reports show signed so, and how many of them verified.
 */
export function dkimSigning(reports: readonly AggregateReport[]): Map<string, Map<string, { messages: number; pass: number }>> {
  const out = new Map<string, Map<string, { messages: number; pass: number }>>();
  for (const r of reports)
    for (const rec of r.records)
      for (const x of rec.dkimResults) {
        if (!x.selector || !x.domain) continue;
        const domain = x.domain.toLowerCase().replace(/\.$/, '');
        let bySelector = out.get(domain);
        if (!bySelector) out.set(domain, (bySelector = new Map()));
        const selector = x.selector.toLowerCase();
        const n = bySelector.get(selector) ?? { messages: 0, pass: 0 };
        n.messages += rec.count;
        if (x.result === 'pass') n.pass += rec.count;
        bySelector.set(selector, n);
      }
  return out;
}

/** The DKIM selectors the reports show mail signed with for `domain` (d=, any case), most mail first. */
export function signingSelectors(reports: readonly AggregateReport[], domain: string): string[] {
  const bySelector = dkimSigning(reports).get(domain.toLowerCase().replace(/\.$/, ''));
  return bySelector ? [...bySelector].sort((a, b) => b[1].messages - a[1].messages || (a[0] < b[0] ? -1 : 1)).map(([s]) => s) : [];
}

/** A duplicate as a line for people. */
export function describeDuplicate(d: DuplicateReport): string {
  return `the same report as ${d.of} (${d.orgName || 'no reporter'}, report ID ${d.reportId}): counted once`;
}

export interface ReportSummary {
  reports: number;
  messages: number;
  dmarcPass: number;
  /** Messages where DMARC passed through DKIM or SPF alignment. */
  passRate: number;
  begin?: number;
  end?: number;
  reporters: string[];
  domains: string[];
  failingSources: FailingSource[];
  /** Reports before the window the totals cover (rollout.evidenceOf), not counted. */
  leftOut?: number;
}

/** A source whose mail (as one From domain) fails DMARC. */
export interface FailingSource {
  sourceIp: string;
  messages: number;
  headerFrom: string;
  dkimDomains: string[];
  spfDomains: string[];
  /**
   * Why its failing mail does not hold back the next policy stage: the configuration lists it as not
   * the domain owner's (`reports.notOurs`: spoofing, a forwarder), or the receivers said that all of it
   * was forwarded (a policy override of type forwarded, trusted_forwarder or mailing_list, or local_policy
   * for a trusted ARC chain: they deliver such mail whatever the policy).
   */
  aside?: 'not ours' | 'forwarded';
}

/** What `summarize` is told of the sources: those the domain owner has checked are not its own (`reports.notOurs`). */
export interface SummaryOptions {
  notOurs?: readonly string[];
}

/** Policy overrides (RFC 9990 PolicyOverrideType) by which a receiver says the mail was forwarded. */
const FORWARDING = new Set(['forwarded', 'trusted_forwarder', 'mailing_list']);

/**
 * A receiver's reason for delivering failing mail because it was forwarded: one of FORWARDING, or a
 * `local_policy` override because an ARC chain it trusts vouched for the mail (Gmail writes the comment
 * `arc=pass`; RFC 8617 §7.2). `arc=fail` is no such reason.
 */
function forwardedBy(reason: { type: string; comment?: string }): boolean {
  const type = reason.type.trim().toLowerCase();
  return FORWARDING.has(type) || (type === 'local_policy' && /(^|[\s;,])arc=pass\b/i.test(reason.comment ?? ''));
}

/** Totals over reports: messages, DMARC pass rate, the sources that fail most. */
export function summarize(reports: readonly AggregateReport[], options: SummaryOptions = {}): ReportSummary {
  let messages = 0;
  let pass = 0;
  const failing = new Map<string, FailingSource>();
  // The failing messages of each source that receivers said were forwarded.
  const forwarded = new Map<FailingSource, number>();
  let begin: number | undefined;
  let end: number | undefined;
  for (const r of reports) {
    if (r.metadata.begin !== undefined) begin = begin === undefined ? r.metadata.begin : Math.min(begin, r.metadata.begin);
    if (r.metadata.end !== undefined) end = end === undefined ? r.metadata.end : Math.max(end, r.metadata.end);
    for (const rec of r.records) {
      messages += rec.count;
      if (dmarcPasses(rec)) pass += rec.count;
      else {
        const key = `${rec.sourceIp} ${rec.headerFrom}`;
        const f = failing.get(key) ?? { sourceIp: rec.sourceIp, messages: 0, headerFrom: rec.headerFrom, dkimDomains: [], spfDomains: [] };
        f.messages += rec.count;
        for (const d of rec.dkimResults) if (d.domain && !f.dkimDomains.includes(d.domain)) f.dkimDomains.push(d.domain);
        for (const s of rec.spfResults) if (s.domain && !f.spfDomains.includes(s.domain)) f.spfDomains.push(s.domain);
        if (rec.reasons.some(forwardedBy)) forwarded.set(f, (forwarded.get(f) ?? 0) + rec.count);
        failing.set(key, f);
      }
    }
  }
  const notOurs = options.notOurs?.length ? cidrMatcher(options.notOurs) : undefined;
  for (const f of failing.values()) {
    if (notOurs?.(f.sourceIp)) f.aside = 'not ours';
    else if (f.messages > 0 && forwarded.get(f) === f.messages) f.aside = 'forwarded';
  }
  return {
    reports: reports.length,
    messages,
    dmarcPass: pass,
    passRate: messages ? pass / messages : 0,
    begin,
    end,
    reporters: [...new Set(reports.map((r) => r.metadata.orgName).filter(Boolean))],
    domains: [...new Set(reports.map((r) => r.policy.domain).filter(Boolean))],
    failingSources: [...failing.values()].sort((a, b) => b.messages - a.messages),
  };
}
