/**
 * The DNS data of an SPF test scenario served as pyspf's test driver serves the RFC 7208 suite's
 * `zonedata` (testspf.py): type SPF records also served as TXT unless the name lists TXT records, `NONE`
 * suppresses that, `TIMEOUT` makes a query with no answer before it time out; CNAMEs followed.
 */
import type { DnsAnswer, Resolver, RRType } from '../../server/src/dns/types';

type Entry = 'TIMEOUT' | { type: string; value: string };

export function zonedataResolver(zonedata: Record<string, unknown[]>): Resolver {
  const zone = new Map<string, Entry[]>();
  for (const [name, list] of Object.entries(zonedata ?? {})) {
    const entries: Entry[] = [];
    const generated: Entry[] = [];
    let gen = true;
    for (const item of list ?? []) {
      if (item === 'TIMEOUT') {
        entries.push('TIMEOUT');
        continue;
      }
      for (const [type, raw] of Object.entries(item as Record<string, unknown>)) {
        if (type === 'TXT') gen = false;
        const value = Array.isArray(raw) ? (type === 'MX' ? `${raw[0]} ${raw[1]}` : raw.join('')) : String(raw);
        if (type === 'SPF' && gen) generated.push({ type: 'TXT', value });
        if (raw !== 'NONE') entries.push({ type, value });
      }
    }
    if (gen) entries.push(...generated);
    zone.set(name.toLowerCase().replace(/\.$/, ''), entries);
  }
  const resolve = async (name: string, type: RRType, depth = 0): Promise<DnsAnswer> => {
    const entries = zone.get(name.toLowerCase().replace(/\.$/, ''));
    if (!entries) return { status: 'nxdomain', source: 'zonedata' };
    const records: string[] = [];
    for (const e of entries) {
      if (e === 'TIMEOUT') {
        if (records.length === 0) return { status: 'error', message: 'timeout', source: 'zonedata' };
        break;
      }
      if (e.type === 'CNAME' && type !== 'PTR') {
        if (depth > 10) return { status: 'error', message: 'CNAME loop', source: 'zonedata' };
        return resolve(e.value, type, depth + 1);
      }
      if (e.type === type) records.push(e.value);
    }
    return records.length ? { status: 'ok', records, source: 'zonedata' } : { status: 'nodata', source: 'zonedata' };
  };
  return { resolve: (n, t) => resolve(n, t) };
}

