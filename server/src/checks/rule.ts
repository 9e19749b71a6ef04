/**
 * The rule registry's shapes (GUIDE §3, ESLint/Ruff style). A rule is metadata plus a pure check.
 * Record rules report in record-value space; the service maps ranges and edits to the document once.
 */
import type { BimiRecord } from '../records/bimi';
import type { DkimRecord } from '../records/dkim';
import type { SmtpTlsRecord } from '../records/smtptls';
import type { DmarcRecord } from '../records/dmarc';
import type { SpfRecord } from '../records/spf';
import type { SetRecord } from '../records/recordset';
import type { Fix, OffsetRange, RecordSite, ResourceRecord, Severity, TextEdit } from '../types';

export type RuleKind = 'spf' | 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts' | 'zone' | 'sender';

export interface RuleDocs {
  /** What the rule finds, in a sentence or two. */
  what: string;
  /** Why it matters, citing the RFC section. */
  why: string;
  /** Zone-file lines (relative to `$ORIGIN example.com.`) that trigger the rule, and a corrected version. */
  bad: string;
  good: string;
  /** How to fix it. */
  fix: string;
  /** When the examples are whole files of another format: the file name they are read as. */
  file?: string;
  /** The zone apex the examples are checked with, as `dmarc-lens check --origin` gives it. */
  origin?: string;
  /** Another file of the workspace the examples are checked with (for rules across files). */
  workspace?: { file: string; text: string };
  /** The workspace file for the good example, when it differs (the fix is in the other file). */
  goodWorkspace?: { file: string; text: string };
  /** An aggregate report (XML) in the workspace with the bad example, and with the good one. */
  report?: string;
  goodReport?: string;
}

export interface RuleMeta {
  id: string;
  kind: RuleKind;
  severity: Severity;
  summary: string;
  fixable: boolean;
  docs: RuleDocs;
  /** Rules whose findings on the same characters this one's replace (they would say less, or wrongly, there). */
  supersedes?: string[];
  /**
   * The rule judges a record as a whole (what it lacks, its length, the order of its terms), so its
   * findings are not kept on a record with parts not known statically (records/holes).
   */
  wholeRecord?: boolean;
}

export interface ValueEdit {
  /** Range in the record value. */
  range: OffsetRange;
  /** Replacement as DNS should serve it (the service writes it in the file's syntax). */
  newText: string;
}

export interface ValueFix {
  title: string;
  edits: ValueEdit[];
  /** Edits of whole records in document space that belong to the same fix (another record removed). */
  docEdits?: TextEdit[];
}

export interface ReportOptions {
  fixes?: ValueFix[];
  /** Lower or raise this one finding (e.g. a migration-safe `pct`), unless configuration overrides the rule. */
  severity?: Severity;
  related?: RelatedRef[];
  /** Other records the finding depends on (it is stale once any of them is edited). */
  anchors?: (ResourceRecord | RecordSite)[];
  /** Fixes in document space (whole records added or removed), written only when asked for. */
  docFixes?: () => Fix[];
}

/** Another record involved in a finding: a TXT site (range in its value) or any record (range in its document). */
export type RelatedRef = { site: RecordSite; range?: OffsetRange; message: string } | { uri: string; range: OffsetRange; message: string };

export interface RecordContext {
  site: RecordSite;
  report(range: OffsetRange, message: string, options?: ReportOptions): void;
}

/** A TXT/SPF record with what it was recognised as. */
export interface AnalyzedSite {
  site: RecordSite;
  kind: 'spf' | 'dmarc' | 'dkim' | 'bimi' | 'tlsrpt' | 'mta-sts' | 'senderid' | undefined;
  spf?: SpfRecord;
  dmarc?: DmarcRecord;
  dkim?: DkimRecord;
  bimi?: BimiRecord;
  /** A TLS-RPT (kind `tlsrpt`) or MTA-STS (kind `mta-sts`) record. */
  smtpTls?: SmtpTlsRecord;
}

/** How each record kind is named to people (messages, outline, docs). */
export const KIND_NAMES: Readonly<Record<NonNullable<AnalyzedSite['kind']>, string>> = { spf: 'SPF', dmarc: 'DMARC', dkim: 'DKIM', bimi: 'BIMI', tlsrpt: 'TLS-RPT', 'mta-sts': 'MTA-STS', senderid: 'Sender ID' };

