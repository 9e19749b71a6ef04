/**
 * The report preview's model, built once by the engine for every front end (the VS Code panel, the
 * CLI's `--format html` and the tests): summary, statistics, the rollout verdict, and one compact
 * row per report record (arrays, so 100 000 rows stay a few megabytes of JSON).
 */
import { atLastStage, BLOCKING_SHARE, verdict } from '../rollout';
import { dedupeReports, describeDuplicate, dmarcPasses, summarize, type AggregateReport, type ReportRecord, type ReportSummary, type SummaryOptions } from './aggregate';
import type { FailureReport } from './failure';
import type { ReportScope } from './scope';
import { disagrees, recompute, RECORDS_PER_SLICE, reportStatsSteps, serviceOf, type ReportStats, type SetUpOf, type SourceOf } from './stats';
import { drain, sliced } from '../util/steps';

/** [sourceIp, count, disposition, dkim, spf, headerFrom, auth results, reporter, service, flags (1 = DMARC pass, 2 = reporter disagrees with the recomputed alignment)] */
export type PreviewRow = [string, number, string, string, string, string, string, string, string, number];

export interface PreviewReport {
  origin: string;
  schema: string;
  orgName: string;
  reportId: string;
  begin?: number;
  end?: number;
  policy: AggregateReport['policy'];
  records: number;
  problems: string[];
}

/** A failure report as the preview shows it: [arrival (unix s), source IP, reported domains, what failed, MAIL FROM, From, Subject, reporter, origin]. */
export type PreviewFailure = [number | null, string, string, string, string, string, string, string, string];

export interface PreviewModel {
  /** The share of the mail above which a failing source holds back the next policy stage (rollout.BLOCKING_SHARE). */
  blockingShare: number;
  /** Policy domains whose latest report saw the last stage (p=reject, enforced): there is no next stage to hold back. */
  atLastStage?: string[];
  summary: ReportSummary;
  /** DMARC failure reports (RFC 9991), newest first. */
  failureReports: PreviewFailure[];
  stats: ReportStats;
  reports: PreviewReport[];
  rows: PreviewRow[];
  failures: { origin: string; message: string }[];
  verdict?: string;
  /**
   * Reports for more than one domain: the verdict of each (its own reports only), most mail first,
   * instead of one `verdict` over all of them (each domain's policy moves on its own).
   */
  verdicts?: { domain: string; messages: number; text: string }[];
  /** Reports read twice (the .xml beside its .zip, a reporter's resend), counted once: one line each. */
  duplicates?: { origin: string; message: string }[];
  /** How many services and failing sources there are, when the model lists only the first (PREVIEW_SERVICES, PREVIEW_FAILING). */
  more?: { services: number; failingSources: number };
  /** The choice the reports were read from, for the filter bar: every policy domain and the whole span, and what is shown of them. */
  scope?: PreviewScope;
}

/** What the preview's filter bar offers and shows (reports/scope). */
export interface PreviewScope {
  /** Every policy domain of the reports read, sorted. */
  domains: string[];
  /** The span of every report read (unix seconds). */
  begin?: number;
  end?: number;
  /** The domains and dates shown (none: all). */
  applied: ReportScope;
  /** Reports outside it. */
  leftOut: number;
}

/** The most services and failing sources the preview lists (the page's tables). */
export const PREVIEW_SERVICES = 100;
export const PREVIEW_FAILING = 50;

export function previewModel(...args: Parameters<typeof previewSteps>): PreviewModel {
  return drain(previewSteps(...args));
}

/** previewModel, pausing for the event loop between slices of records (util/steps): the language server answers meanwhile. */
export function previewModelAsync(...args: Parameters<typeof previewSteps>): Promise<PreviewModel> {
  return sliced(previewSteps(...args));
}

