/**
 * Aggregate reports as CSV (RFC 4180): one row per report record, for a spreadsheet or a data tool
 * (`dmarc-lens report --format csv`). Report fields come from whoever sent the report, so a cell that a
 * spreadsheet would run as a formula (`=…`, `+…`, `@…`) is written as text (a leading `'`, as OWASP
 * advises against CSV injection). No editor types.
 */
import { dmarcPasses, type AggregateReport } from './aggregate';
import { serviceOf } from './stats';

export const CSV_COLUMNS = [
  'file',
  'reporter',
  'report_id',
  'begin',
  'end',
  'policy_domain',
  'policy',
  'source_ip',
  'count',
  'disposition',
  'dkim',
  'spf',
  'dmarc',
  'header_from',
  'envelope_from',
  'dkim_results',
  'spf_results',
  'service',
  'reasons',
] as const;

/** One cell: quoted when it holds a quote, comma or line break; a would-be formula made text. */
export function csvCell(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+@\t\r]/.test(s) || (/^-/.test(s) && !/^-?\d+(\.\d+)?$/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const iso = (t?: number) => (t === undefined ? '' : new Date(t * 1000).toISOString());

/** The records of the reports as CSV, header first, lines ending CRLF as RFC 4180 writes them. */
export function reportsCsv(reports: readonly AggregateReport[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of reports) {
    const policy = (['p', 'sp', 'np', 'adkim', 'aspf', 'pct', 'testing'] as const)
      .filter((k) => r.policy[k] !== undefined && r.policy[k] !== '')
      .map((k) => `${k === 'testing' ? 't' : k}=${r.policy[k]}`)
      .join('; ');
    for (const rec of r.records) {
      const row = [
        r.origin,
        r.metadata.orgName,
        r.metadata.reportId,
        iso(r.metadata.begin),
        iso(r.metadata.end),
        r.policy.domain,
        policy,
        rec.sourceIp,
        rec.count,
        rec.disposition,
        rec.dkim,
        rec.spf,
        dmarcPasses(rec) ? 'pass' : 'fail',
        rec.headerFrom,
        rec.envelopeFrom,
        rec.dkimResults.map((d) => `${d.domain}${d.selector ? `/${d.selector}` : ''}:${d.result}`).join('; '),
        rec.spfResults.map((x) => `${x.domain}${x.scope ? `(${x.scope})` : ''}:${x.result}`).join('; '),
        serviceOf(rec)?.name,
        rec.reasons.map((x) => `${x.type}${x.comment ? ` (${x.comment})` : ''}`).join('; '),
      ];
      lines.push(row.map(csvCell).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
