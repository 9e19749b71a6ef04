/**
 * The language-service facade: documents in, findings out. No LSP connection and no VS Code types,
 * so the CLI, the language server and the tests all call the same code (GUIDE §1).
 */
import { anyStandIn, showNames } from './util/zonenames';
import { allRules, bimiRecordRules, smtpTlsRecordRules, crossRecordRules, dkimRecordRules, dmarcRecordRules, rulesById, spfRecordRules } from './checks/registry';
import { isDkimOwner, buildModel, isNullMx } from './checks/model';
import type { AnalyzedSite, BimiRule, SmtpTlsRule, DkimRule, DmarcRule, RecordContext, RelatedRef, ReportOptions, SpfRule, ValueFix, WorkspaceView } from './checks/rule';
import type { WorkspaceIndex } from './workspace';
import { applySuppressions } from './suppress';
import * as path from 'node:path';
import { CONFIG_NAME, parseConfig, removeNotOurs, type SenderProfile, type SourceFormat } from './config';
import { analyzeSenders, type Publish, type SenderProblem, type SenderVerdict } from './senders/analyze';
import { useProviders } from './senders/catalog';
import type { AggregateReport } from './reports/aggregate';
import { listedMail } from './reports/listed';
import { evidenceOf } from './rollout';
import { failingSenders, reportsShowFailingSenders } from './checks/evidence';
import { BIMI_OWNER, looksLikeBimi, parseBimi } from './records/bimi';
import { looksLikeDkim, parseDkim } from './records/dkim';
import { looksLikeMtaSts, looksLikeTlsRpt, MTA_STS_OWNER, parseSmtpTls, policyDomainOf, TLSRPT_OWNER } from './records/smtptls';
import { looksLikeDmarc, parseDmarc } from './records/dmarc';
import { isSenderId, isSpfRecord, looksLikeSpf, parseSpf } from './records/spf';
import { touchesHole } from './records/holes';
import { encodeZoneString, IncrementalZone, parseZone, type ZoneFile, type ZoneOptions } from './sources/zonefile';
import { readYamlSource } from './sources/yamlsources';
import { readTerraform, readTerraformJson } from './sources/terraform';
import { readDnscontrol } from './sources/dnscontrol';
import { readFallback } from './sources/fallback';
import { mxMatches, readMtaStsPolicy } from './sources/mtastspolicy';
import { hostRange, mxData } from './records/cname';
import { mxHost } from './dns/types';
import { parseDocument as parseYamlDocument } from 'yaml';
import { isDnscontrolName, isJavaScriptName, isMtaStsPolicyName, isProseOrCodeName, isYamlSourceName, isZoneFileName, looksLikeDnscontrol } from './files';
import type { Finding, Fix, OffsetRange, RecordSite, RelatedInfo, ResourceRecord, Severity } from './types';
import type { SetUpOf } from './reports/stats';

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** Severity per rule id, or `off`. */
  rules?: Record<string, RuleSetting>;
}

/** Decides what a TXT/SPF record is meant to be, from its owner name and its value. */
export function classify(site: Pick<RecordSite, 'owner' | 'value'>): AnalyzedSite['kind'] {
  const value = site.value;
  const owner = site.owner ?? '';
  if (isSpfRecord(value)) return 'spf';
  if (isSenderId(value)) return 'senderid';
  // A BIMI assertion record; at a `_bimi` name, also one that lacks its `v=BIMI1`.
  if (looksLikeBimi(value) || (owner.includes('_bimi') && BIMI_OWNER.test(owner) && /(^|;)\s*[la]\s*=/i.test(value))) return 'bimi';
  // SMTP TLS Reporting and MTA-STS; at their names, also a value with a misspelt version (`v=TSLRPTv1`).
  if (looksLikeTlsRpt(value) || (owner.includes('_tls') && TLSRPT_OWNER.test(owner) && /^\s*v\s*=|(^|;)\s*rua\s*=/i.test(value))) return 'tlsrpt';
  if (looksLikeMtaSts(value) || (owner.includes('_mta-sts') && MTA_STS_OWNER.test(owner) && /^\s*v\s*=|(^|;)\s*id\s*=/i.test(value))) return 'mta-sts';
  // `<domain>._report._dmarc.<host> "v=DMARC1"` authorises reports to <host> (RFC 7489 §7.1): not a policy.
  if (owner.includes('_report._dmarc') && /(^|\.)_report\._dmarc(\.|$)/.test(owner)) return undefined;
  if (owner.startsWith('_dmarc.') || owner === '_dmarc') {
    return /v\s*=\s*dmarc/i.test(value) || /(^|;)\s*p\s*=\s*(none|quarantine|reject)/i.test(value) ? 'dmarc' : undefined;
  }
  if (looksLikeDmarc(value)) return 'dmarc';
  if (isDkimOwner(owner)) {
    if (owner.startsWith('_adsp.') || owner.startsWith('_domainkey.')) return undefined;
    return looksLikeDkim(value) || /(^|;)\s*p\s*=/.test(value) ? 'dkim' : undefined;
  }
  if (looksLikeSpf(value)) return 'spf';
  if (/^\s*v\s*=\s*DKIM1/i.test(value)) return 'dkim';
  return undefined;
}

export function analyzeSite(site: RecordSite): AnalyzedSite {
  const kind = classify(site);
  const a: AnalyzedSite = { site, kind };
  if (kind === 'spf') a.spf = parseSpf(site.value);
  else if (kind === 'dmarc') a.dmarc = parseDmarc(site.value);
  else if (kind === 'dkim') a.dkim = parseDkim(site.value);
  else if (kind === 'bimi') a.bimi = parseBimi(site.value);
  else if (kind === 'tlsrpt' || kind === 'mta-sts') a.smtpTls = parseSmtpTls(site.value);
  return a;
}

