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
import { checkHost } from '../../server/src/spf/evaluator';
import { CORPUS } from '../helpers';
import { zonedataResolver } from './zonedata';

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
