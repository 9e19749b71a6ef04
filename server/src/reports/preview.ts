/**
 * The report preview's model, built once by the engine for every front end (the VS Code panel, the
 * CLI's `--format html` and the tests): summary, statistics, the rollout verdict, and one compact
 * row per report record (arrays, so 100 000 rows stay a few megabytes of JSON).
 */
import { verdict } from '../rollout';
import { summarize, type AggregateReport, type ReportSummary } from './aggregate';
import { disagrees, recompute, reportStats, serviceOf, type ReportStats } from './stats';

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

export interface PreviewModel {
  summary: ReportSummary;
  stats: ReportStats;
  reports: PreviewReport[];
  rows: PreviewRow[];
  failures: { origin: string; message: string }[];
  verdict?: string;
}

export function previewModel(reports: readonly AggregateReport[], failures: { origin: string; message: string }[]): PreviewModel {
  const summary = summarize(reports);
  const stats = reportStats(reports);
  const rows: PreviewRow[] = [];
  for (const r of reports)
    for (const rec of r.records) {
      const auth = [...rec.dkimResults.map((d) => `dkim ${d.domain}${d.selector ? `/${d.selector}` : ''} ${d.result}`), ...rec.spfResults.map((x) => `spf ${x.domain} ${x.result}`)].join('; ');
      const pass = rec.dkim === 'pass' || rec.spf === 'pass';
      const disagree = disagrees(rec, recompute(rec, r.policy, r.policy.domain));
      rows.push([rec.sourceIp, rec.count, rec.disposition, rec.dkim, rec.spf, rec.headerFrom, auth, r.metadata.orgName, serviceOf(rec)?.name ?? '', (pass ? 1 : 0) | (disagree ? 2 : 0)]);
    }
  rows.sort((a, b) => b[1] - a[1]);
  return {
    summary,
    stats,
    reports: reports.map((r) => ({ origin: r.origin, schema: r.schema, orgName: r.metadata.orgName, reportId: r.metadata.reportId, begin: r.metadata.begin, end: r.metadata.end, policy: r.policy, records: r.records.length, problems: r.problems })),
    rows,
    failures,
    verdict: reports.length ? verdict(summary) : undefined,
  };
}