/** Writes replacement text in the syntax of the string it goes into, innermost layer first. */
export function encodeFor(site: RecordSite, text: string): string {
  const syntax = site.syntax;
  let out = text;
  if (syntax.charStrings || syntax.route53Split) out = out.replace(/[\\"]/g, '\\$&');
  if (syntax.semicolons) out = out.replace(/;/g, '\\;');
  switch (syntax.host) {
    case 'zone':
      return syntax.charStrings ? out : encodeZoneString(out);
    case 'yaml-double':
      return out.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n');
    case 'yaml-single':
      return out.replace(/'/g, "''");
    case 'js':
      // A quote of either kind is escaped, so the text is safe in '…', "…" and `…` literals.
      return out.replace(/[\\"'`]/g, '\\$&').replace(/\n/g, '\\n').replace(/\$\{/g, '\\${');
    case 'hcl':
      return out.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/([$%])\{/g, '$1$1{');
    default:
      return out;
  }
}

/** The one place where value-space ranges and edits become document ranges and edits. */
export function mapFix(site: RecordSite, fix: ValueFix): Fix {
  const edits = fix.edits.map((e) => ({ range: site.map.toDocRange(e.range), newText: encodeFor(site, e.newText) }));
  const mapped = site.hostSource !== undefined ? keepYamlString(site, edits) : edits;
  return { title: fix.title, edits: fix.docEdits ? [...mapped, ...fix.docEdits] : mapped };
}

/**
 * An edit inside a plain YAML scalar can turn it into something else (a number, `true`, a comment) or
 * into text YAML refuses (a plain scalar cannot start with `@`, or hold `: `):
 * then the whole scalar is rewritten double-quoted, so the value stays the string it must be.
 */
function keepYamlString(site: RecordSite, edits: Fix['edits']): Fix['edits'] {
  const base = site.range.start;
  let raw = site.hostSource!;
  for (const e of [...edits].sort((a, b) => b.range.start - a.range.start)) raw = raw.slice(0, e.range.start - base) + e.newText + raw.slice(e.range.end - base);
  let parsed: unknown;
  try {
    // Not valid YAML as it stands (a plain scalar starting with `@` or `%`, holding `: `): quoted too.
    const doc = parseYamlDocument(`x: ${raw}`, { logLevel: 'silent', prettyErrors: false });
    parsed = doc.errors.length === 0 ? (doc.toJS() as { x?: unknown } | null) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && (parsed as { x?: unknown }).x === raw && !raw.includes('\n')) return edits;
  return [{ range: { start: site.range.start, end: site.range.end }, newText: JSON.stringify(raw) }];
}

/** Fixes written only when someone reads them (a code action), then kept. */
function lazyFixes(f: Finding, fixes: () => Fix[]): void {
  Object.defineProperty(f, 'fixes', {
    enumerable: true,
    configurable: true,
    get() {
      const value = fixes();
      Object.defineProperty(f, 'fixes', { value, enumerable: true, writable: true });
      return value;
    },
  });
}

export class FindingSink {
  readonly findings: Finding[] = [];
  constructor(private readonly options: LintOptions = {}) {}

  severityOf(rule: string, wanted?: Severity): Severity | undefined {
    const configured = this.options.rules?.[rule];
    if (configured === 'off') return undefined;
    if (configured) return configured;
    return wanted ?? rulesById.get(rule)?.severity ?? 'error';
  }

  enabled(rule: string): boolean {
    return this.options.rules?.[rule] !== 'off';
  }

  /**
   * The finding added, or undefined when its rule is off. `fixes` may be a function: fixes are then
   * written only when someone reads them (a code action).
   */
  add(rule: string, uri: string, range: OffsetRange, message: string, extra: { severity?: Severity; related?: RelatedInfo[]; fixes?: Fix[] | (() => Fix[]); context?: string } = {}): Finding | undefined {
    const severity = this.severityOf(rule, extra.severity);
    if (!severity) return undefined;
    // Names under the stand-in of a zone a source names by an expression are shown as that expression.
    if (anyStandIn()) return this.push(rule, severity, uri, range, showNames(message), shownExtra(extra));
    return this.push(rule, severity, uri, range, message, extra);
  }

  private push(rule: string, severity: Severity, uri: string, range: OffsetRange, message: string, extra: { related?: RelatedInfo[]; fixes?: Fix[] | (() => Fix[]); context?: string }): Finding {
    const f: Finding = { rule, severity, message: oneLine(message.length > 600 ? clipQuotes(message) : message), uri, range };
    if (extra.context !== undefined) f.context = extra.context;
    if (extra.related?.length) f.related = extra.related;
    const fixes = extra.fixes;
    if (typeof fixes === 'function') lazyFixes(f, fixes);
    else if (fixes?.length) f.fixes = fixes;
    this.findings.push(f);
    return f;
  }
}

/**
 * A message on one line and as it reads: a control character it quotes from the file (a line break in a
 * heredoc, a tab in a YAML value) or an invisible or bidirectional one is written as an escape, so
 * `path:line:col: … message` output stays one line a finding and shows what the file holds.
 */
export function oneLine(message: string): string {
  if (!UNSHOWN.test(message)) return message;
  return message.replace(UNSHOWN_ALL, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Characters a message does not show as they are: controls, and the invisible and bidirectional
 * formatting characters (U+202E reverses what follows it on screen: a message quoting one would read
 * backwards in a terminal or the Problems panel, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const UNSHOWN = /[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const UNSHOWN_ALL = new RegExp(UNSHOWN.source, 'g');

/**
 * A message quotes what the file says (`Unknown mechanism \`…\``); a quote of thousands of characters
 * (a runaway value, a key pasted into the wrong place) is cut to its two ends, so the message stays
 * readable in a Problems panel and a CI log. The finding's range still covers all of it.
 */
export function clipQuotes(message: string): string {
  return message.replace(/`([^`]{300,})`/g, (_, q: string) => `\`${q.slice(0, 200)}… (${q.length.toLocaleString('en-US')} characters) …${q.slice(-40)}\``);
}

/** What goes with a finding, with stand-in names shown as their expressions (util/zonenames). */
function shownExtra(extra: { related?: RelatedInfo[]; fixes?: Fix[] | (() => Fix[]); context?: string }): typeof extra {
  const shown = (list: Fix[]) => list.map((x) => ({ ...x, title: showNames(x.title) }));
  const fixes = extra.fixes;
  return {
    context: extra.context === undefined ? undefined : showNames(extra.context),
    related: extra.related?.map((r) => ({ ...r, message: showNames(r.message) })),
    fixes: typeof fixes === 'function' ? () => shown(fixes()) : fixes && shown(fixes),
  };
}

function mapRelated(refs: RelatedRef[] | undefined): RelatedInfo[] | undefined {
  return refs?.map((r) =>
    'site' in r
      ? { uri: r.site.uri, range: r.range ? r.site.map.toDocRange(r.range) : { ...r.site.range }, message: r.message }
      : { uri: r.uri, range: { ...r.range }, message: r.message },
  );
}

/**
 * A finding before it is placed in the document: value ranges stay unmapped and document ranges are
 * the records' own range objects, so a finding kept across an incremental re-read lands where its
 * (shifted) record now is. Stale once any anchor is superseded.
 */
export interface RawFinding {
  rule: string;
  severity?: Severity;
  message: string;
  uri: string;
  site?: RecordSite;
  /** With `site`: a range in the record value. */
  valueRange?: OffsetRange;
  /** Otherwise: a record's own range object (`site.range`, `site.ownerRange`, `record.range`). */
  docRange?: OffsetRange;
  related?: RelatedRef[];
  fixes?: ValueFix[];
  docFixes?: () => Fix[];
  anchors: (ResourceRecord | RecordSite)[];
  /** Set by a DocumentAnalyzer: the finding this became last, and where its anchors were then. */
  placed?: Placed;
}

/** Findings by file, then position, then rule id (plain code-unit order: stable and fast). */
export function byDocumentOrder(a: Finding, b: Finding): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.range.start - b.range.start || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * The fixes a site's document can take: all of them where the value is written as it is; where it is
 * built from pieces (a join, a DNSControl builder), those whose edits each fall inside one literal run
 * written once; none where the map is only approximate. Every fix of a value goes through this, the
 * rules', the policy ladder's and the lookup tree's alike.
 */
export function usableFixes<F extends ValueFix>(site: RecordSite, fixes: readonly F[]): F[] {
  if (!site.coarse) return [...fixes];
  return site.pieces ? fixes.filter((f) => !f.docEdits && f.edits.every((e) => site.map.exact(e.range))) : [];
}

/** Where a raw finding goes in the document now, and what goes with it. */
function placement(r: RawFinding): { range: OffsetRange; severity?: Severity; context?: string; related?: RelatedInfo[]; fixes?: () => Fix[] } {
  const range = r.site && r.valueRange ? r.site.map.toDocRange(r.valueRange) : { ...r.docRange! };
  const site = r.site;
  const fixes = r.fixes;
  const about = r.site ?? (r.anchors[0] && 'value' in r.anchors[0] ? r.anchors[0] : undefined);
  const docFixes = r.docFixes;
  const usable = site && fixes?.length ? usableFixes(site, fixes) : [];
  const valueFixes = site && usable.length ? () => usable.map((f) => mapFix(site, f)) : undefined;
  return {
    range,
    severity: r.severity,
    context: about ? `${about.owner ?? ''} ${about.value}` : undefined,
    related: mapRelated(r.related),
    fixes: docFixes ? () => [...(valueFixes?.() ?? []), ...docFixes()] : valueFixes,
  };
}

/** Places raw findings in the document through the sink (which applies the rule settings). */
export function materialize(raws: readonly RawFinding[], sink: FindingSink): void {
  for (const r of raws) {
    const extra = placement(r);
    sink.add(r.rule, r.uri, extra.range, r.message, extra);
  }
}

/**
 * The starts of the ranges a raw finding's document ranges and fixes are computed from: its own
 * anchor first, then every record it involves and its related information. Equal starts mean equal
 * document ranges (a reused stretch of the file moves as a whole).
 */
function anchorStarts(r: RawFinding): number[] {
  const sig = [r.site ? r.site.range.start : r.docRange!.start];
  for (const a of r.anchors) sig.push(a.range.start);
  if (r.related) for (const x of r.related) sig.push('site' in x ? x.site.range.start : x.range.start);
  return sig;
}

/**
 * How far every anchor of a raw finding moved since its starts were `sig` (see anchorStarts), or
 * undefined when they did not all move by the same distance. Allocates nothing.
 */
function shiftSince(r: RawFinding, sig: readonly number[]): number | undefined {
  const d = (r.site ? r.site.range.start : r.docRange!.start) - sig[0];
  let i = 1;
  for (const a of r.anchors) if (a.range.start - sig[i++] !== d) return undefined;
  if (r.related) for (const x of r.related) if (('site' in x ? x.site.range.start : x.range.start) - sig[i++] !== d) return undefined;
  return i === sig.length ? d : undefined;
}

interface Placed {
  finding: Finding;
  /** Anchor starts when `finding` was placed (moved along with it). */
  sig: number[];
  fixes: (() => Fix[]) | undefined;
}

/** One context per site; `rule` is switched as each rule runs, so no closure is made per rule and site. */
class SiteContext implements RecordContext {
  rule = '';
  constructor(
    private readonly out: RawFinding[],
    readonly site: RecordSite,
  ) {}

  report(range: OffsetRange, message: string, options: ReportOptions = {}): void {
    this.out.push({
      rule: this.rule,
      severity: options.severity,
      message,
      uri: this.site.uri,
      site: this.site,
      valueRange: range,
      related: options.related,
      fixes: options.fixes,
      anchors: [this.site],
    });
  }
}

function runRules<T>(rules: readonly { id: string; check(record: T, ctx: RecordContext): void }[], record: T, ctx: SiteContext): void {
  for (const r of rules) {
    ctx.rule = r.id;
    r.check(record, ctx);
  }
}

/** The record rules that are on, per record kind: worked out once per check, not per site and rule. */
export interface SiteRules {
  spf: readonly SpfRule[];
  dmarc: readonly DmarcRule[];
  dkim: readonly DkimRule[];
  bimi: readonly BimiRule[];
  tlsrpt: readonly SmtpTlsRule[];
  mtaSts: readonly SmtpTlsRule[];
}

export function siteRules(enabled: (id: string) => boolean): SiteRules {
  return {
    spf: spfRecordRules.filter((r) => enabled(r.id)),
    dmarc: dmarcRecordRules.filter((r) => enabled(r.id)),
    dkim: dkimRecordRules.filter((r) => enabled(r.id)),
    bimi: bimiRecordRules.filter((r) => enabled(r.id)),
    tlsrpt: smtpTlsRecordRules.filter((r) => r.scope === 'tlsrpt' && enabled(r.id)),
    mtaSts: smtpTlsRecordRules.filter((r) => r.scope === 'mta-sts' && enabled(r.id)),
  };
}

/** Runs the record rules that are on on one analysed site. */
export function collectSite(a: AnalyzedSite, rules: SiteRules): RawFinding[] {
  const out: RawFinding[] = [];
  if (!a.spf && !a.dmarc && !a.dkim && !a.bimi && !a.smtpTls) return out;
  const ctx = new SiteContext(out, a.site);
  if (a.spf) runRules(rules.spf, a.spf, ctx);
  if (a.dmarc) runRules(rules.dmarc, a.dmarc, ctx);
  if (a.dkim) runRules(rules.dkim, a.dkim, ctx);
  if (a.bimi) runRules(rules.bimi, a.bimi, ctx);
  if (a.smtpTls) runRules(a.kind === 'tlsrpt' ? rules.tlsrpt : rules.mtaSts, a.smtpTls, ctx);
  return a.site.holes ? holeSafe(out) : out;
}

/** Rules that judge a record as a whole (RuleMeta.wholeRecord). */
const WHOLE_RECORD = new Set(allRules.filter((r) => r.wholeRecord).map((r) => r.id));

/**
 * The findings on records with parts not known statically that those parts could not change
 * (records/holes): none from a rule that judges the whole record, none on or beside a term that holds
 * a hole, and of the rest's fixes those whose edits keep away from such terms.
 */
function holeSafe(raws: RawFinding[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const r of raws) {
    const site = r.site;
    if (!site?.holes) out.push(r);
    else if (WHOLE_RECORD.has(r.rule) || (r.valueRange && touchesHole(site, r.valueRange))) continue;
    else out.push(r.fixes ? { ...r, fixes: r.fixes.filter((f) => !f.edits.some((e) => touchesHole(site, e.range, true))) } : r);
  }
  return out;
}

/** When set (the CLI's DMARC_LENS_TIMING), the milliseconds each cross-record rule took, summed over files. */
export let ruleTimings: Map<string, number> | undefined;
export function timeRules(on: boolean): void {
  ruleTimings = on ? new Map() : undefined;
}

/** Runs the cross-record rules on a set of records (one zone and its includes), and the workspace. */
/** Rule id → the rules whose findings on the same characters its findings replace (RuleMeta.supersedes). */
const SUPERSEDES = new Map<string, Set<string>>(allRules.filter((r) => r.supersedes?.length).map((r) => [r.id, new Set(r.supersedes)]));

/** Drops, in place, the findings another finding on the same characters supersedes (RuleMeta.supersedes). */
export function dropSuperseded(findings: Finding[]): void {
  let by: Map<string, Set<string>> | undefined;
  for (const f of findings) {
    const s = SUPERSEDES.get(f.rule);
    if (!s) continue;
    by ??= new Map();
    const key = `${f.uri}\0${f.range.start}\0${f.range.end}`;
    const set = by.get(key);
    if (set) for (const r of s) set.add(r);
    else by.set(key, new Set(s));
  }
  if (!by) return;
  let w = 0;
  for (const f of findings) if (!by.get(`${f.uri}\0${f.range.start}\0${f.range.end}`)?.has(f.rule)) findings[w++] = f;
  findings.length = w;
}

/** The rest of the workspace as the cross-record rules see it: the files in `own` (the one being checked and its includes) supply their own records. */
function viewOf(ws: WorkspaceIndex, own: ReadonlySet<string>): WorkspaceView {
  return { at: (owner) => ws.at(owner, own), cnamesTo: (name) => ws.cnamesTo(name, own), under: (suffix) => ws.under(suffix), occluded: (uri, owner, zone) => ws.occluded(uri, owner, zone), hidesIn: (zone) => ws.hidesIn(zone, own), hasNullMx: (owner) => ws.hasNullMx(owner, own), agreesEverywhere: (owner, kind, value) => ws.agreesEverywhere(owner, kind, value, own), recordSets: (key) => ws.recordSets(key, own) };
}

export function collectModel(records: ResourceRecord[], sites: AnalyzedSite[], enabled: (id: string) => boolean, workspace?: WorkspaceView, texts?: ReadonlyMap<string, string>): RawFinding[] {
  const model = buildModel(records, sites, workspace, texts);
  const out: RawFinding[] = [];
  for (const rule of crossRecordRules) {
    if (!enabled(rule.id)) continue;
    const t0 = ruleTimings ? performance.now() : 0;
    rule.check(model, {
      report(site, range, message, options = {}) {
        const related = options.related;
        const anchors: (ResourceRecord | RecordSite)[] = [site, ...(options.anchors ?? [])];
        for (const r of related ?? []) if ('site' in r) anchors.push(r.site);
        out.push({
          rule: rule.id,
          severity: options.severity,
          message,
          uri: site.uri,
          site,
          valueRange: range === 'owner' || range === 'record' ? undefined : range,
          docRange: range === 'owner' ? site.ownerRange : range === 'record' ? site.range : undefined,
          related,
          fixes: options.fixes,
          docFixes: options.docFixes,
          anchors,
        });
      },
      reportAt(record, message, options = {}) {
        out.push({ rule: rule.id, severity: options.severity, message, uri: record.uri, docRange: (options.target && (record.dataRange ?? hostRange(record))) || record.range, related: options.related, docFixes: options.docFixes, anchors: [record, ...(options.anchors ?? [])] });
      },
    });
    if (ruleTimings) ruleTimings.set(rule.id, (ruleTimings.get(rule.id) ?? 0) + performance.now() - t0);
  }
  return out.some((r) => r.site?.holes) ? holeSafe(out) : out;
}

export function checkModel(records: ResourceRecord[], sites: AnalyzedSite[], sink: FindingSink, workspace?: WorkspaceView, texts?: ReadonlyMap<string, string>): void {
  materialize(collectModel(records, sites, (id) => sink.enabled(id), workspace, texts), sink);
}

export interface ZoneAnalysis {
  zone: ZoneFile;
  sites: AnalyzedSite[];
  findings: Finding[];
}

export interface ParsedZone {
  zone: ZoneFile;
  sites: AnalyzedSite[];
}

/** Reads any supported source (zone file, octoDNS, CloudFormation) without checking it. */
/** Whether readSource, given no format, reads a file of this name as a zone file (its last case). */
function readsAsZoneFile(uri: string): boolean {
  return !(path.basename(uri) === CONFIG_NAME || /\.tf$|\.tf\.json$|\.tfvars$/i.test(uri) || isDnscontrolName(uri) || isJavaScriptName(uri) || isMtaStsPolicyName(uri) || isProseOrCodeName(uri) || isYamlSourceName(uri));
}

export function readSource(text: string, uri: string, options: ZoneOptions & { format?: SourceFormat | 'text'; fallback?: boolean } = {}): ZoneFile {
  switch (options.format) {
    case 'text':
      return readFallback(text, uri);
    case 'zone':
      return parseZone(text, uri, options);
    case 'terraform':
      return /^\s*\{/.test(text) ? readTerraformJson(text, uri, options.openText) : readTerraform(text, uri, options.openText);
    case 'dnscontrol':
      return readDnscontrol(text, uri, options.openText);
    case 'octodns':
    case 'cloudformation':
    case 'ansible':
    case 'externaldns':
      return readYamlSource(text, uri, options.format, options.openText) ?? { uri, records: [], sites: [], problems: [], texts: new Map([[uri, text]]), origin: undefined, originExplicit: false };
  }
  if (path.basename(uri) === CONFIG_NAME) {
    const { problems } = parseConfig(text, uri);
    return { uri, format: 'config', records: [], sites: [], origin: undefined, originExplicit: false, texts: new Map([[uri, text]]), problems: problems.map((f) => ({ code: f.rule, severity: f.severity, message: f.message, uri, range: f.range })) };
  }
  if (/\.tf$/i.test(uri)) return readTerraform(text, uri, options.openText);
  if (isDnscontrolName(uri)) return readDnscontrol(text, uri, options.openText);
  // A file a DNSControl configuration require()s (`domains/example.com.js`) is one when it calls D();
  // other JavaScript is never a zone file: only its record-like string literals are read.
  if (isJavaScriptName(uri)) return looksLikeDnscontrol(text) ? readDnscontrol(text, uri, options.openText) : readFallback(text, uri);
  if (/\.tf\.json$/i.test(uri)) return readTerraform(text, uri, options.openText);
  // Variable values of a Terraform root module: HCL attributes, whose record-like strings are checked as written.
  if (/\.tfvars$/i.test(uri)) return readTerraform(text, uri, options.openText);
  if (isMtaStsPolicyName(uri)) return readMtaStsPolicy(text, uri);
  if (isProseOrCodeName(uri)) return readFallback(text, uri);
  if (isYamlSourceName(uri)) return readYamlSource(text, uri, undefined, options.openText) ?? (options.fallback ? readFallback(text, uri) : { uri, records: [], sites: [], problems: [], texts: new Map([[uri, text]]), origin: undefined, originExplicit: false });
  return parseZone(text, uri, options);
}

/** Reads a file and recognises its records, without checking them. */
export function readZone(text: string, uri: string, options: ZoneOptions & { format?: SourceFormat | 'text'; fallback?: boolean } = {}): ParsedZone {
  const zone = readSource(text, uri, options);
  return { zone, sites: zone.sites.map(analyzeSite) };
}

/** Checks a read zone; `workspace` holds the records of the other files, for checks across files. */
export function checkZone(parsed: ParsedZone, options: LintOptions & { workspace?: WorkspaceIndex; reports?: readonly AggregateReport[]; notOurs?: readonly string[] } = {}): ZoneAnalysis {
  const { zone, sites } = parsed;
  const sink = new FindingSink(options);
  for (const p of zone.problems) sink.add(p.code, p.uri, p.range, p.message, { severity: p.severity, fixes: p.fixes });
  if (zone.format === 'config' && options.workspace) checkSenders(zone.uri, zone.texts.get(zone.uri) ?? '', options.workspace, options.reports, sink);
  if (zone.format === 'config') checkNotOurs(zone.uri, zone.texts.get(zone.uri) ?? '', options.reports, sink);
  if (zone.mtaStsPolicy && options.workspace) checkPolicyMx(zone, options.workspace, sink);
  if (options.reports?.length) checkEvidence(sites, options.reports, sink, options.notOurs);
  const rules = siteRules((id) => sink.enabled(id));
  for (const a of sites) materialize(collectSite(a, rules), sink);
  const ws = options.workspace;
  const own = new Set(zone.texts.keys());
  checkModel(zone.records, sites, sink, ws && viewOf(ws, own), zone.texts);
  dropSuperseded(sink.findings);
  sink.findings.sort(byDocumentOrder);
  dropRepeated(sink.findings);
  return { zone, sites, findings: sink.findings };
}

/**
 * Drops a finding that repeats one before it (same place, rule and message), in findings sorted by
 * document order: one record written once stands for several (a Terraform `for_each` over domains,
 * a DNSControl loop over them), and what the text says wrong is said once.
 */
export function dropRepeated(findings: Finding[]): void {
  let w = 0;
  /** A finding kept → the names of the findings that said the same of other names there. */
  let alike: Map<Finding, string[]> | undefined;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    let repeated = false;
    // Equal uri, start and rule sort together; the group is short.
    for (let j = w - 1; j >= 0; j--) {
      const g = findings[j];
      if (g.uri !== f.uri || g.range.start !== f.range.start || g.rule !== f.rule) break;
      if (g.range.end !== f.range.end) continue;
      if (g.message === f.message) {
        repeated = true;
        break;
      }
      // The same said of another name (a macro, a helper or a `for_each` writes one text for several domains): said once, naming them all.
      const name = nameOf(f);
      if (name !== undefined && nameOf(g) !== undefined && g.severity === f.severity && shape(g) === shape(f)) {
        alike ??= new Map();
        const names = alike.get(g) ?? [];
        if (!names.includes(name)) names.push(name);
        alike.set(g, names);
        repeated = true;
        break;
      }
    }
    if (!repeated) findings[w++] = f;
  }
  findings.length = w;
  if (alike)
    for (let k = 0; k < w; k++) {
      const names = alike.get(findings[k]);
      if (!names) continue;
      // A new object: the one kept may be handed out again by an incremental re-check.
      const { shown: _, ...rest } = findings[k];
      const list = names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
      findings[k] = { ...rest, message: `${rest.message} The same holds for ${list}: this text writes their record too.` };
    }
}

/** The name a finding is about (its record's owner, from its context), or undefined. */
function nameOf(f: Finding): string | undefined {
  const owner = f.context?.slice(0, f.context.indexOf(' '));
  return owner ? owner.replace(/^(_[^.]+\.)+/, '') : undefined;
}

/** A finding's message with the name it is about taken out, to tell the same said of two names. */
function shape(f: Finding): string {
  const owner = f.context!.slice(0, f.context!.indexOf(' '));
  const name = nameOf(f)!;
  return f.message.split(owner).join('\0').split(name).join('\0');
}

/** DMARC records whose domain's aggregate reports show legitimate-looking senders failing (RFC 9990). */
function checkEvidence(sites: readonly AnalyzedSite[], reports: readonly AggregateReport[], sink: FindingSink, notOurs?: readonly string[]): void {
  if (!sink.enabled(reportsShowFailingSenders.id)) return;
  for (const a of sites) {
    if (!a.dmarc || !a.site.owner?.startsWith('_dmarc.')) continue;
    const domain = a.site.owner.slice('_dmarc.'.length);
    const mine = reports.filter((r) => r.policy.domain.toLowerCase().replace(/\.$/, '') === domain);
    if (!mine.length) continue;
    const f = failingSenders(a, evidenceOf(mine, { notOurs }));
    if (f) sink.add(reportsShowFailingSenders.id, a.site.uri, a.site.map.toDocRange(f.range), f.message, { context: `${a.site.owner} ${a.site.value}` });
  }
}

/**
 * `reports.notOurs` entries whose addresses the reports show passing DMARC through aligned SPF: the
 * From domain's SPF record authorises them, so they are not "not ours" (meta/not-ours-authorised).
 * Passing through DKIM alone is what a forwarder does with your signed mail: not counted.
 */
export function checkNotOurs(uri: string, text: string, reports: readonly AggregateReport[] | undefined, sink: FindingSink): void {
  if (!reports?.length || !sink.enabled('meta/not-ours-authorised')) return;
  const { config } = parseConfig(text, uri);
  const list = config.reports?.notOurs ?? [];
  const at = config.reports?.notOursAt ?? [];
  if (!list.length) return;
  const entries = listedMail(reports, list).map((m) => m.spf);
  entries.forEach((e, i) => {
    if (e.messages === 0 || !at[i]) return;
    const ips = [...e.ips];
    const from = [...e.froms].filter(Boolean);
    const removal = removeNotOurs(text, i);
    sink.add(
      'meta/not-ours-authorised',
      uri,
      at[i],
      `${list[i]} is listed as not yours, yet the reports show ${e.messages.toLocaleString('en-US')} message${e.messages === 1 ? '' : 's'} from ${ips.length === 1 ? ips[0] : `${ips.length} of its addresses (${ips.slice(0, 3).join(', ')}${ips.length > 3 ? ', …' : ''})`} passing DMARC through aligned SPF${from.length ? ` as ${from.slice(0, 3).join(', ')}` : ''}: the SPF record authorises ${ips.length === 1 ? 'it' : 'them'}. Its failing mail no longer holds back the next policy stage, and that mail is lost there if ${ips.length === 1 ? 'it is' : 'they are'} yours: remove the entry or narrow its range, or take ${ips.length === 1 ? 'it' : 'them'} out of the SPF record.`,
      removal ? { fixes: [{ title: `Remove ${list[i]} from reports.notOurs`, edits: removal.map((e) => ({ range: { start: e.offset, end: e.offset + e.length }, newText: e.content })) }] } : {},
    );
  });
}

/** Sender verdicts against the workspace DNS model (every file's records) and the reports. */
export function workspaceSenders(profiles: readonly SenderProfile[], ws: WorkspaceIndex, reports: readonly AggregateReport[] | undefined): SenderVerdict[] {
  return analyzeSenders(profiles, (owner) => ws.at(owner), { reports, exists: (n) => ws.exists(n), keysUnder: (d) => ws.under(`_domainkey.${d}`) });
}

/**
 * What the workspace publishes that aligns a platform's mail at a From domain, by the same analysis as a
 * declared sender's (its DKIM set-up, or its Return-Path), for the report statistics: a platform failing
 * in reports sent before that set-up is not told to publish it again. A domain the workspace does not
 * hold gets nothing (its set-up cannot be seen).
 */
export function workspaceSetUp(ws: WorkspaceIndex): SetUpOf {
  const memo = new Map<string, string | undefined>();
  return (providerId, domain) => {
    const key = `${providerId} ${domain}`;
    if (memo.has(key)) return memo.get(key);
    let said: string | undefined;
    if (ws.exists(domain)) {
      const profile: SenderProfile = { domain, provider: providerId, from: domain, dkimSelectors: [], ips: [], range: { start: 0, end: 0 }, ranges: { selectors: [] } };
      const [v] = workspaceSenders([profile], ws, undefined);
      said = v?.dkim.aligned ? `DKIM: ${v.dkim.why}` : v?.spf.aligned ? `SPF: ${v.spf.why}` : undefined;
    }
    memo.set(key, said);
    return said;
  };
}

/**
 * Sender profiles declared outside any file (the `dmarcLens.senders.domains` editor setting): their
 * findings go to the DMARC record that governs each sender's From domain when that record is in
 * `uri` (else to the From domain's SPF record there), with what the setting said in the message.
 */
export function checkSettingSenders(profiles: readonly SenderProfile[], uri: string, ws: WorkspaceIndex, reports: readonly AggregateReport[] | undefined, sink: FindingSink): void {
  if (profiles.length === 0) return;
  const verdicts = workspaceSenders(profiles, ws, reports);
  for (const v of verdicts) {
    const anchor = v.coverage?.entry ?? ws.at(v.profile.from).find((e) => e.site?.kind === 'spf');
    if (!anchor || anchor.uri !== uri) continue;
    for (const p of v.problems)
      sink.add(p.rule, uri, { ...anchor.record.range }, `${p.message} (sender declared in the dmarcLens.senders.domains setting: ${v.profile.provider} for ${v.profile.domain})`, {
        severity: p.severity,
        fixes: () => publishFix(p.publish, v.coverage?.entry),
        context: `${v.profile.domain} ${v.profile.provider} ${v.profile.from}`,
      });
  }
}

/** Where in the config a sender problem goes: the field it is about, or the sender object. */
function profileRange(s: SenderProfile, at: SenderProblem['at']): OffsetRange {
  if (typeof at === 'object') return s.ranges.selectors[at.selector] ?? s.range;
  if (at === 'sender') return s.ranges.provider ?? s.range;
  return s.ranges[at] ?? s.ranges.provider ?? s.range;
}

/**
 * Publishes records next to the DMARC record that governs the sender, when that record is in a zone
 * file and every value is known (no `<token>` only the platform can tell). Owners are written absolute.
 */
function publishFix(publish: Publish[] | undefined, at: { uri: string; record: ResourceRecord } | undefined): Fix[] {
  if (!publish?.length || !at || publish.some((x) => !x.literal)) return [];
  if (!isZoneFileName(at.uri)) return [];
  const lines = publish.map((x) => `\n${x.owner}.\tIN ${x.type}\t${x.type === 'TXT' ? `"${encodeZoneString(x.value)}"` : x.type === 'CNAME' ? `${x.value}.` : x.value}`).join('');
  const end = at.record.range.end + (at.record.trailing ?? 0);
  return [{ title: `Publish ${publish.map((x) => `${x.owner} ${x.type}`).join(', ')} in ${path.basename(at.uri)}`, edits: [{ uri: at.uri, range: { start: end, end }, newText: lines }] }];
}

/**
 * An MTA-STS policy file against the MX records of the workspace (RFC 8461 §4.1): for each domain that
 * publishes `_mta-sts` and has an MX host the policy's patterns match (the policy is that domain's),
 * every other MX host of it matches none, so senders that apply the policy refuse to deliver there.
 */
export function checkPolicyMx(zone: ZoneFile, ws: WorkspaceIndex, sink: FindingSink): void {
  const policy = zone.mtaStsPolicy;
  if (!policy || policy.mx.length === 0 || (policy.mode !== 'enforce' && policy.mode !== 'testing')) return;
  const matched = (host: string) => policy.mx.some((p) => mxMatches(host, p.pattern));
  const domains = new Set<string>();
  for (const e of ws.entries()) {
    const domain = e.site?.kind === 'mta-sts' && e.record.owner !== undefined ? policyDomainOf('mta-sts', e.record.owner) : undefined;
    if (domain !== undefined) domains.add(domain);
  }
  for (const domain of domains) {
    const mx = ws.at(domain).filter((e) => e.record.type === 'MX' && !isNullMx(e.record));
    const hosts = mx.map((e) => ({ e, host: mxHost(mxData(e.record)).toLowerCase() }));
    if (!hosts.some((h) => matched(h.host))) continue;
    for (const { e, host } of hosts) {
      if (matched(host)) continue;
      const first = policy.mx[0].range;
      sink.add('mta-sts/policy-mx-mismatch', zone.uri, { start: first.start, end: policy.mx[policy.mx.length - 1].range.end }, `\`${host}\`, an MX host of ${domain}, matches no \`mx\` line of this policy: ${policy.mode === 'enforce' ? 'senders that apply it refuse to deliver mail there' : 'senders report each delivery there as a failure, and will refuse it once the mode is `enforce`'} (RFC 8461 §4.1). Add \`mx: ${host}\`, or a \`*.\` pattern that covers it.`, {
        severity: policy.mode === 'enforce' ? 'error' : 'warning',
        related: [{ uri: e.uri, range: e.record.range, message: `the MX record of ${domain}` }],
      });
    }
  }
}

/** The sender profiles of a `.dmarc-lens.json` against the workspace records and reports (findings in the config file). */
export function checkSenders(uri: string, text: string, ws: WorkspaceIndex, reports: readonly AggregateReport[] | undefined, sink: FindingSink): void {
  const { config } = parseConfig(text, uri);
  if (config.senders.length === 0) return;
  useProviders(config.providers);
  const verdicts = workspaceSenders(config.senders, ws, reports);
  const rel = (e: { uri: string; record: ResourceRecord }, message: string): RelatedInfo => ({ uri: e.uri, range: e.record.range, message });
  for (const v of verdicts)
    for (const p of v.problems)
      sink.add(p.rule, uri, profileRange(v.profile, p.at), p.message, {
        severity: p.severity,
        fixes: () => publishFix(p.publish, v.coverage?.entry),
        related: p.related?.map((e) => rel(e, e.site?.kind === 'dmarc' ? 'the DMARC record that applies' : 'the record involved')),
        context: `${v.profile.domain} ${v.profile.provider} ${v.profile.from}`,
      });
}

/**
 * One open document, checked again on every edit at the cost of the edit: the zone is re-read
 * incrementally, each record keeps its analysis and record-rule findings while it is unchanged, and
 * the cross-record rules either run (`model: true`) or keep their last findings whose records are
 * all unchanged (`model: false`, for a fast first answer while typing in a big zone).
 */
export class DocumentAnalyzer {
  private readonly zone: IncrementalZone | undefined;
  /** The last update's analysed sites and record findings, with the end of each site's findings in `raws`. */
  private last: { sites: AnalyzedSite[]; raws: RawFinding[]; rawEnds: Int32Array } | undefined;
  private modelRaws: RawFinding[] = [];
  private settings: string | undefined;
  /** Whether the last update ran the cross-record rules. */
  modelCurrent = false;

  constructor(
    readonly uri: string,
    options: ZoneOptions & { format?: SourceFormat | 'text'; fallback?: boolean } = {},
  ) {
    // Zone files are re-read incrementally; YAML sources are small and read whole.
    const other = options.format ? options.format !== 'zone' : !readsAsZoneFile(uri);
    this.zone = other ? undefined : new IncrementalZone(uri, options);
    this.options = options;
  }

  private readonly options: ZoneOptions & { format?: SourceFormat | 'text'; fallback?: boolean };
  /**
   * Materialises raw findings, reusing the last finding of each raw one whose anchors have not moved
   * (the same object, so the server's diagnostic and its encoding are reused too) and shifting the
   * ones whose anchors all moved by the same distance (the rest of the file after an edit).
   */
  private place(raws: readonly RawFinding[], sink: FindingSink): void {
    for (const r of raws) {
      const prev = r.placed;
      if (prev) {
        const d = shiftSince(r, prev.sig);
        if (d === 0) {
          sink.findings.push(prev.finding);
          continue;
        }
        if (d !== undefined) {
          // The same finding, moved with its record (the text before it grew or shrank). It is moved
          // in place: the findings of the last update are superseded by this one, and a big zone
          // moves thousands of them on every keystroke. Its range objects are its own.
          const f = prev.finding;
          f.range.start += d;
          f.range.end += d;
          if (f.related)
            for (const x of f.related)
              if (x.uri === f.uri) {
                x.range.start += d;
                x.range.end += d;
              }
          // Fixes already written were written for the old offsets: write them again when asked.
          if (prev.fixes && Object.getOwnPropertyDescriptor(f, 'fixes')?.get === undefined) lazyFixes(f, prev.fixes);
          sink.findings.push(f);
          for (let i = 0; i < prev.sig.length; i++) prev.sig[i] += d;
          continue;
        }
      }
      const extra = placement(r);
      const f = sink.add(r.rule, r.uri, extra.range, r.message, extra);
      if (f) r.placed = { finding: f, sig: anchorStarts(r), fixes: extra.fixes };
    }
  }

  /**
   * `change` (see IncrementalZone.update) bounds what changed since the last update when the caller
   * knows it from the editor's edits.
   */
  update(text: string, options: LintOptions & { workspace?: WorkspaceIndex; model: boolean; reports?: readonly AggregateReport[]; notOurs?: readonly string[]; change?: { prefix: number; suffix: number } }): ZoneAnalysis {
    const settings = JSON.stringify(options.rules ?? {});
    if (settings !== this.settings) {
      // New rule settings: every cached finding may be wrong, so the next answer is a full one.
      if (this.settings !== undefined) options = { ...options, model: true };
      this.settings = settings;
      this.last = undefined;
      this.modelRaws = [];
    }
    const enabled = (id: string) => options.rules?.[id] !== 'off';
    const rules = siteRules(enabled);
    const zone = this.zone ? this.zone.update(text, options.change) : readSource(text, this.uri, this.options);
    // The sites the zone reused at the start and the end of the file keep their analysis and record
    // findings: whole stretches of the last arrays are copied, without touching each site.
    const last = this.last;
    const stats = this.zone?.lastStats;
    const n = zone.sites.length;
    let head = last && stats ? stats.headSites : 0;
    let tail = last && stats ? stats.tailSites : 0;
    if (!last || head + tail > n || head + tail > last.sites.length) head = tail = 0;
    const lastN = last?.sites.length ?? 0;
    const rawEnd = (i: number) => (i < 0 ? 0 : last!.rawEnds[i]);
    const freshSites: AnalyzedSite[] = [];
    const freshRaws: RawFinding[] = [];
    const rawEnds = new Int32Array(n);
    if (head) rawEnds.set(last!.rawEnds.subarray(0, head));
    let count = rawEnd(head - 1);
    for (let i = head; i < n - tail; i++) {
      const analyzed = analyzeSite(zone.sites[i]);
      freshSites.push(analyzed);
      for (const r of collectSite(analyzed, rules)) freshRaws.push(r);
      rawEnds[i] = count = rawEnd(head - 1) + freshRaws.length;
    }
    const tailBase = rawEnd(lastN - tail - 1);
    for (let i = 0; i < tail; i++) rawEnds[n - tail + i] = last!.rawEnds[lastN - tail + i] - tailBase + count;
    const sites = last ? last.sites.slice(0, head).concat(freshSites, last.sites.slice(lastN - tail)) : freshSites;
    const raws = last ? last.raws.slice(0, rawEnd(head - 1)).concat(freshRaws, last.raws.slice(tailBase)) : freshRaws;
    this.last = { sites, raws, rawEnds };
    if (options.model) {
      const ws = options.workspace;
      const own = new Set(zone.texts.keys());
      this.modelRaws = collectModel(zone.records, sites, enabled, ws && viewOf(ws, own), zone.texts);
    } else {
      this.modelRaws = this.modelRaws.filter((r) => !r.anchors.some((x) => x.superseded));
    }
    this.modelCurrent = options.model;
    const sink = new FindingSink(options);
    // Copies: the zone's own range objects move when a later edit shifts this part of the file.
    for (const p of zone.problems)
      sink.add(p.code, p.uri, { ...p.range }, p.message, { severity: p.severity, fixes: p.fixes?.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ range: { ...e.range }, newText: e.newText })) })) });
    this.place(raws, sink);
    this.place(this.modelRaws, sink);
    if (zone.format === 'config' && options.workspace) checkSenders(zone.uri, text, options.workspace, options.reports, sink);
    if (zone.format === 'config') checkNotOurs(zone.uri, text, options.reports, sink);
    if (zone.mtaStsPolicy && options.workspace) checkPolicyMx(zone, options.workspace, sink);
    if (options.reports?.length && options.model) checkEvidence(sites, options.reports, sink, options.notOurs);
    dropSuperseded(sink.findings);
    sink.findings.sort(byDocumentOrder);
    dropRepeated(sink.findings);
    return { zone, sites, findings: sink.findings };
  }
}

/** Reads a file and checks everything in it, inline suppressions applied. */
export function analyzeZone(text: string, uri: string, options: LintOptions & ZoneOptions & { workspace?: WorkspaceIndex; reports?: readonly AggregateReport[]; notOurs?: readonly string[]; format?: SourceFormat | 'text'; fallback?: boolean } = {}): ZoneAnalysis {
  const a = checkZone(readZone(text, uri, options), options);
  let findings: Finding[] = [];
  for (const [file, t] of a.zone.texts) findings = findings.concat(applySuppressions(t, file, a.findings.filter((f) => f.uri === file)).findings);
  const sink = new FindingSink(options);
  for (const f of findings) if (sink.severityOf(f.rule, f.severity) !== undefined) sink.findings.push(f);
  sink.findings.sort(byDocumentOrder);
  return { ...a, findings: sink.findings };
}
