/**
 * The DKIM keys a domain publishes, asked of DNS (or of the workspace, or both): the CLI's `dkim`
 * command. DNS cannot list a domain's selectors, so without `--selector` the names are probed: every
 * selector the bundled provider catalog knows (Google's `google`, Mailchimp's `k1`, Microsoft 365's
 * `selector1`…) and a few names self-hosted signers use. All are asked at once. Each key found is
 * decoded (type, size) and checked by the same record rules as a key written in a zone file.
 */
import type { DnsAnswer, Resolver } from './dns/types';
import { looksLikeDkim, parseDkim } from './records/dkim';
import { providerForDkimTarget, providerForSelector, providers } from './senders/catalog';
import { recordFindings, asDomain, type RecordFinding } from './dmarcLookup';

/** Names self-hosted signers and mail servers use (OpenDKIM, rspamd, Postfix guides, cPanel, Exim), probed beside the catalog's. */
const COMMON_SELECTORS = ['default', 'dkim', 'mail', 'key1', 'key2', 'smtp', 'email', 'selector', 'dk', 'x', 'sig1', 'mx', 'everlytickey1', 'everlytickey2', 'cm'];

export interface DkimSelectorResult {
  selector: string;
  /** `<selector>._domainkey.<domain>`. */
  name: string;
  answer: DnsAnswer;
  /** The key record there (the TXT that reads as DKIM), when one is. */
  record?: string;
  /** Other TXT records there (a wildcard's SPF record, say). */
  other: string[];
  /** Several TXT records that read as DKIM: verifiers may pick either. */
  several: boolean;
  key?: { type?: string; bits?: number; encoding?: string; error?: string; revoked: boolean };
  testing: boolean;
  /** The platform that publishes the key: the one the selector's CNAME target belongs to, else the one the selector name points to (catalog), when it is not a generic name. */
  provider?: string;
  /** Where the selector's CNAME chain leads (the name that holds the key, or lacks it), when it is one. */
  cname?: string;
  /** The aggregate reports show mail signed with this selector (d= the domain). */
  seen?: boolean;
  findings: RecordFinding[];
}

export interface DkimLookup {
  domain: string;
  /** Selectors were probed (none given). */
  probed: boolean;
  asked: number;
  /** Selectors with a key record. */
  found: DkimSelectorResult[];
  /** Selectors asked that hold no key (only reported for the selectors given with --selector, or that failed). */
  missing: DkimSelectorResult[];
  /** Probing offline: selectors the workspace does not define (not listed one by one). */
  unknown: number;
  /** Queries that failed. */
  problems: string[];
  /** Probing: selectors asked because the aggregate reports show them signing, beyond the known ones. */
  fromReports?: number;
}

/** The selectors probed when none is given: the catalog's and the common ones, each once, in a stable order. */
export function probeSelectors(): string[] {
  const out = new Set<string>();
  for (const p of providers) for (const s of p.dkimSelectors ?? []) out.add(s.toLowerCase());
  for (const s of COMMON_SELECTORS) out.add(s);
  return [...out];
}

/** A selector is one or more labels (RFC 6376 §3.1: `selector = sub-domain *( "." sub-domain )`). */
export function isSelector(s: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*$/.test(s) && s.length <= 200;
}

/** A key's own name pasted for the domain (`s1._domainkey.example.com`): its selector and domain; else the input as the domain. */
export function dkimTarget(input: string): { domain: string; selector?: string } {
  const s = input.trim();
  const m = /^(.+?)\._domainkey\.(.+)$/i.exec(s);
  return m ? { domain: m[2], selector: m[1] } : { domain: s };
}

/**
 * The keys of `from` at `selectors`, or probed. `seen`: selectors the aggregate reports show mail signed
 * with for the domain, probed beside the known ones, and listed when they hold no key (that mail fails DKIM).
 */
