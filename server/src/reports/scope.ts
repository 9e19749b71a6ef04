/**
 * Which reports a summary covers: the policy domains and the span of dates asked for (`report --domain
 * --since --until`, the preview's filter bar). One definition for every front end, so the CLI's totals
 * and the panel's agree on the same question.
 */
import type { AggregateReport } from './aggregate';
import type { FailureReport } from './failure';

export interface ReportScope {
  /** Policy domains (any case, with or without the trailing dot); none or empty: all of them. */
  domains?: readonly string[];
  /** Unix seconds: reports whose dates reach this far (their end, or begin when they give no end). */
  since?: number;
  /** Unix seconds: reports whose dates begin by then. */
  until?: number;
}

/** What a scope left in and out, and what there was to choose from (the filter bar's choices). */
export interface ScopeOutcome<A, F> {
  reports: A[];
  failureReports: F[];
  /** Reports (aggregate and failure) outside the scope. */
  leftOut: number;
  /** Every policy domain of the reports read, before the scope (aggregate reports' first, then failure reports'), sorted. */
  domains: string[];
  /** The span of all the reports read (unix seconds), before the scope. */
  begin?: number;
  end?: number;
}

const bare = (d: string) => d.trim().toLowerCase().replace(/\.$/, '');

/** Whether a scope asks for anything (a domain or a date). */
export function scoped(scope: ReportScope | undefined): boolean {
  return !!scope && ((scope.domains?.length ?? 0) > 0 || scope.since !== undefined || scope.until !== undefined);
}

/**
 * The reports within a scope. A report overlaps the span when it ends on or after `since` and begins on
 * or before `until`; a report without dates is left out when a span is asked for (it cannot be placed).
 * A failure report belongs to a domain it names (reported-domain) and is dated by its arrival.
 */
export function applyScope<A extends Pick<AggregateReport, 'policy' | 'metadata'>, F extends Pick<FailureReport, 'reportedDomain' | 'arrivalDate'>>(
  reports: readonly A[],
  failureReports: readonly F[],
  scope: ReportScope | undefined,
): ScopeOutcome<A, F> {
  const all = new Set<string>();
  let begin: number | undefined;
  let end: number | undefined;
  const span = (b?: number, e?: number) => {
    const from = b ?? e;
    const to = e ?? b;
    if (from !== undefined && (begin === undefined || from < begin)) begin = from;
    if (to !== undefined && (end === undefined || to > end)) end = to;
  };
  for (const r of reports) {
    if (r.policy.domain) all.add(bare(r.policy.domain));
    span(r.metadata.begin, r.metadata.end);
  }
  for (const f of failureReports) {
    for (const d of f.reportedDomain) if (d) all.add(bare(d));
    span(f.arrivalDate, f.arrivalDate);
  }
  const domains = [...all].sort();
  if (!scoped(scope)) return { reports: [...reports], failureReports: [...failureReports], leftOut: 0, domains, begin, end };
  const wantedDomains = scope!.domains?.length ? new Set(scope!.domains.map(bare).filter(Boolean)) : undefined;
  const { since, until } = scope!;
  const wanted = (names: readonly string[], b: number | undefined, e: number | undefined) =>
    (!wantedDomains || names.some((d) => wantedDomains.has(bare(d)))) &&
    (since === undefined || ((e ?? b) !== undefined && (e ?? b)! >= since)) &&
    (until === undefined || ((b ?? e) !== undefined && (b ?? e)! <= until));
  const kept = reports.filter((r) => wanted([r.policy.domain], r.metadata.begin, r.metadata.end));
  const keptFailures = failureReports.filter((f) => wanted(f.reportedDomain, f.arrivalDate, f.arrivalDate));
  return { reports: kept, failureReports: keptFailures, leftOut: reports.length - kept.length + failureReports.length - keptFailures.length, domains, begin, end };
}

/**
 * A date the user gave as unix seconds: `2026-11-01` (UTC: its first second, or with `end` its last),
 * or a number of days back from `now` (`30d`); undefined when it is neither (or not a calendar day).
 */
export function whenOf(v: string, end: boolean, now = Date.now()): number | undefined {
  const days = /^(\d{1,5})d$/.exec(v);
  if (days) return Math.floor(now / 1000) - Number(days[1]) * 86400;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-30 over into March: such a date is not one.
  if (new Date(t).toISOString().slice(0, 10) !== v) return undefined;
  return t / 1000 + (end ? 86399 : 0);
}

/** A scope as a client sent it, with only what is well formed kept (a page's message is not trusted blindly). */
export function scopeFrom(s: unknown): ReportScope | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const { domains, since, until } = s as Record<string, unknown>;
  const time = (t: unknown) => (typeof t === 'number' && Number.isFinite(t) ? t : undefined);
  const out: ReportScope = {
    domains: Array.isArray(domains) ? domains.filter((d): d is string => typeof d === 'string' && d.trim() !== '').slice(0, 1000) : undefined,
    since: time(since),
    until: time(until),
  };
  return scoped(out) ? out : undefined;
}

/** A scope as the command line would ask for it: `--domain a.example --since 2026-11-01` (for "N reports outside … left out"). */
export function describeScope(scope: ReportScope): string {
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  return [
    scope.domains?.length ? `--domain ${scope.domains.map(bare).join(',')}` : '',
    scope.since !== undefined ? `--since ${day(scope.since)}` : '',
    scope.until !== undefined ? `--until ${day(scope.until)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