function* previewSteps(
  all: readonly AggregateReport[],
  failures: { origin: string; message: string }[],
  failureReports: readonly FailureReport[] = [],
  workspace: { setUp?: SetUpOf; sourceOf?: SourceOf } = {},
  scope?: PreviewScope,
  /** The sources the configuration lists as not the owner's (reports.notOurs): shown, not counted against the next stage. */
  options: SummaryOptions = {},
): Generator<void, PreviewModel> {
  const { reports, duplicates } = dedupeReports(all);
  const summary = summarize(reports, options);
  yield;
  // No totals per source address: the page lists services and failing sources, and the records themselves.
  const stats = yield* reportStatsSteps(reports, { ...workspace, byIp: false });
  const rows: PreviewRow[] = [];
  let slice = 0;
  for (const r of reports)
    for (const rec of r.records) {
      if (++slice === RECORDS_PER_SLICE) {
        slice = 0;
        yield;
      }
      rows.push(rowOf(r, rec));
    }
  rows.sort((a, b) => b[1] - a[1]);
  const forensic: PreviewFailure[] = failureReports.map((f) => [
    f.arrivalDate ?? null,
    f.sourceIp ?? '',
    f.reportedDomain.join(', '),
    f.authFailure ?? f.feedbackType,
    f.originalMailFrom ?? '',
    f.original.from ?? '',
    f.original.subject ?? '',
    f.userAgent ?? f.reporter ?? '',
    f.origin,
  ]);
  forensic.sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0));
  // The page shows the first services and failing sources; a report of 100 000 sources has as many of each, which are counted, not sent.
  const more = stats.byService.length > PREVIEW_SERVICES || summary.failingSources.length > PREVIEW_FAILING ? { more: { services: stats.byService.length, failingSources: summary.failingSources.length } } : {};
  // The policy domains whose latest report saw the last stage.
  const last = [...byPolicyDomain(reports)].filter(([d, rs]) => d !== NO_DOMAIN && atLastStage(latestPolicy(rs))).map(([d]) => d);
  return {
    blockingShare: BLOCKING_SHARE,
    ...(last.length ? { atLastStage: last } : {}),
    summary: { ...summary, failingSources: summary.failingSources.slice(0, PREVIEW_FAILING) },
    failureReports: forensic,
    stats: { ...stats, byService: stats.byService.slice(0, PREVIEW_SERVICES) },
    ...more,
    reports: reports.map((r) => ({ origin: r.origin, schema: r.schema, orgName: r.metadata.orgName, reportId: r.metadata.reportId, begin: r.metadata.begin, end: r.metadata.end, policy: r.policy, records: r.records.length, problems: r.problems })),
    rows,
    failures: [...failures, ...failureReports.flatMap((f) => f.problems.map((message) => ({ origin: f.origin, message })))],
    ...verdicts(reports, summary, options),
    ...(duplicates.length ? { duplicates: duplicates.map((d) => ({ origin: d.origin, message: describeDuplicate(d) })) } : {}),
    ...(scope ? { scope } : {}),
  };
}

/** A record as the records table shows it (a function of its own: the generator's loop is not optimised as a whole). */
function rowOf(r: AggregateReport, rec: ReportRecord): PreviewRow {
  const auth = [...rec.dkimResults.map((d) => `dkim ${d.domain}${d.selector ? `/${d.selector}` : ''} ${d.result}`), ...rec.spfResults.map((x) => `spf ${x.domain} ${x.result}`)].join('; ');
  const pass = dmarcPasses(rec);
  const disagree = disagrees(rec, recompute(rec, r.policy, r.policy.domain));
  return [rec.sourceIp, rec.count, rec.disposition, rec.dkim, rec.spf, rec.headerFrom, auth, r.metadata.orgName, serviceOf(rec)?.name ?? '', (pass ? 1 : 0) | (disagree ? 2 : 0)];
}

/** The key of reports that name no policy domain. */
const NO_DOMAIN = '?';

/** Reports by the domain their policy was published for (NO_DOMAIN when none is named). */
function byPolicyDomain(reports: readonly AggregateReport[]): Map<string, AggregateReport[]> {
  const byDomain = new Map<string, AggregateReport[]>();
  for (const r of reports) {
    const d = r.policy.domain || NO_DOMAIN;
    const list = byDomain.get(d);
    if (list) list.push(r);
    else byDomain.set(d, [r]);
  }
  return byDomain;
}

/** The policy the latest of some reports (of one domain) saw: where its rollout stands now. */
function latestPolicy(reports: readonly AggregateReport[]): AggregateReport['policy'] {
  return reports.reduce((a, b) => ((b.metadata.end ?? 0) > (a.metadata.end ?? 0) ? b : a)).policy;
}

/** One verdict over the reports of one domain; one for each domain (most mail first) when they cover several. */
export function verdicts(reports: readonly AggregateReport[], summary: ReportSummary, options: SummaryOptions): Pick<PreviewModel, 'verdict' | 'verdicts'> {
  if (!reports.length) return {};
  if (summary.domains.length <= 1) return { verdict: verdict(summary, latestPolicy(reports)) };
  const out = [...byPolicyDomain(reports)].map(([domain, rs]) => {
    const s = summarize(rs, options);
    return { domain, messages: s.messages, text: verdict(s, latestPolicy(rs)) };
  });
  out.sort((a, b) => b.messages - a.messages || (a.domain < b.domain ? -1 : 1));
  return { verdicts: out };
}