export async function lookupDkim(from: string, resolver: Resolver, selectors?: string[], seen: readonly string[] = []): Promise<DkimLookup> {
  const domain = asDomain(from);
  if (!domain) throw new Error(`not a domain name: "${from}"`);
  for (const s of selectors ?? []) if (!isSelector(s)) throw new Error(`not a DKIM selector: "${s}"`);
  const probed = !selectors?.length;
  const inReports = new Set(seen.map((s) => s.toLowerCase()).filter(isSelector));
  const known = probeSelectors();
  const asked = probed ? [...new Set([...known, ...inReports])] : [...new Set(selectors!.map((s) => s.toLowerCase()))];
  const fromReports = probed ? asked.length - known.length : 0;
  const results = await Promise.all(
    asked.map(async (selector): Promise<DkimSelectorResult> => {
      const name = `${selector}._domainkey.${domain}`;
      const answer = await resolver.resolve(name, 'TXT');
      const txt = answer.status === 'ok' ? answer.records : [];
      const keys = txt.filter((t) => looksLikeDkim(t));
      // A selector delegated by CNAME (Microsoft 365, SendGrid, SES…): the target names the platform, whatever the selector is called.
      const cname = answer.status !== 'error' ? answer.aliases?.[answer.aliases.length - 1] : undefined;
      const provider = (cname !== undefined ? providerForDkimTarget(cname) : undefined) ?? providerForSelector(selector);
      const r: DkimSelectorResult = { selector, name, answer, other: txt.filter((t) => !looksLikeDkim(t)), several: keys.length > 1, testing: false, provider: provider?.name, findings: [], ...(cname !== undefined ? { cname } : {}), ...(inReports.has(selector) ? { seen: true } : {}) };
      if (keys.length) {
        const record = keys[0];
        const parsed = parseDkim(record);
        const p = parsed.byName.get('p');
        const revoked = p !== undefined && p.value.trim() === '';
        r.record = record;
        r.key = { type: parsed.key?.type, bits: parsed.key?.bits, encoding: parsed.key?.encoding, error: revoked ? undefined : (parsed.key?.error ?? (p ? undefined : 'no p= tag')), revoked };
        r.testing = /(^|:)\s*y\s*(:|$)/i.test(parsed.byName.get('t')?.value ?? '');
        r.findings = recordFindings(name, record);
      }
      return r;
    }),
  );
  // Listed by selector name (the probe order is the catalog's, which means nothing to a reader).
  if (probed) results.sort((a, b) => (a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : 0));
  const problems = results.filter((r) => r.answer.status === 'error' && r.answer.source !== 'offline').map((r) => `${r.name}: ${(r.answer as { message: string }).message}`);
  return {
    domain,
    probed,
    asked: asked.length,
    found: results.filter((r) => r.record !== undefined),
    // Probing, a name the workspace does not define is counted, not listed; one it leads elsewhere (a CNAME out of it) is listed.
    // A selector that is a CNAME to a name without a key (a platform's signing not turned on yet) is listed too.
    missing: results.filter((r) => r.record === undefined && (!probed || r.seen || r.other.length > 0 || r.cname !== undefined || (r.answer.status === 'error' && (r.answer.source !== 'offline' || / is a CNAME to /.test(r.answer.message))))),
    unknown: probed ? results.filter((r) => !r.seen && r.answer.status === 'error' && r.answer.source === 'offline' && !/ is a CNAME to /.test(r.answer.message)).length : 0,
    problems,
    ...(fromReports ? { fromReports } : {}),
  };
}

function describeKey(r: DkimSelectorResult): string {
  const k = r.key!;
  if (k.revoked) return 'revoked (empty p=)';
  if (k.error) return `not a usable key: ${k.error}`;
  return `${k.type === 'ed25519' ? 'Ed25519' : `RSA ${k.bits} bits`}${k.encoding === 'pkcs1' ? ' (PKCS#1)' : ''}`;
}

function describeMissing(r: DkimSelectorResult): string {
  const a = r.answer;
  if (a.status === 'error') return a.source === 'offline' ? `not known (${a.message})` : `error: ${a.message}`;
  if (r.other.length) return `no DKIM key; TXT there: ${r.other[0].length > 80 ? `${r.other[0].slice(0, 77)}…` : r.other[0]}`;
  const none = a.status === 'ok' ? 'no DKIM key' : `no key (${a.status === 'nxdomain' ? 'NXDOMAIN' : 'no TXT record'}${r.cname ? ` at ${r.cname}` : ''})`;
  // The selector is delegated, but the target has no key: signing at that platform is not set up (or was turned off).
  return r.cname ? `${none}: a CNAME to ${r.cname}${r.provider ? ` (${r.provider})` : ''}, which publishes no key: mail signed with this selector fails DKIM` : none;
}

export function formatDkimLookup(r: DkimLookup): string {
  const lines: string[] = [];
  const how = r.probed ? `of ${r.asked} selectors probed: those the provider catalog knows and common ones${r.fromReports ? `, and ${r.fromReports} more the aggregate reports show signing` : ''} (DNS cannot list a domain's selectors; give --selector for others)` : `of ${r.asked} selector${r.asked === 1 ? '' : 's'} asked`;
  lines.push(`${r.domain}: ${r.found.length} DKIM key${r.found.length === 1 ? '' : 's'} found ${how}`);
  const width = Math.max(0, ...[...r.found, ...r.missing].map((x) => x.name.length));
  for (const f of r.found) {
    lines.push(`  ${f.name.padEnd(width)}  ${describeKey(f)}${f.testing ? ', t=y (testing)' : ''}${f.provider || f.cname || f.seen ? `  (${[f.provider, f.cname && `by CNAME to ${f.cname}`, f.seen && 'seen in the reports'].filter(Boolean).join(', ')})` : ''}${f.several ? '  — several key records here: verifiers may use either' : ''}`);
    for (const x of f.findings) lines.push(`    ${x.severity} ${x.rule} ${x.message}`);
  }
  for (const m of r.missing) lines.push(`  ${m.name.padEnd(width)}  ${describeMissing(m)}${m.seen ? '  (the aggregate reports show mail signed with it)' : ''}`);
  if (r.unknown) lines.push(`  ${r.unknown} of the selectors probed are not known offline (the workspace does not define them)`);
  for (const p of r.problems) lines.push(`  temperror: ${p}`);
  return lines.join('\n') + '\n';
}

export function dkimLookupJson(r: DkimLookup): object {
  const row = (x: DkimSelectorResult) => ({
    selector: x.selector,
    name: x.name,
    status: x.answer.status,
    record: x.record ?? null,
    key: x.key ?? null,
    testing: x.testing,
    provider: x.provider ?? null,
    cname: x.cname ?? null,
    seenInReports: x.seen ?? false,
    several: x.several,
    other: x.other,
    message: x.answer.status === 'error' ? x.answer.message : null,
    source: x.answer.source,
    findings: x.findings,
  });
  return { domain: r.domain, probed: r.probed, asked: r.asked, found: r.found.map(row), missing: r.missing.map(row), unknown: r.unknown, problems: r.problems };
}