/** Records of the rest of the workspace (other files), looked up by owner name. */
export interface WorkspaceView {
  at(owner: string): { uri: string; record: ResourceRecord; site?: AnalyzedSite }[];
  /** The CNAME records of other files whose target is `name`. */
  cnamesTo?(name: string): { uri: string; record: ResourceRecord }[];
  /** Records at names ending in `.suffix` (every `…._domainkey.example.com`), in any file. */
  under?(suffix: string): { uri: string; record: ResourceRecord }[];
  /** Whether the file `uri` holds `owner` where its zone never serves it: at or below its own delegation, or below a DNAME. */
  occluded?(uri: string, owner: string, zone?: string): boolean;
  /** Whether another file has a record that can hide names of a zone infrastructure as code names (an NS record below its name, a DNAME). */
  hidesIn?(zone: string): boolean;
  /** Whether another file has a null MX (`MX 0 .`) at `owner`. */
  hasNullMx?(owner: string): boolean;
  /** Whether every record of this kind at `owner` in the other files whose value is known whole has this value (none has another). */
  agreesEverywhere?(owner: string, kind: string, value: string): boolean;
  /** The resources of other files that write the record set `key` (records/recordset), each by its first record. */
  recordSets?(key: string): SetRecord[];
}

/** Every record of one zone (its includes too), for checks across records, plus the workspace. */
export interface DnsModel {
  records: ResourceRecord[];
  sites: AnalyzedSite[];
  workspace?: WorkspaceView;
  /** Every owner name of `records` (built once, on first use, for all rules). */
  owners(): ReadonlySet<string>;
  /** The analysed sites at each owner name (built once, on first use). */
  sitesAt(owner: string): readonly AnalyzedSite[];
  /** The records at each owner name (built once, on first use). */
  recordsAt(owner: string): readonly ResourceRecord[];
  /** The record a site belongs to. */
  recordOf(site: RecordSite): ResourceRecord | undefined;
  /** The (first) CNAME record at each owner name of `records` (built once, on first use). */
  cnames(): ReadonlyMap<string, ResourceRecord>;
  /** Owner names whose records are not all written together: records of other names, or an `$INCLUDE` boundary, come between (built with `owners()`). */
  scattered(): ReadonlySet<string>;
  /** The text of a file the records were read from (zone files: for fixes that rewrite part of a record). */
  text(uri: string): string | undefined;
}

export interface ModelContext {
  report(site: RecordSite, range: OffsetRange | 'owner' | 'record', message: string, options?: ReportOptions): void;
  /**
   * For findings on records that are not TXT (e.g. a CNAME): the range is the record's; with `target`,
   * a finding about the name the record points to, where the file writes that name when its reader says
   * (ResourceRecord.dataRange: infrastructure as code; records/cname hostRange: a zone file's MX, NS or
   * SRV host), so a whole resource block or record line is not underlined.
   */
  reportAt(record: ResourceRecord, message: string, options?: Omit<ReportOptions, 'fixes'> & { target?: boolean }): void;
}

export interface SpfRule extends RuleMeta {
  scope: 'spf';
  check(record: SpfRecord, ctx: RecordContext): void;
}
export interface DmarcRule extends RuleMeta {
  scope: 'dmarc';
  check(record: DmarcRecord, ctx: RecordContext): void;
}
export interface DkimRule extends RuleMeta {
  scope: 'dkim';
  check(record: DkimRecord, ctx: RecordContext): void;
}
export interface BimiRule extends RuleMeta {
  scope: 'bimi';
  check(record: BimiRecord, ctx: RecordContext): void;
}
/** Rules of the SMTP TLS records: TLS-RPT (scope `tlsrpt`) or MTA-STS (scope `mta-sts`). */
export interface SmtpTlsRule extends RuleMeta {
  scope: 'tlsrpt' | 'mta-sts';
  check(record: SmtpTlsRecord, ctx: RecordContext): void;
}
export interface ModelRule extends RuleMeta {
  scope: 'model';
  check(model: DnsModel, ctx: ModelContext): void;
}
/** Reported by a source extractor (zone syntax); the registry holds its metadata and docs. */
export interface SourceRule extends RuleMeta {
  scope: 'source';
}

/** Reported by the SPF lookup-tree walker (server/src/spf/tree.ts); the registry holds metadata and docs. */
export interface TreeRule extends RuleMeta {
  scope: 'tree';
}

export type Rule = SpfRule | DmarcRule | DkimRule | BimiRule | SmtpTlsRule | ModelRule | SourceRule | TreeRule;

export const DOCS_BASE = 'https://github.com/dmarc-lens/dmarc-lens/blob/main/docs/rules/';

const urls = new Map<string, string>();

export function docsUrl(id: string): string {
  let u = urls.get(id);
  if (u === undefined) urls.set(id, (u = `${DOCS_BASE}${id}.md`));
  return u;
}
