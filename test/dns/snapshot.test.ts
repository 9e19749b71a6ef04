/**
 * The offline snapshot of provider SPF records: taken through live DNS from a real server on loopback
 * (by the refresh script itself and by the engine function it calls), then used by the resolver chain
 * offline and when live DNS fails, with findings that name the snapshot's date.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChainResolver, WorkspaceResolver } from '../../server/src/dns/chain';
import { LiveResolver } from '../../server/src/dns/live';
import { catalogIncludes, SnapshotResolver, takeSnapshot, type SpfSnapshot } from '../../server/src/dns/snapshot';
import { readZone } from '../../server/src/service';
import { lookupTree } from '../../server/src/spf/tree';
import { WorkspaceIndex } from '../../server/src/workspace';
import { startDnsServer, type DnsServer, type ZoneRecord } from '../dns-server';
import { ROOT } from '../helpers';

const txt = (data: string): ZoneRecord => ({ type: 'TXT', data });

// Provider-shaped records with documentation addresses (the real ones need DNS this machine lacks).
const PROVIDERS: Record<string, ZoneRecord[]> = {
  '_spf.google.com': [txt('v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all')],
  '_netblocks.google.com': [txt('v=spf1 ip4:192.0.2.0/25 ~all')],
  '_netblocks2.google.com': [txt('v=spf1 ip6:2001:db8::/32 ~all')],
  '_netblocks3.google.com': [txt('v=spf1 ip4:198.51.100.0/25 ~all')],
  'sendgrid.net': [txt('google-site-verification=abc'), txt('v=spf1 ip4:203.0.113.0/24 -all')],
  'mailgun.org': [txt('v=spf1 include:spf1.mailgun.org ~all')],
  'spf1.mailgun.org': [txt('v=spf1 ip4:198.51.100.128/25 ~all')],
};

describe('offline snapshot of provider SPF records', () => {
  let server: DnsServer;
  before(async () => {
    server = await startDnsServer(PROVIDERS);
  });
  after(() => server.close());
  const live = () => new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300 });

  it('lists the catalog includes as its roots', () => {
    const roots = catalogIncludes();
    for (const r of ['_spf.google.com', 'spf.protection.outlook.com', 'sendgrid.net', 'servers.mcsv.net', 'amazonses.com', 'mailgun.org', 'spf.mtasv.net', 'mail.zendesk.com']) assert.ok(roots.includes(r), r);
  });

  it('walks every include below the roots and records what is missing', async () => {
    const snap = await takeSnapshot(live(), ['_spf.google.com', 'sendgrid.net', 'mailgun.org', 'gone.example.test'], 'loopback');
    assert.deepEqual(Object.keys(snap.txt), ['_netblocks.google.com', '_netblocks2.google.com', '_netblocks3.google.com', '_spf.google.com', 'mailgun.org', 'sendgrid.net', 'spf1.mailgun.org']);
    assert.deepEqual(snap.txt['sendgrid.net'], ['google-site-verification=abc', 'v=spf1 ip4:203.0.113.0/24 -all']);
    assert.deepEqual(snap.missing, ['gone.example.test']);
    assert.match(snap.taken!, /^\d{4}-\d\d-\d\dT/);
  });

  // The script runs as a child process while this process serves DNS, so it must not block (no spawnSync).
  const run = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [path.join(ROOT, 'scripts', 'refresh-spf-snapshot.mjs'), ...args], { encoding: 'utf8' }, (e, stdout, stderr) => resolve({ status: e ? Number(e.code ?? 1) : 0, stdout, stderr })),
    );

  it('is refreshed by scripts/refresh-spf-snapshot.mjs (npm run snapshot) through a given DNS server', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-snap-')), 'snap.json');
    const r = await run('--dns', `127.0.0.1:${server.port}`, '--out', out, '--roots', '_spf.google.com,mailgun.org', '--timeout', '300');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /6 names with TXT records, 0 missing, 0 unreadable/);
    const snap = JSON.parse(fs.readFileSync(out, 'utf8')) as SpfSnapshot;
    assert.equal(snap.via, `127.0.0.1:${server.port}`);
    assert.ok(snap.txt['_netblocks3.google.com']);
    // Without DNS the script says so and leaves the file alone.
    const dead = await run('--dns', '127.0.0.1:9', '--out', out, '--roots', 'sendgrid.net', '--timeout', '200');
    assert.equal(dead.status, 1);
    assert.match(dead.stderr, /no record could be read/);
    assert.ok(JSON.parse(fs.readFileSync(out, 'utf8')).txt['_netblocks3.google.com']);
  });

  it('answers the tree walk offline and when live DNS fails, naming its date', async () => {
    const snap = await takeSnapshot(live(), ['_spf.google.com', 'sendgrid.net'], 'loopback');
    snap.taken = '2026-11-20T10:00:00.000Z';
    const ws = new WorkspaceIndex();
    const p = readZone('$ORIGIN example.com.\n@ IN TXT "v=spf1 include:_spf.google.com include:sendgrid.net -all"\n', 'example.com.zone');
    ws.set('example.com.zone', p.zone.records, p.sites);
    const offline = await lookupTree('example.com', new ChainResolver(new WorkspaceResolver(ws), undefined, new SnapshotResolver(snap)));
    assert.equal(offline.lookups, 5);
    assert.deepEqual(offline.diagnostics, []);
    assert.ok(offline.tree.terms[0].child?.source?.includes('offline snapshot of 2026-11-20'), offline.tree.terms[0].child?.source);
    const broken = new LiveResolver({ servers: ['127.0.0.1:9'], timeoutMs: 150 });
    const fallback = await lookupTree('example.com', new ChainResolver(new WorkspaceResolver(ws), broken, new SnapshotResolver(snap)));
    assert.equal(fallback.lookups, 5);
  });
});
