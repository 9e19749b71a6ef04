/**
 * DMARC failure reports (RFC 9991, in the Abuse Reporting Format of RFC 5965 and RFC 6591): the
 * `message/feedback-report` part of a `multipart/report` e-mail, with the headers of the message
 * that failed. Read tolerantly: fields in any case, folded lines, several Reported-Domain or
 * Authentication-Results fields, an original message given whole or as headers only.
 */

import { headerFields, splitHead } from './mime';

export interface FailureReport {
  origin: string;
  /** `auth-failure` for DMARC failure reports; ARF also carries `abuse`, `fraud` and others. */
  feedbackType: string;
  version?: string;
  userAgent?: string;
  /** `dmarc`, `dkim`, `spf`, `bodyhash`, `revoked`, `signature` (RFC 6591 §3.2.2). */
  authFailure?: string;
  /** Unix seconds, when the date could be read. */
  arrivalDate?: number;
  arrivalDateText?: string;
  sourceIp?: string;
  reportedDomain: string[];
  reportedUri: string[];
  originalMailFrom?: string;
  originalRcptTo?: string;
  originalEnvelopeId?: string;
  reportingMta?: string;
  authenticationResults: string[];
  deliveryResult?: string;
  identityAlignment?: string;
  dkimDomain?: string;
  dkimSelector?: string;
  dkimIdentity?: string;
  spfDns?: string;
  incidents: number;
  /** Who sent the report (its From), and when. */
  reporter?: string;
  reportDate?: string;
  /** Headers of the message that failed, as far as the report gives them. */
  original: { from?: string; to?: string; subject?: string; date?: string; messageId?: string };
  /** Whether the report carries the whole message (message/rfc822) or only its headers. */
  originalKind?: 'message' | 'headers';
  problems: string[];
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`) decoded; others left as written. */
export function decodeWords(s: string): string {
  return s.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?))?/g, (all, charset: string, enc: string, text: string) => {
    try {
      const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return new TextDecoder(charset.replace(/\*.*$/, '').toLowerCase(), { fatal: false }).decode(bytes);
    } catch {
      return all;
    }
  });
}


/**
 * Latest time taken as a report's date (aggregate and failure reports), in seconds: the end of year 9999.
 * A JavaScript date holds far more (to 8.64e15 ms), but past 9999 its ISO form has a six-digit signed
 * year, and every day key and date shown would break; no report is from then.
 */
export const LAST_REPORT_TIME = 253402300799;

function toUnix(date: string | undefined): number | undefined {
  if (!date) return undefined;
  // `(GMT)`, `(CEST)` comments and doubled spaces are what Date cannot read.
  const t = Date.parse(date.replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim());
  // No date before 1970 or after LAST_REPORT_TIME.
  return Number.isFinite(t) && t >= 0 && t <= LAST_REPORT_TIME * 1000 ? Math.floor(t / 1000) : undefined;
}

/** The address in `Name <addr>` or `<addr>`, or the text as written. */
function address(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const m = /<([^>]*)>/.exec(s);
  return (m ? m[1] : s).trim() || undefined;
}

/**
 * Reads a failure report from its parts: the `message/feedback-report` body, the part with the
 * original message or its headers (if any), and the headers of the report e-mail itself.
 */
export function readFailureReport(origin: string, feedback: string, original: { kind: 'message' | 'headers'; text: string } | undefined, outer: string): FailureReport {
  const fields = headerFields(feedback);
  const one = (name: string) => fields.find(([n]) => n === name)?.[1];
  const all = (name: string) => fields.filter(([n]) => n === name).map(([, v]) => v);
  const problems: string[] = [];
  const feedbackType = (one('feedback-type') ?? '').toLowerCase();
  if (!feedbackType) problems.push('the feedback report has no Feedback-Type field (RFC 5965 §3.1)');
  else if (feedbackType !== 'auth-failure') problems.push(`Feedback-Type is \`${feedbackType}\`: an ARF report, but not a DMARC failure report (those are \`auth-failure\`, RFC 6591 §3.1)`);
  const arrivalDateText = one('arrival-date') ?? one('received-date');
  const arrivalDate = toUnix(arrivalDateText);
  if (arrivalDateText && arrivalDate === undefined) problems.push(`Arrival-Date \`${arrivalDateText}\` is not a date`);
  const sourceIp = one('source-ip')?.split(/\s/)[0];
  const incidents = Number(one('incidents') ?? '1');
  const report: FailureReport = {
    origin,
    feedbackType: feedbackType || 'unknown',
    version: one('version'),
    userAgent: one('user-agent'),
    authFailure: one('auth-failure')?.toLowerCase(),
    arrivalDate,
    arrivalDateText,
    sourceIp,
    reportedDomain: all('reported-domain').map((d) => d.toLowerCase().replace(/\.$/, '')),
    reportedUri: all('reported-uri'),
    originalMailFrom: one('original-mail-from'),
    originalRcptTo: one('original-rcpt-to'),
    originalEnvelopeId: one('original-envelope-id'),
    reportingMta: one('reporting-mta'),
    authenticationResults: all('authentication-results'),
    deliveryResult: one('delivery-result')?.toLowerCase(),
    identityAlignment: one('identity-alignment')?.toLowerCase(),
    dkimDomain: one('dkim-domain'),
    dkimSelector: one('dkim-selector'),
    dkimIdentity: one('dkim-identity'),
    spfDns: one('spf-dns'),
    incidents: Number.isInteger(incidents) && incidents > 0 ? incidents : 1,
    original: {},
    problems,
  };
  if (feedbackType === 'auth-failure' && report.reportedDomain.length === 0) problems.push('no Reported-Domain field: which domain failed is not said (RFC 6591 §3.1 requires it)');
  if (feedbackType === 'auth-failure' && !report.authFailure) problems.push('no Auth-Failure field (RFC 6591 §3.1 requires it)');
  const outerFields = headerFields(splitHead(outer).head);
  const outerOne = (name: string) => outerFields.find(([n]) => n === name)?.[1];
  report.reporter = address(outerOne('from'));
  report.reportDate = outerOne('date');
  if (original) {
    const o = headerFields(original.kind === 'message' ? splitHead(original.text).head : original.text);
    const get = (name: string) => {
      const v = o.find(([n]) => n === name)?.[1];
      return v === undefined ? undefined : decodeWords(v);
    };
    report.original = { from: get('from'), to: get('to'), subject: get('subject'), date: get('date'), messageId: get('message-id') };
    report.originalKind = original.kind;
  } else {
    problems.push('the report has no copy of the failed message or its headers');
  }
  return report;
}

/** One line about a failure report, for text output. */
export function describeFailure(r: FailureReport): string {
  const what = r.authFailure ?? r.feedbackType;
  const domains = r.reportedDomain.join(', ') || '?';
  const when = r.arrivalDate !== undefined ? new Date(r.arrivalDate * 1000).toISOString().replace('.000Z', 'Z') : (r.arrivalDateText ?? 'no arrival date');
  const from = r.original.from ? `, From: ${r.original.from}` : '';
  const subject = r.original.subject !== undefined ? `, Subject: ${JSON.stringify(r.original.subject)}` : '';
  return `failure report (${what}) for ${domains} from ${r.userAgent ?? r.reporter ?? 'an unnamed reporter'}: ${r.sourceIp ?? 'unknown source'} at ${when}${r.originalMailFrom ? `, MAIL FROM ${r.originalMailFrom}` : ''}${from}${subject}${r.incidents > 1 ? ` (${r.incidents} incidents)` : ''}`;
}
