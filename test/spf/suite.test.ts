/**
 * Conformance: every case of the official RFC 7208 SPF test suite (openspf.org, as shipped with pyspf),
 * evaluated offline against its own `zonedata`, the way pyspf's driver serves it (testspf.py): type SPF
 * records are also served as TXT unless the name lists TXT records, `NONE` suppresses that, `TIMEOUT`
 * makes a query with no answer before it time out. Skips when ../shared/corpus is absent.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { DnsAnswer, Resolver, RRType } from '../../server/src/dns/types';
import { checkHost } from '../../server/src/spf/evaluator';
import { CORPUS } from '../helpers';

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

const SUITE = path.join(CORPUS, 'spf-test-suite', 'rfc7208-tests.yml');

describe('RFC 7208 test suite (offline, zonedata)', () => {
  if (!fs.existsSync(SUITE)) {
    it('suite', (t) => t.skip(`corpus not present at ${SUITE}`));
    return;
  }
  const docs = parseAllDocuments(fs.readFileSync(SUITE, 'utf8'));
  let total = 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const scenario = doc.toJS() as { description: string; tests: Record<string, { host: string; mailfrom: string; helo: string; result: string | string[]; explanation?: string; spec?: string }>; zonedata: Record<string, unknown[]> };
    if (!scenario?.tests) continue;
    describe(scenario.description, () => {
      const resolver = zonedataResolver(scenario.zonedata);
      for (const [name, tc] of Object.entries(scenario.tests)) {
        total++;
        it(`${name} (§${tc.spec ?? '?'})`, async () => {
          const out = await checkHost({ ip: tc.host, sender: tc.mailfrom, helo: tc.helo, resolver, receiver: 'receiver.example' });
          const expected = Array.isArray(tc.result) ? tc.result : [tc.result];
          assert.ok(expected.includes(out.result), `${name}: expected ${expected.join('|')}, got ${out.result} (${out.reason})`);
          // 'DEFAULT' is the receiver's own default text: no explanation from the domain.
          if (tc.explanation !== undefined && out.result === 'fail') assert.equal(out.explanation, tc.explanation === 'DEFAULT' ? undefined : tc.explanation, name);
        });
      }
    });
  }
  it('has all 203 cases of the suite', () => assert.ok(total >= 203, `only ${total} cases`));
});
