/**
 * `dmarc-lens dkim DOMAIN`: the DKIM keys a domain publishes, probed at the selectors the provider
 * catalog knows or asked at given ones, from a real DNS server on loopback (test/dns-server.ts)
 * through the product's own wire client; keys made here with node:crypto.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dkimTarget, formatDkimLookup, isSelector, lookupDkim, probeSelectors } from '../server/src/dkimLookup';
import { ChainResolver } from '../server/src/dns/chain';
import { LiveResolver } from '../server/src/dns/live';
import { startDnsServer, type DnsServer, type ZoneRecord } from './dns-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const spki = (type: 'rsa' | 'ed25519', bits = 2048) =>
  (type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ed25519')).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const rsa2048 = spki('rsa');
const rsa1024 = spki('rsa', 1024);
// RFC 8463: the raw 32-byte Ed25519 key, not its SubjectPublicKeyInfo.
const ed = Buffer.from(spki('ed25519'), 'base64').subarray(12).toString('base64');
const txt = (data: string | string[]): ZoneRecord => ({ type: 'TXT', data });

const ZONE: Record<string, ZoneRecord[]> = {
  // Split in two strings as DNS serves keys over 255 bytes.
  'google._domainkey.keys.test': [txt([`v=DKIM1; k=rsa; p=${rsa2048.slice(0, 200)}`, rsa2048.slice(200)])],
  's1._domainkey.keys.test': [txt(`v=DKIM1; k=rsa; t=y; p=${rsa1024}`)],
  // Microsoft 365's selectors are CNAMEs to the tenant's keys; selector2's key is not published (signing not turned on).
  'selector1._domainkey.keys.test': [{ type: 'CNAME', data: 'selector1-keys-test._domainkey.tenant.onmicrosoft.com' }],
  'selector1-keys-test._domainkey.tenant.onmicrosoft.com': [txt(`v=DKIM1; k=ed25519; p=${ed}`)],
  'selector2._domainkey.keys.test': [{ type: 'CNAME', data: 'selector2-keys-test._domainkey.tenant.onmicrosoft.com' }],
  'old._domainkey.keys.test': [txt('v=DKIM1; k=rsa; p=')],
  'broken._domainkey.keys.test': [txt('v=DKIM1; k=rsa; p=not*base64')],
  'mail._domainkey.keys.test': [txt('v=spf1 -all')],
  'keys.test': [{ type: 'A', data: '192.0.2.1' }],
  // A domain whose selectors are all in order: probing it exits 0.
  'google._domainkey.clean.test': [txt([`v=DKIM1; k=rsa; p=${rsa2048.slice(0, 200)}`, rsa2048.slice(200)])],
  'clean.test': [{ type: 'A', data: '192.0.2.2' }],
};

describe('dmarc-lens dkim: keys over live DNS (loopback server)', () => {
  let server: DnsServer;
  const live = () => new ChainResolver(undefined, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), undefined);
  before(async () => {
    server = await startDnsServer(ZONE, { silent: new Set(['gone._domainkey.keys.test']) });
  });
  after(async () => server?.close());

  it('probes the catalog’s and the common selectors, all at once, and decodes the keys it finds', async () => {
    const before = [...server.queries.values()].reduce((a, b) => a + b, 0);
    const r = await lookupDkim('keys.test', live());
    assert.equal(r.probed, true);
    assert.equal(r.asked, probeSelectors().length);
    assert.equal([...server.queries.values()].reduce((a, b) => a + b, 0) - before, r.asked, 'each selector asked once');
    assert.deepEqual(
      r.found.map((f) => `${f.selector} ${f.key?.type} ${f.key?.bits ?? '-'} ${f.testing ? 't=y' : ''} ${f.provider ?? ''}`.trim()),
      // selector1 is a generic name, but its CNAME target names the platform.
      ['google rsa 2048  Google Workspace', 's1 rsa 1024 t=y', 'selector1 ed25519 256  Microsoft 365 / Exchange Online'],
    );
    const text = formatDkimLookup(r);
    assert.match(text, /^keys\.test: 3 DKIM keys found of \d+ selectors probed/);
    assert.match(text, /google\._domainkey\.keys\.test +RSA 2048 bits {2}\(Google Workspace\)/);
    assert.match(text, /s1\._domainkey\.keys\.test +RSA 1024 bits, t=y \(testing\)\n {4}warning dkim\/testing-mode .*\n {4}warning dkim\/rsa-key-under-2048/);
    assert.match(text, /selector1\._domainkey\.keys\.test +Ed25519 {2}\(Microsoft 365 \/ Exchange Online, by CNAME to selector1-keys-test\._domainkey\.tenant\.onmicrosoft\.com\)$/m);
    // A selector delegated to a name without a key is listed even when probing: the platform's signing is not set up.
    assert.match(text, /^ {2}selector2\._domainkey\.keys\.test +no key \(no TXT record at selector2-keys-test\._domainkey\.tenant\.onmicrosoft\.com\): a CNAME to selector2-keys-test\._domainkey\.tenant\.onmicrosoft\.com \(Microsoft 365 \/ Exchange Online\), which publishes no key: mail signed with this selector fails DKIM$/m);
    // A name probed that holds other TXT (here an SPF record) is listed; names with nothing are not.
    assert.match(text, /^ {2}mail\._domainkey\.keys\.test +no DKIM key; TXT there: v=spf1 -all$/m);
    assert.doesNotMatch(text, /default\._domainkey/, 'a name with nothing there is not listed');
  });

  it('asks the selectors given, and says what is at each', async () => {
    const r = await lookupDkim('keys.test', live(), ['old', 'broken', 'nothere', 'Google']);
    assert.deepEqual(r.found.map((f) => f.selector), ['old', 'broken', 'google']);
    assert.equal(r.found[0].key?.revoked, true);
    assert.ok(r.found[1].findings.some((f) => f.severity === 'error'), JSON.stringify(r.found[1].findings));
    const text = formatDkimLookup(r);
    assert.match(text, /old\._domainkey\.keys\.test +revoked \(empty p=\)/);
    assert.match(text, /broken\._domainkey\.keys\.test +not a usable key: /);
    assert.match(text, /nothere\._domainkey\.keys\.test +no key \(NXDOMAIN\)/);
  });

  it('says a query that timed out, once, quickly', async () => {
    const t0 = Date.now();
    const r = await lookupDkim('keys.test', live(), ['gone']);
    assert.deepEqual(r.problems, [`gone._domainkey.keys.test: no answer from 127.0.0.1:${server.port} within 300 ms`]);
    assert.ok(Date.now() - t0 < 1500);
  });

  it('asks too the selectors the aggregate reports show signing, and lists one without a key (that mail fails DKIM)', async () => {
    const r = await lookupDkim('keys.test', live(), undefined, ['S1', 'rot2024', 'bad selector']);
    assert.equal(r.asked, probeSelectors().length + 1);
    assert.equal(r.fromReports, 1);
    assert.deepEqual(r.found.filter((f) => f.seen).map((f) => f.selector), ['s1']);
    assert.deepEqual(r.missing.map((m) => [m.selector, m.seen ?? false]).filter(([sel]) => sel === 'rot2024'), [['rot2024', true]]);
    const text = formatDkimLookup(r);
    assert.match(text, /selectors probed: those the provider catalog knows and common ones, and 1 more the aggregate reports show signing/);
    assert.match(text, /^ {2}s1\._domainkey\.keys\.test +RSA 1024 bits, t=y \(testing\) {2}\(seen in the reports\)$/m);
    assert.match(text, /^ {2}rot2024\._domainkey\.keys\.test +no key \(NXDOMAIN\) {2}\(the aggregate reports show mail signed with it\)$/m);
  });

  it('takes a key’s own name for the domain and its selector', () => {
    assert.deepEqual(dkimTarget('s1._domainkey.example.com'), { domain: 'example.com', selector: 's1' });
    assert.deepEqual(dkimTarget('2024.mail._DOMAINKEY.example.com'), { domain: 'example.com', selector: '2024.mail' });
    assert.deepEqual(dkimTarget('example.com'), { domain: 'example.com' });
    const r = spawnSync(process.execPath, [CLI, 'dkim', 's1._domainkey.northwind.example', '--offline', '--workspace', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.stdout.split('\n')[0], 'northwind.example: 1 DKIM key found of 1 selector asked');
    assert.match(r.stdout, /s1\._domainkey\.northwind\.example +RSA 1024 bits/);
  });

  it('refuses names that are not selectors', async () => {
    assert.equal(isSelector('s1'), true);
    assert.equal(isSelector('2024.mail'), true);
    assert.equal(isSelector('a b'), false);
    assert.equal(isSelector('-x'), false);
    await assert.rejects(lookupDkim('keys.test', live(), ['a/b']), /not a DKIM selector/);
  });

  it('runs as a command: exit 0 with keys found, 1 for a selector with none or delegated to no key, 2 for bad arguments', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'dkim', ...args, '--dns', `127.0.0.1:${server.port}`], { cwd: ROOT });
        let s = '';
        p.stdout.on('data', (d) => (s += d));
        p.on('close', (code) => resolve({ code, stdout: s }));
      });
    assert.equal((await cli('clean.test')).code, 0);
    // Probing keys.test finds keys, but selector2 is a CNAME to a name without one: its mail fails DKIM.
    const all = await cli('keys.test', '--format', 'json');
    assert.equal(all.code, 1);
    const j = JSON.parse(all.stdout);
    assert.deepEqual(j.missing.map((m: { selector: string; cname: string | null }) => [m.selector, m.cname]), [['mail', null], ['selector2', 'selector2-keys-test._domainkey.tenant.onmicrosoft.com']]);
    // Other TXT at a probed name (here an SPF record) is said, but does not fail the run.
    assert.equal((await cli('keys.test', '--selector', 'google,selector1')).code, 0);
    assert.deepEqual(j.found.map((f: { selector: string }) => f.selector), ['google', 's1', 'selector1']);
    assert.equal(j.found[0].key.bits, 2048);
    assert.match(j.found[0].source, /^live DNS at /);
    assert.equal((await cli('keys.test', '--selector', 'google,nothere')).code, 1);
    assert.equal((await cli('keys.test', '--selector', 'broken')).code, 1, 'an error on the key');
    // --workspace: the selectors its aggregate reports show signing for the domain are asked; one without a key fails the run.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dkim-reports-'));
    try {
      const report = (sel: string) => `<feedback><report_metadata><org_name>rx</org_name><report_id>${sel}</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata><policy_published><domain>clean.test</domain><p>none</p></policy_published><record><row><source_ip>192.0.2.1</source_ip><count>9</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>clean.test</header_from></identifiers><auth_results><dkim><domain>clean.test</domain><selector>${sel}</selector><result>fail</result></dkim></auth_results></record></feedback>`;
      fs.writeFileSync(path.join(dir, 'a.xml'), report('google'));
      assert.equal((await cli('clean.test', '--workspace', dir)).code, 0);
      fs.writeFileSync(path.join(dir, 'b.xml'), report('rot2024'));
      const withMissing = await cli('clean.test', '--workspace', dir, '--format', 'json');
      assert.equal(withMissing.code, 1);
      assert.deepEqual(JSON.parse(withMissing.stdout).missing.filter((m: { seenInReports: boolean }) => m.seenInReports).map((m: { selector: string }) => m.selector), ['rot2024']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    for (const bad of [['dkim'], ['dkim', 'keys.test', '--selector', 'a b'], ['dkim', 'not a domain']]) {
      const r = spawnSync(process.execPath, [CLI, ...bad], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 2, bad.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});
