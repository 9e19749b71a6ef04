/**
 * The language-service facade: documents in, findings out. No LSP connection and no VS Code types,
 * so the CLI, the language server and the tests all call the same code (GUIDE §1).
 */
import { crossRecordRules, dkimRecordRules, dmarcRecordRules, rulesById, spfRecordRules } from './checks/registry';
import { isDkimOwner, buildModel } from './checks/model';
import type { AnalyzedSite, RecordContext, RelatedRef, ReportOptions, ValueFix, WorkspaceView } from './checks/rule';
import type { WorkspaceIndex } from './workspace';
import { looksLikeDkim, parseDkim } from './records/dkim';
import { looksLikeDmarc, parseDmarc } from './records/dmarc';
import { isSenderId, isSpfRecord, looksLikeSpf, parseSpf } from './records/spf';
import { encodeZoneString, parseZone, type ZoneFile, type ZoneOptions } from './sources/zonefile';
import type { Finding, Fix, OffsetRange, RecordSite, RelatedInfo, ResourceRecord, Severity } from './types';

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** Severity per rule id, or `off`. */
  rules?: Record<string, RuleSetting>;
}

/** Decides what a TXT/SPF record is meant to be, from its owner name and its value. */
export function classify(site: RecordSite): AnalyzedSite['kind'] {
  const value = site.value;
  const owner = site.owner ?? '';
  if (isSpfRecord(value)) return 'spf';
  if (isSenderId(value)) return 'senderid';
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
  return a;
}

function encodeFor(site: RecordSite, text: string): string {
  switch (site.syntax) {
    case 'zone':
      return encodeZoneString(text);
  }
}

/** The one place where value-space ranges and edits become document ranges and edits. */
export function mapFix(site: RecordSite, fix: ValueFix): Fix {
  return {
    title: fix.title,
    edits: fix.edits.map((e) => ({ range: site.map.toDocRange(e.range), newText: encodeFor(site, e.newText) })),
  };
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

  add(rule: string, uri: string, range: OffsetRange, message: string, extra: { severity?: Severity; related?: RelatedInfo[]; fixes?: Fix[] } = {}): void {
    const severity = this.severityOf(rule, extra.severity);
    if (!severity) return;
    const f: Finding = { rule, severity, message, uri, range };
    if (extra.related?.length) f.related = extra.related;
    if (extra.fixes?.length) f.fixes = extra.fixes;
    this.findings.push(f);
  }
}

function mapRelated(refs: RelatedRef[] | undefined): RelatedInfo[] | undefined {
  return refs?.map((r) =>
    'site' in r
      ? { uri: r.site.uri, range: r.range ? r.site.map.toDocRange(r.range) : r.site.range, message: r.message }
      : { uri: r.uri, range: r.range, message: r.message },
  );
}

/** One context per site; `rule` is switched as each rule runs, so no closure is made per rule and site. */
class SiteContext implements RecordContext {
  rule = '';
  constructor(
    private readonly sink: FindingSink,
    readonly site: RecordSite,
  ) {}

  report(range: OffsetRange, message: string, options: ReportOptions = {}): void {
    const site = this.site;
    this.sink.add(this.rule, site.uri, site.map.toDocRange(range), message, {
        severity: options.severity,
        related: mapRelated(options.related),
      fixes: options.fixes?.map((f) => mapFix(site, f)),
    });
  }
}

function runRules<T>(rules: readonly { id: string; check(record: T, ctx: RecordContext): void }[], record: T, ctx: SiteContext, sink: FindingSink): void {
  for (const r of rules) {
    if (!sink.enabled(r.id)) continue;
    ctx.rule = r.id;
    r.check(record, ctx);
  }
}

/** Runs every record rule on one analysed site. */
export function checkSite(a: AnalyzedSite, sink: FindingSink): void {
  if (!a.spf && !a.dmarc && !a.dkim) return;
  const ctx = new SiteContext(sink, a.site);
  if (a.spf) runRules(spfRecordRules, a.spf, ctx, sink);
  if (a.dmarc) runRules(dmarcRecordRules, a.dmarc, ctx, sink);
  if (a.dkim) runRules(dkimRecordRules, a.dkim, ctx, sink);
}

/** Runs the cross-record rules on a set of records (one zone and its includes). */
export function checkModel(records: ResourceRecord[], sites: AnalyzedSite[], sink: FindingSink, workspace?: WorkspaceView): void {
  const model = buildModel(records, sites, workspace);
  for (const rule of crossRecordRules) {
    if (!sink.enabled(rule.id)) continue;
    rule.check(model, {
      report(site, range, message, options = {}) {
        const doc = range === 'owner' ? site.ownerRange : range === 'record' ? site.range : site.map.toDocRange(range);
        sink.add(rule.id, site.uri, doc, message, {
          severity: options.severity,
          related: mapRelated(options.related),
          fixes: options.fixes?.map((f) => mapFix(site, f)),
        });
      },
      reportAt(uri, range, message, options = {}) {
        sink.add(rule.id, uri, range, message, { severity: options.severity, related: mapRelated(options.related) });
      },
    });
  }
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

/** Reads a zone file and recognises its records, without checking them. */
export function readZone(text: string, uri: string, options: ZoneOptions = {}): ParsedZone {
  const zone = parseZone(text, uri, options);
  return { zone, sites: zone.sites.map(analyzeSite) };
}

/** Checks a read zone; `workspace` holds the records of the other files, for checks across files. */
export function checkZone(parsed: ParsedZone, options: LintOptions & { workspace?: WorkspaceIndex } = {}): ZoneAnalysis {
  const { zone, sites } = parsed;
  const sink = new FindingSink(options);
  for (const p of zone.problems) sink.add(p.code, p.uri, p.range, p.message, { fixes: p.fixes });
  for (const a of sites) checkSite(a, sink);
  const ws = options.workspace;
  const own = new Set(zone.texts.keys());
  const view: WorkspaceView | undefined = ws && { at: (owner) => ws.at(owner, own) };
  checkModel(zone.records, sites, sink, view);
  sink.findings.sort((a, b) => (a.uri === b.uri ? a.range.start - b.range.start || a.rule.localeCompare(b.rule) : a.uri.localeCompare(b.uri)));
  return { zone, sites, findings: sink.findings };
}

/** Reads a zone file and checks everything in it. */
export function analyzeZone(text: string, uri: string, options: LintOptions & ZoneOptions & { workspace?: WorkspaceIndex } = {}): ZoneAnalysis {
  return checkZone(readZone(text, uri, options), options);
}
