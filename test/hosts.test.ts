/**
 * Host names of report sources (PTR, forward-confirmed) over a real DNS server on loopback: the engine,
 * then the language server's `dmarcLens/sourceHosts` request over stdio.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readReports } from '../server/src/reports/aggregate';
import { sourceHosts } from '../server/src/reports/hosts';
import { sourceVerdicts } from '../server/src/reports/sources';
import { LiveResolver } from '../server/src/dns/live';
import { ChainResolver } from '../server/src/dns/chain';
import { startDnsServer, type DnsServer } from './dns-server';
import { startServer } from './server/client';
import { execFile, spawnSync } from 'node:child_process';
import { ROOT } from './helpers';

/** A report with one record per source: [address, messages]. */
const report = (rows: [string, number][]) =>
  `<feedback><report_metadata><org_name>rx</org_name><report_id>h1</report_id><date_range><begin>1767225600</begin><end>1767311999</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>${rows
    .map(([ip, n]) => `<record><row><source_ip>${ip}</source_ip><count>${n}</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers></record>`)
    .join('')}</feedback>`;

const ROWS: [string, number][] = [
  ['192.0.2.1', 500], // mail.example.com, whose A record is this address: confirmed
  ['198.51.100.9', 40], // claims mail.google.com, whose A record is another address: not confirmed
  ['203.0.113.5', 30], // no PTR record (NXDOMAIN)
  ['2001:db8::25', 20], // IPv6: mail6.example.com, confirmed by its AAAA
  ['203.0.113.6', 10], // the reverse zone never answers: the budget runs out
  ['198.2.129.12', 5], // a Mailchimp server by its confirmed name (no DKIM or SPF domain of its own in the report)
];

const ZONE = {
  '1.2.0.192.in-addr.arpa': [{ type: 'PTR' as const, data: 'mail.example.com.' }],
  'mail.example.com': [{ type: 'A' as const, data: '192.0.2.1' }],
  '9.100.51.198.in-addr.arpa': [{ type: 'PTR' as const, data: 'Mail.Google.com.' }],
  'mail.google.com': [{ type: 'A' as const, data: '142.250.1.1' }],
  '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa': [{ type: 'PTR' as const, data: 'mail6.example.com.' }],
  'mail6.example.com': [{ type: 'AAAA' as const, data: '2001:db8::25' }],
  '12.129.2.198.in-addr.arpa': [{ type: 'PTR' as const, data: 'mail129-12.mcsv.net.' }],
  'mail129-12.mcsv.net': [{ type: 'A' as const, data: '198.2.129.12' }],
  // The From domain's SPF record, with an include the workspace does not hold: only DNS decides.
  'example.com': [{ type: 'TXT' as const, data: 'v=spf1 ip4:192.0.2.0/24 include:esp.test -all' }],
  'esp.test': [{ type: 'TXT' as const, data: 'v=spf1 ip4:198.51.100.0/24 ~all' }],
};

