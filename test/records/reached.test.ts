/**
 * Records kept at a name that a CNAME from the name where they are looked up leads to (hosted or
 * centralised DMARC, MTA-STS, TLS-RPT and BIMI records, DKIM keys rotated by CNAME) are found through
 * it: not at the wrong owner, in the file or across files, through chains; a stray one still is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { covered, lint } from '../helpers';
import { readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';
const RECORDS = {
  dmarc: 'v=DMARC1; p=reject; rua=mailto:d@example.com',
  'mta-sts': 'v=STSv1; id=20260101',
  tlsrpt: 'v=TLSRPTv1; rua=mailto:tls@example.com',
  bimi: 'v=BIMI1; l=https://example.com/logo.svg',
};
const wrong = (findings: { rule: string }[], text: string) =>
  (findings as Parameters<typeof covered>[1][]).filter((f) => f.rule.endsWith('/wrong-owner')).map((f) => `${f.rule} ${covered(text, f)}`);

describe('records reached by CNAME are not at the wrong owner', () => {
  it('DMARC, MTA-STS, TLS-RPT and BIMI records at the target of a CNAME from their own names, directly or by a chain', () => {
    const lines = [
      SOA.trimEnd(),
      '_dmarc IN CNAME dmarc.policies',
      `dmarc.policies IN TXT "${RECORDS.dmarc}"`,
      '_mta-sts IN CNAME sts.policies',
      `sts.policies IN TXT "${RECORDS['mta-sts']}"`,
      '_smtp._tls IN CNAME hop.policies',
      'hop.policies IN CNAME tls.policies',
      `tls.policies IN TXT "${RECORDS.tlsrpt}"`,
      'default._bimi IN CNAME bimi.policies',
      `bimi.policies IN TXT "${RECORDS.bimi}"`,
      // Strays: nothing where they are looked up leads to them (a CNAME from `www` does not count).
      `stray IN TXT "${RECORDS.dmarc}"`,
      'www IN CNAME sts-stray',
      `sts-stray IN TXT "${RECORDS['mta-sts']}"`,
    ].join('\n');
    const { text, findings } = lint(lines);
    assert.deepEqual(wrong(findings, text), ['dmarc/wrong-owner stray', 'mta-sts/wrong-owner sts-stray']);
    assert.match(findings.find((f) => f.rule === 'mta-sts/wrong-owner')!.message, /^An MTA-STS record at `sts-stray\.example\.com` is never found/);
  });

  it('a policy kept in one zone for many domains, reached from another file, is found through the CNAME', () => {
    const central = `$ORIGIN policies.example.net.\n${SOA}brand1.example.com IN TXT "${RECORDS.dmarc}"\nbrand2.example.org IN TXT "${RECORDS.dmarc}"\n`;
    const check = (ws?: WorkspaceIndex) => {
      const { text, findings } = lint(central, { workspace: ws }, undefined, 'policies.zone');
      return wrong(findings, text);
    };
    assert.deepEqual(check(), ['dmarc/wrong-owner brand1.example.com', 'dmarc/wrong-owner brand2.example.org']);
    const ws = new WorkspaceIndex();
    const brand = readZone('$ORIGIN example.com.\n_dmarc.brand1 IN CNAME brand1.example.com.policies.example.net.\n', 'example.com.zone');
    ws.set('example.com.zone', brand.zone.records, brand.sites);
    assert.deepEqual(check(ws), ['dmarc/wrong-owner brand2.example.org']);
  });
});
