/**
 * External report destinations by DNS (RFC 7489 §7.1, kept by RFC 9990 §3): a `rua`/`ruf` address on
 * another Organizational Domain than the policy's gets reports only when that domain publishes
 * `<domain>._report._dmarc.<destination>` TXT starting `v=DMARC1` (a report service publishes
 * `*._report._dmarc.<its domain>` for all its customers). The model rule
 * `dmarc/external-reports-not-authorized` judges destinations the workspace defines; this asks DNS
 * (through the resolver chain: workspace zones, live DNS, nothing offline) about the others.
 */
import { mailtoHost, parseReportUris } from '../records/dmarc';
import type { DnsAnswer, Resolver } from '../dns/types';
import type { FindingSink } from '../service';
import { orgDomain } from '../senders/treewalk';
import type { OffsetRange } from '../types';
import type { AnalyzedSite } from './rule';
import { authorizationName } from './walk';

export const RULE = 'dmarc/external-reports-not-authorized';

export interface ExternalDestination {
  site: AnalyzedSite;
  /** The domain the policy is for (the `_dmarc` owner without `_dmarc.`). */
  domain: string;
  tag: 'rua' | 'ruf';
  /** The URI, in the record value. */
  range: OffsetRange;
  address: string;
  host: string;
}

/**
 * The `mailto:` destinations of DMARC records on another Organizational Domain (public suffix list)
 * whose host `defined` says the workspace does not hold: only DNS can tell whether they authorise.
 * `answerable` leaves out the hosts nothing could answer for (offline, those outside the zones the
 * workspace holds whole).
 */
export function externalDestinations(sites: readonly AnalyzedSite[], defined: (host: string) => boolean, answerable: (host: string) => boolean = () => true): ExternalDestination[] {
  const out: ExternalDestination[] = [];
  for (const s of sites) {
    const owner = s.site.owner;
    if (!s.dmarc || !owner?.startsWith('_dmarc.') || s.site.relative || s.site.alternative) continue;
    const domain = owner.slice('_dmarc.'.length);
    for (const tag of ['rua', 'ruf'] as const) {
      const t = s.dmarc.byName.get(tag);
      if (!t) continue;
      for (const u of parseReportUris(t)) {
        const m = mailtoHost(u);
        if (!m) continue;
        const { address, host } = m;
        if (!answerable(host) || defined(host) || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) || orgDomain(host) === orgDomain(domain)) continue;
        out.push({ site: s, domain, tag, range: u.range, address, host });
      }
    }
  }
  return out;
}

/**
 * What DNS answered at an authorisation name (RFC 9990 §3): the reports are authorised (a TXT record
 * starting `v=DMARC1`), or not and what is there instead; undefined when the query failed (not known).
 */
export function readAuthorization(a: DnsAnswer): { authorized: true } | { authorized: false; what: string } | undefined {
  if (a.status === 'error') return undefined;
  if (a.status === 'ok' && a.records.some((v) => /^v=DMARC1/.test(v))) return { authorized: true };
  const what = a.status === 'ok' ? `has TXT records, none starting \`v=DMARC1\` (${a.records.slice(0, 2).map((v) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)).join(', ')})` : a.status === 'nxdomain' ? 'does not exist' : 'has no TXT record';
  return { authorized: false, what };
}

/**
 * Asks for the authorisation of each destination (once per domain and host) and adds a finding where
 * DNS answers that there is none. A temporary error, or no answer offline, says nothing: it is not known.
 */
export async function checkDestinations(destinations: readonly ExternalDestination[], resolver: Resolver, sink: FindingSink): Promise<void> {
  const asked = new Map<string, Promise<string | undefined>>();
  const why = (name: string) => {
    let p = asked.get(name);
    if (!p) {
      p = resolver.resolve(name, 'TXT').then(
        (a) => {
          const r = readAuthorization(a);
          return r?.authorized === false ? `${r.what} (${a.source})` : undefined;
        },
        () => undefined,
      );
      asked.set(name, p);
    }
    return p;
  };
  await Promise.all(
    destinations.map(async (d) => {
      const name = authorizationName(d.domain, d.host);
      const missing = await why(name);
      if (missing === undefined) return;
      sink.add(
        RULE,
        d.site.site.uri,
        d.site.site.map.toDocRange(d.range),
        `Reports for ${d.domain} go to ${d.address}, on another domain, and DNS holds no authorisation for them: ${name} ${missing}. Receivers look for a TXT record starting \`v=DMARC1\` there and, without it, send no ${d.tag === 'rua' ? 'aggregate' : 'failure'} reports to ${d.host} (RFC 9990 §3, RFC 7489 §7.1). Ask whoever runs ${d.host} to publish it (a report service publishes \`*._report._dmarc.${d.host}\` for all its customers), or send the reports to an address on ${d.domain}.`,
      );
    }),
  );
}
