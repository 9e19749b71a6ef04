/**
 * dmarc/external-reports-not-authorized by DNS: report destinations on other domains that the workspace
 * does not hold are asked about on a real DNS server on loopback (test/dns-server.ts), as receivers ask
 * (RFC 7489 §7.1, RFC 9990 §3).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDnsServer, type DnsServer } from '../dns-server';
import { ROOT } from '../helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
/** Async: the DNS server runs in this process and must answer while the CLI waits. */
const run = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('report destinations on other domains, by DNS', () => {
  let dns: DnsServer;
  let dir: string;
  before(async () => {
    dns = await startDnsServer(
      {
        'example.com._report._dmarc.vendor-ok.test': [{ type: 'TXT', data: 'v=DMARC1' }],
        'example.com._report._dmarc.vendor-wrong.test': [{ type: 'TXT', data: 'hello' }],
        'vendor-missing.test': [{ type: 'MX', data: '10 mx.vendor-missing.test' }],
      },
      { silent: new Set(['example.com._report._dmarc.vendor-silent.test']) },
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-rauth-'));
    fs.writeFileSync(
      path.join(dir, 'example.com.zone'),
      [
        '$ORIGIN example.com.',
        '@ IN MX 10 mx.example.com.',
        'mx IN A 192.0.2.1',
        '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:a@vendor-ok.test,mailto:b@vendor-missing.test,mailto:d@example.com; ruf=mailto:c@vendor-wrong.test,mailto:e@vendor-silent.test,mailto:f@mail.example.com"',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await dns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const findings = (stdout: string) => (JSON.parse(stdout).files as { diagnostics: { rule: string; message: string }[] }[]).flatMap((f) => f.diagnostics).filter((d) => d.rule === 'dmarc/external-reports-not-authorized');

  it('flags the destinations DNS says do not authorise, each name asked once; not those that do, nor the policy\'s own domain, nor one that does not answer', async () => {
    const r = await run('check', dir, '--dns', `127.0.0.1:${dns.port}`, '--format', 'json');
    const got = findings(r.stdout);
    assert.deepEqual(got.map((d) => d.message.split(':')[0]), ['Reports for example.com go to b@vendor-missing.test, on another domain, and DNS holds no authorisation for them', 'Reports for example.com go to c@vendor-wrong.test, on another domain, and DNS holds no authorisation for them']);
    assert.match(got[0].message, /example\.com\._report\._dmarc\.vendor-missing\.test does not exist \(live DNS/);
    assert.match(got[0].message, /send no aggregate reports to vendor-missing\.test/);
    assert.match(got[1].message, /example\.com\._report\._dmarc\.vendor-wrong\.test has TXT records, none starting `v=DMARC1` \("hello"\)/);
    assert.match(got[1].message, /send no failure reports/);
    for (const name of ['vendor-ok.test', 'vendor-missing.test', 'vendor-wrong.test']) assert.equal(dns.queries.get(`TXT example.com._report._dmarc.${name}`), 1, name);
    assert.equal([...dns.queries.keys()].some((k) => k.includes('example.com._report._dmarc.example.com') || k.includes('mail.example.com')), false);
  });

  it('offline, nothing is asked and nothing is said of them', async () => {
    const before = [...dns.queries.values()].reduce((a, b) => a + b, 0);
    const r = await run('check', dir, '--offline', '--format', 'json');
    assert.deepEqual(findings(r.stdout), []);
    assert.equal([...dns.queries.values()].reduce((a, b) => a + b, 0), before);
  });
});
