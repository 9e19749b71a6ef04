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

  it('policy discovery follows a `_dmarc` CNAME to the record: BIMI and parked names see the policy there', () => {
    const zone = (p: string) =>
      `${SOA}@ IN MX 10 mx\nmx IN A 192.0.2.1\n@ IN TXT "v=spf1 mx -all"\n_dmarc IN CNAME dmarc.policies\ndmarc.policies IN TXT "v=DMARC1; p=${p}; rua=mailto:d@example.com"\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/l.svg; a=https://example.com/vmc.pem"\nparked IN MX 0 .\nparked IN TXT "v=spf1 -all"`;
    const rules = (p: string) => lint(zone(p)).findings.map((f) => f.rule).filter((r) => r.startsWith('dmarc/'));
    assert.deepEqual(rules('reject'), []);
    assert.deepEqual(rules('none'), ['dmarc/policy-none', 'dmarc/bimi-without-enforcement', 'dmarc/parked-domain']);
    const bimi = lint(zone('none')).findings.find((f) => f.rule === 'dmarc/bimi-without-enforcement')!;
    assert.match(bimi.message, /`_dmarc\.example\.com` is not at enforcement \(`p=none` only monitors\)/);
    // Across files: the policy zone in another file of the workspace.
    const ws = new WorkspaceIndex();
    const pol = readZone(`$ORIGIN policies.example.net.\n${SOA}example.com IN TXT "v=DMARC1; p=quarantine"\n`, 'policies.zone');
    ws.set('policies.zone', pol.zone.records, pol.sites);
    const { findings } = lint(`${SOA}_dmarc IN CNAME example.com.policies.example.net.\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/l.svg; a=https://example.com/vmc.pem"\nold IN MX 0 .\nold IN TXT "v=spf1 -all"`, { workspace: ws });
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('dmarc/')).map((f) => [f.rule, f.message.split(',')[0]]), [['dmarc/parked-domain', '`old.example.com` takes no mail (null MX)']]);
    // A CNAME out of the workspace (a vendor's zone): the policy is unknown, and nothing is said of it.
    assert.deepEqual(lint(`${SOA}_dmarc IN CNAME example.com.hosted.vendor.example.\nold IN MX 0 .\nold IN TXT "v=spf1 -all"`).findings.filter((f) => f.rule.startsWith('dmarc/')).map((f) => f.rule), []);
  });

  it('a name whose _dmarc is a CNAME out of the workspace has a policy not known here: nothing is said from its parent\'s', () => {
    const { findings } = lint(`${SOA}_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\n_dmarc.news IN CNAME news.example.com.hosted.vendor.example.\ndefault._bimi.news IN TXT "v=BIMI1; l=https://example.com/l.svg; a=https://example.com/vmc.pem"\nold IN MX 0 .\nold IN TXT "v=spf1 -all"\n_dmarc.old IN CNAME old.example.com.hosted.vendor.example.`);
    assert.deepEqual(findings.filter((f) => ['dmarc/bimi-without-enforcement', 'dmarc/parked-domain', 'dmarc/missing-record'].includes(f.rule)).map((f) => f.rule), []);
    // Without the CNAMEs, the parent's p=none is what applies, and both are said.
    const plain = lint(`${SOA}_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\ndefault._bimi.news IN TXT "v=BIMI1; l=https://example.com/l.svg; a=https://example.com/vmc.pem"\nold IN MX 0 .\nold IN TXT "v=spf1 -all"`);
    assert.deepEqual(plain.findings.filter((f) => ['dmarc/bimi-without-enforcement', 'dmarc/parked-domain'].includes(f.rule)).map((f) => f.rule), ['dmarc/bimi-without-enforcement', 'dmarc/parked-domain']);
  });
});
