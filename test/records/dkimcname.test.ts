/**
 * DKIM selectors delegated by CNAME: a target the workspace answers for without a key, followed
 * through chains and across files; and a key published at a selector's CNAME target is not "at the
 * wrong owner".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { covered, lint } from '../helpers';
import { readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import type { Finding } from '../../server/src/types';

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n';
const KEY = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
const RULE = 'dkim/cname-target-no-key';
const of = (rule: string, findings: Finding[]) => findings.filter((f) => f.rule === rule);

describe('DKIM selectors delegated by CNAME', () => {
  it('a target that does not exist, or has no key, in a zone held whole is a warning on the CNAME', () => {
    const { text, findings } = lint(SOA + `s1._domainkey IN CNAME s1.keys\ns2._domainkey IN CNAME s2.keys\ns2.keys IN A 192.0.2.1\ns3._domainkey IN CNAME s3.keys\ns3.keys IN TXT "${KEY}"\ns4._domainkey IN CNAME hop\nhop IN CNAME s1.keys`);
    assert.deepEqual(of(RULE, findings).map((f) => [covered(text, f), f.message.split(':')[0]]), [
      ['s1._domainkey IN CNAME s1.keys', 'The DKIM selector `s1._domainkey.example.com` is a CNAME to `s1.keys.example.com`, and `s1.keys.example.com` does not exist in the zone example.com'],
      ['s2._domainkey IN CNAME s2.keys', 'The DKIM selector `s2._domainkey.example.com` is a CNAME to `s2.keys.example.com`, and `s2.keys.example.com` has no TXT key record'],
      ['s4._domainkey IN CNAME hop', 'The DKIM selector `s4._domainkey.example.com` is a CNAME to a chain that ends at `s1.keys.example.com`, and `s1.keys.example.com` does not exist in the zone example.com'],
    ]);
  });

  it('says nothing of a platform target, a zone not held whole, a wildcard with TXT, or a loop', () => {
    const quiet = (lines: string) => assert.deepEqual(of(RULE, lint(lines).findings), [], lines);
    quiet(SOA + 'k2._domainkey IN CNAME dkim2.mcsv.net.');
    quiet('s1._domainkey IN CNAME s1.keys');
    quiet(SOA + `s1._domainkey IN CNAME s1.keys\n*.keys IN TXT "${KEY}"`);
    quiet(SOA + 'a._domainkey IN CNAME b._domainkey\nb._domainkey IN CNAME a._domainkey');
  });

  it('follows the CNAME into another file of the workspace', () => {
    const ws = new WorkspaceIndex();
    const keys = readZone(`$ORIGIN keys.example.net.\n${SOA}s1 IN TXT "${KEY}"\n`, 'keys.zone');
    ws.set('keys.zone', keys.zone.records, keys.sites);
    assert.deepEqual(of(RULE, lint('s1._domainkey IN CNAME s1.keys.example.net.', { workspace: ws }).findings), []);
    assert.equal(of(RULE, lint('s2._domainkey IN CNAME s2.keys.example.net.', { workspace: ws }).findings).length, 1);
  });

  it('a key at the target of a selector CNAME of the zone is not at the wrong owner; a stray one is', () => {
    const { text, findings } = lint(SOA + `s1._domainkey IN CNAME s1.keys\ns1.keys IN TXT "${KEY}"\nstray IN TXT "${KEY}"`);
    assert.deepEqual(of('dkim/wrong-owner', findings).map((f) => covered(text, f)), ['stray']);
    assert.deepEqual(of(RULE, findings), []);
  });

  it('a key reached by a selector CNAME in another file, directly or through a chain, is not at the wrong owner', () => {
    const keyFile = `$ORIGIN keys.example.net.\n${SOA}s1 IN TXT "${KEY}"\ns2 IN TXT "${KEY}"\nstray IN TXT "${KEY}"\n`;
    const wrong = (ws?: WorkspaceIndex) => {
      const { text, findings } = lint(keyFile, { workspace: ws });
      return of('dkim/wrong-owner', findings).map((f) => covered(text, f));
    };
    assert.deepEqual(wrong(), ['s1', 's2', 'stray']);
    const ws = new WorkspaceIndex();
    // s1: a selector of example.com points at it; s2: through a name of a third file; stray: a CNAME from a name that is no selector.
    const selectors = readZone('$ORIGIN example.com.\ns1._domainkey IN CNAME s1.keys.example.net.\ns2._domainkey IN CNAME hop.example.org.\nwww IN CNAME stray.keys.example.net.\n', 'example.com.zone');
    ws.set('example.com.zone', selectors.zone.records, selectors.sites);
    const hop = readZone('$ORIGIN example.org.\nhop IN CNAME s2.keys.example.net.\n', 'example.org.zone');
    ws.set('example.org.zone', hop.zone.records, hop.sites);
    assert.deepEqual(wrong(ws), ['stray']);
    // The selector file goes: the keys are stray again (the index is brought up to date on the next question).
    ws.delete('example.com.zone');
    assert.deepEqual(wrong(ws), ['s1', 's2', 'stray']);
  });
});
