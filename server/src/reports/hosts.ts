/**
 * The host names of a report's source addresses, as DNS gives them: the PTR record of each address
 * (RFC 1035 §3.5, RFC 3596 §2.5), said to be confirmed when that name's own A/AAAA records hold the
 * address again (forward-confirmed reverse DNS: whoever runs an address's reverse zone can name it
 * anything, `mail.google.com` included, but cannot make google.com's zone agree). Most mail first, a
 * bounded number of sources within a time budget, so a report of 100 000 sources or a resolver with no
 * network answers in time with what it has.
 */
import type { Resolver } from '../dns/types';
import { parseIp, reverseName } from '../spf/evaluator';
import type { AggregateReport } from './aggregate';
import { platformOf } from './stats';
import { within } from '../util/within';

export interface SourceHost {
  /** The first name of the address's PTR answer, lower case, without the final dot. */
  name: string;
  /** Whether the name's A/AAAA records hold the address. */
  confirmed: boolean;
  /** The sending platform of the catalog whose host names (or domains) the name is under, when it is confirmed: a source reports name by no DKIM or SPF domain of its own. */
  platform?: string;
}

export interface SourceHosts {
  hosts: Record<string, SourceHost>;
  /** Source addresses asked (at most `max`, by volume). */
  asked: number;
  /** Of those, how many have no PTR record (NXDOMAIN or NODATA). */
  unnamed: number;
  /** Of those, how many got no answer (temporary errors, offline, the budget run out). */
  unanswered: number;
  /** Why the first of those got none, when DNS said (offline, a timeout, SERVFAIL). */
  error?: string;
}

export const MAX_SOURCE_HOSTS = 200;

export async function sourceHosts(reports: readonly AggregateReport[], resolver: Resolver, options: { max?: number; budgetMs?: number } = {}): Promise<SourceHosts> {
  const volume = new Map<string, number>();
  for (const r of reports) for (const rec of r.records) if (rec.sourceIp) volume.set(rec.sourceIp, (volume.get(rec.sourceIp) ?? 0) + rec.count);
  const ips = [...volume.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.max ?? MAX_SOURCE_HOSTS)
    .map(([ip]) => ip);
  // Answers as they come; what comes after the budget is not said (one snapshot, taken then).
  const found = new Map<string, SourceHost>();
  const unnamed = new Set<string>();
  let error: string | undefined;
  const one = async (text: string) => {
    const ip = parseIp(text);
    if (!ip) return;
    const ptr = await resolver.resolve(reverseName(ip), 'PTR');
    if (ptr.status !== 'ok' || ptr.records.length === 0) {
      if (ptr.status !== 'error') unnamed.add(text);
      else error ??= ptr.message;
      return;
    }
    const name = ptr.records[0].toLowerCase().replace(/\.$/, '');
    const fwd = await resolver.resolve(name, ip.v === 4 ? 'A' : 'AAAA');
    const confirmed = fwd.status === 'ok' && fwd.records.some((a) => parseIp(a)?.bytes.join('.') === ip.bytes.join('.'));
    // Only a confirmed name says whose server it is: anyone can write `mail.google.com` into the reverse zone of their address.
    const platform = confirmed ? platformOf(name)?.name : undefined;
    found.set(text, platform ? { name, confirmed, platform } : { name, confirmed });
  };
  await within(Promise.all(ips.map((ip) => one(ip).catch(() => undefined))), options.budgetMs ?? 4000);
  const out: SourceHosts = { hosts: {}, asked: ips.length, unnamed: 0, unanswered: 0 };
  for (const ip of ips) {
    const h = found.get(ip);
    if (h) out.hosts[ip] = h;
    else if (unnamed.has(ip)) out.unnamed++;
    else out.unanswered++;
  }
  if (out.unanswered) out.error = error ?? `no answer within ${options.budgetMs ?? 4000} ms`;
  return out;
}