describe('host names of report sources (PTR) over a loopback DNS server', () => {
  let server: DnsServer;
  before(async () => {
    server = await startDnsServer(ZONE, { silent: new Set(['6.113.0.203.in-addr.arpa', 'silent.test']) });
  });
  after(() => server.close());

  it('names each source by its PTR record, confirmed only when the name’s own address records agree, within the budget', async () => {
    const { reports } = readReports(Buffer.from(report(ROWS)), 'r.xml');
    const resolver = new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 5000 });
    const t0 = performance.now();
    const r = await sourceHosts(reports, resolver, { budgetMs: 800 });
    const ms = performance.now() - t0;
    assert.deepEqual(r.hosts, {
      '192.0.2.1': { name: 'mail.example.com', confirmed: true },
      '198.51.100.9': { name: 'mail.google.com', confirmed: false },
      '2001:db8::25': { name: 'mail6.example.com', confirmed: true },
      '198.2.129.12': { name: 'mail129-12.mcsv.net', confirmed: true, platform: 'Mailchimp' },
    });
    assert.deepEqual([r.asked, r.unnamed, r.unanswered, r.error], [6, 1, 1, 'no answer within 800 ms']);
    assert.ok(ms < 2000, `the budget holds: ${ms.toFixed(0)} ms`);
    // Most mail first, at most `max`.
    const two = await sourceHosts(reports, resolver, { max: 2, budgetMs: 800 });
    assert.deepEqual(Object.keys(two.hosts), ['192.0.2.1', '198.51.100.9']);
    // With no resolver that answers (offline): nothing named, quickly.
    const t1 = performance.now();
    const offline = await sourceHosts(reports, new ChainResolver(undefined, undefined), { budgetMs: 800 });
    assert.deepEqual([Object.keys(offline.hosts).length, offline.unanswered, offline.error], [0, 6, 'offline, and not defined in the workspace']);
    assert.ok(performance.now() - t1 < 500);
  });

  it('says what the SPF record of each unnamed source’s From domain says of it, asked of DNS, within the budget', async () => {
    const { reports } = readReports(Buffer.from(report(ROWS)), 'r.xml');
    const resolver = new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 5000 });
    const r = await sourceVerdicts(reports, resolver, { budgetMs: 3000 });
    assert.deepEqual(r.spf, {
      '192.0.2.1': 'authorised by the SPF record of example.com',
      // By the include outside any workspace.
      '198.51.100.9': 'authorised by the SPF record of example.com',
      '203.0.113.5': 'not authorised by the SPF record of example.com (fail)',
      '2001:db8::25': 'not authorised by the SPF record of example.com (fail)',
      '203.0.113.6': 'not authorised by the SPF record of example.com (fail)',
      '198.2.129.12': 'not authorised by the SPF record of example.com (fail)',
    });
    assert.deepEqual([r.asked, r.undecided], [6, 0]);
    // The sources with most mail first, at most `max`.
    assert.deepEqual(Object.keys((await sourceVerdicts(reports, resolver, { max: 2 })).spf).sort(), ['192.0.2.1', '198.51.100.9']);
    // A From domain whose DNS never answers: nothing said, and no waiting past the budget.
    const silent = readReports(Buffer.from(report(ROWS.slice(0, 2)).replaceAll('example.com', 'silent.test')), 's.xml').reports;
    const t0 = performance.now();
    const none = await sourceVerdicts(silent, resolver, { budgetMs: 300 });
    assert.ok(performance.now() - t0 < 1500, `${performance.now() - t0} ms`);
    assert.deepEqual([none.spf, none.asked, none.undecided], [{}, 2, 2]);
  });

  it('dmarc-lens report --hosts names the sources in text, JSON and the saved page', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-hosts-cli-'));
    try {
      const file = path.join(dir, 'r.xml');
      fs.writeFileSync(file, report(ROWS.slice(0, 3)));
      // Not spawnSync: the DNS server answers from this process, whose event loop must keep running.
      const cli = (...args: string[]) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = execFile(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', file, '--hosts', '--dns', `127.0.0.1:${server.port}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }, (_e, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }));
        });
      const text = await cli();
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /^ {2}failing: 192\.0\.2\.1 \(mail\.example\.com\) 500 messages as example\.com/m);
      assert.match(text.stdout, /^ {2}failing: 198\.51\.100\.9 \(mail\.google\.com, unconfirmed\) 40 messages/m);
      assert.match(text.stdout, /^ {2}failing: 203\.0\.113\.5 30 messages/m);
      assert.match(text.stdout, /^ {2}host names: 2 of the 3 sources with most mail named by their PTR record \(1 confirmed by their own address records\), 1 without one, 0 unanswered$/m);
      // And what the From domain's SPF record in DNS says of each (no workspace: DNS alone, by the include outside it too).
      assert.match(text.stdout, /^ {2}service: 198\.51\.100\.9 \(mail\.google\.com, unconfirmed\) \(authorised by the SPF record of example\.com\): 40 messages/m);
      assert.match(text.stdout, /^ {2}service: 203\.0\.113\.5 \(not authorised by the SPF record of example\.com \(fail\)\): 30 messages/m);
      const json = JSON.parse((await cli('--format', 'json')).stdout);
      assert.deepEqual(json.summary.sourceHosts, { hosts: { '192.0.2.1': { name: 'mail.example.com', confirmed: true }, '198.51.100.9': { name: 'mail.google.com', confirmed: false } }, asked: 3, unnamed: 1, unanswered: 0 });
      const html = (await cli('--format', 'html')).stdout;
      const model = JSON.parse(/<script type="application\/json" id="model">(.*?)<\/script>/s.exec(html)![1]);
      assert.deepEqual(model.hosts['192.0.2.1'], { name: 'mail.example.com', confirmed: true });
      assert.equal(model.verdictsFrom, 'dns');
      assert.equal(model.stats.byService.find((v: { service: string }) => v.service === '203.0.113.5').spf, 'not authorised by the SPF record of example.com (fail)');
      // Without --hosts, no DNS query and nothing said of host names.
      const plain = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'report', file], { encoding: 'utf8' });
      assert.doesNotMatch(plain.stdout, /host names|mail\.example\.com|authorised/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offline, the workspace’s own reverse and forward zones name the sources', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-hosts-ws-'));
    fs.writeFileSync(path.join(dir, 'r.xml'), report(ROWS.slice(0, 3)));
    fs.writeFileSync(path.join(dir, '2.0.192.in-addr.arpa.zone'), '$ORIGIN 2.0.192.in-addr.arpa.\n@ IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ IN NS ns.example.com.\n1 IN PTR mail.example.com.\n');
    fs.writeFileSync(path.join(dir, 'example.com.zone'), '$ORIGIN example.com.\n@ IN SOA ns hostmaster 1 3600 600 86400 300\n@ IN NS ns\nns IN A 192.0.2.53\nmail IN A 192.0.2.1\n');
    const client = await startServer(dir, { dns: { mode: 'offline' } });
    try {
      const r = (await client.conn.sendRequest('dmarcLens/sourceHosts', { uri: pathToFileURL(path.join(dir, 'r.xml')).href })) as { hosts: Record<string, { name: string; confirmed: boolean }>; unanswered: number; dns: string; spf?: unknown };
      assert.deepEqual([r.hosts, r.dns], [{ '192.0.2.1': { name: 'mail.example.com', confirmed: true } }, 'offline']);
      assert.equal(r.spf, undefined, 'offline, the SPF verdicts are the workspace’s, which the preview already has');
      assert.equal(r.unanswered, 2, 'the addresses outside the workspace’s zones have no answer offline');
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the language server answers dmarcLens/sourceHosts for a preview, with the DNS servers of its settings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-hosts-'));
    fs.writeFileSync(path.join(dir, 'r.xml'), report(ROWS.slice(0, 3)));
    const client = await startServer(dir, { dns: { mode: 'live', servers: [`127.0.0.1:${server.port}`] } });
    try {
      const r = (await client.conn.sendRequest('dmarcLens/sourceHosts', { uri: pathToFileURL(path.join(dir, 'r.xml')).href })) as { hosts: Record<string, { name: string; confirmed: boolean }>; asked: number; unnamed: number; dns: string; spf: Record<string, string> };
      assert.deepEqual([r.hosts['192.0.2.1'], r.hosts['198.51.100.9'], r.asked, r.unnamed, r.dns], [{ name: 'mail.example.com', confirmed: true }, { name: 'mail.google.com', confirmed: false }, 3, 1, 'live']);
      // What the From domain's SPF record in DNS says of each source (the workspace has no record of example.com).
      assert.deepEqual(r.spf, { '192.0.2.1': 'authorised by the SPF record of example.com', '198.51.100.9': 'authorised by the SPF record of example.com', '203.0.113.5': 'not authorised by the SPF record of example.com (fail)' });
      // The filter bar's scope applies: none of the reports, no source asked.
      const none = (await client.conn.sendRequest('dmarcLens/sourceHosts', { uri: pathToFileURL(path.join(dir, 'r.xml')).href, scope: { domains: ['other.example'] } })) as { asked: number };
      assert.equal(none.asked, 0);
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
