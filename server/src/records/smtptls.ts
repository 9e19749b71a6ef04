/**
 * The two TXT records of SMTP transport security, kept next to DMARC in the same zones: the SMTP TLS
 * Reporting policy at `_smtp._tls.<domain>` (RFC 8460 §3: `v=TLSRPTv1; rua=<mailto: or https: URIs>`)
 * and the MTA-STS record at `_mta-sts.<domain>` (RFC 8461 §3.1: `v=STSv1; id=<1 to 32 letters and
 * digits>`). Both are tag lists (`;`-separated `name=value`), parsed with the shared tag-list parser.
 */
import { parseTagRecord, type TagRecord } from './taglist';

export type SmtpTlsRecord = TagRecord;

export const parseSmtpTls: (value: string) => SmtpTlsRecord = parseTagRecord;

/** Where each record goes: the label pair in front of the policy domain. */
export const TLSRPT_OWNER = /(^|\.)_smtp\._tls(\.|$)/;
export const MTA_STS_OWNER = /(^|\.)_mta-sts(\.|$)/;

/** The policy domain of a `_smtp._tls.<domain>` (TLS-RPT) or `_mta-sts.<domain>` (MTA-STS) name; undefined for any other name. */
export function policyDomainOf(kind: 'tlsrpt' | 'mta-sts', owner: string): string | undefined {
  const prefix = kind === 'tlsrpt' ? '_smtp._tls.' : '_mta-sts.';
  return owner.startsWith(prefix) && owner.length > prefix.length ? owner.slice(prefix.length) : undefined;
}

/** A value that starts as a TLS-RPT record, in any case. */
export function looksLikeTlsRpt(value: string): boolean {
  return /^\s*v\s*=\s*tlsrptv1\s*(;|$)/i.test(value);
}

/** A value that starts as an MTA-STS record, in any case. */
export function looksLikeMtaSts(value: string): boolean {
  return /^\s*v\s*=\s*stsv1\s*(;|$)/i.test(value);
}
