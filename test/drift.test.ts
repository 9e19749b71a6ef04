/**
 * `dmarc-lens drift`: the policy records of the files against what a real DNS server on loopback
 * (test/dns-server.ts) serves at their names: in sync, changed, not deployed, an extra record served,
 * a name that does not answer; records whose value is only known at deploy time are left out.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareWithDns, formatDrift } from '../server/src/drift';
import { LiveResolver } from '../server/src/dns/live';
import { readZone } from '../server/src/service';
import { startDnsServer, type DnsServer, type ZoneRecord } from './dns-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const txt = (data: string | string[]): ZoneRecord => ({ type: 'TXT', data });

const ZONE_FILE = `$ORIGIN drift.test.
$TTL 300
@          IN TXT "v=spf1 include:_spf.google.com -all"
@          IN TXT "google-site-verification=abc"
_dmarc     IN TXT "v=DMARC1; p=reject; rua=mailto:d@drift.test"
_dmarc.new IN TXT "v=DMARC1; p=none"
s1._domainkey IN TXT ( "v=DKIM1; k=rsa; "
                       "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" )
shop       IN TXT "v=spf1 -all"
slow       IN TXT "v=spf1 -all"
old        IN SPF "v=spf1 -all"
`;
const TERRAFORM = `resource "aws_route53_zone" "z" {
  name = "drift.test"
}

resource "aws_route53_record" "x" {
  zone_id = aws_route53_zone.z.zone_id
  name    = "tf"
  type    = "TXT"
  records = ["v=spf1 include:\${var.esp} -all"]
}
`;

const DNS: Record<string, ZoneRecord[]> = {
  // In sync, with another TXT beside it that is not SPF (not compared).
  'drift.test': [txt('v=spf1 include:_spf.google.com -all'), txt('google-site-verification=zzz')],
  // Changed at the DNS host: p=none there.
  '_dmarc.drift.test': [txt('v=DMARC1; p=none; rua=mailto:d@drift.test')],
  // Served in two strings: joined, it is the file's value.
  's1._domainkey.drift.test': [txt(['v=DKIM1; k=rsa; ', 'p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC'])],
  // An extra SPF record served beside the file's.
  'shop.drift.test': [txt('v=spf1 -all'), txt('v=spf1 include:old.example -all')],
};

describe('dmarc-lens drift: the files against DNS (loopback server)', () => {
  let server: DnsServer;
  let dir: string;
  before(async () => {
    server = await startDnsServer(DNS, { silent: new Set(['slow.drift.test']) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-drift-'));
    fs.writeFileSync(path.join(dir, 'drift.test.zone'), ZONE_FILE);
    fs.writeFileSync(path.join(dir, 'main.tf'), TERRAFORM);
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says, per name and kind, in sync, differs, not in DNS or not known', async () => {
    const z = readZone(ZONE_FILE, 'drift.test.zone');
    const r = await compareWithDns(z.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }));
    assert.deepEqual(
      r.entries.map((e) => `${e.owner} ${e.kind} ${e.status}`),
      ['_dmarc.drift.test dmarc differs', '_dmarc.new.drift.test dmarc not-deployed', 'drift.test spf in-sync', 's1._domainkey.drift.test dkim in-sync', 'shop.drift.test spf differs', 'slow.drift.test spf unknown'],
    );
    const dmarc = r.entries[0];
    assert.deepEqual([dmarc.onlyInFiles, dmarc.onlyInDns], [['v=DMARC1; p=reject; rua=mailto:d@drift.test'], ['v=DMARC1; p=none; rua=mailto:d@drift.test']]);
    assert.deepEqual(r.entries[4].onlyInDns, ['v=spf1 include:old.example -all']);
    assert.deepEqual(r.skipped.map((s) => [s.owner, s.why]), [['old.drift.test', 'it is a type-99 SPF record (DNS is asked for TXT)']]);
    const text = formatDrift(r, (uri, o) => `${uri}@${o}`, 'DNS at test');
    assert.match(text, /^6 names compared with DNS at test: 2 in sync, 2 differ, 1 not in DNS, 1 not known\n/);
    assert.match(text, /_dmarc\.drift\.test DMARC: differs\n {4}files: v=DMARC1; p=reject; rua=mailto:d@drift\.test\n {4}DNS: {3}v=DMARC1; p=none; rua=mailto:d@drift\.test\n/);
    assert.match(text, /_dmarc\.new\.drift\.test DMARC: not in DNS \(the name does not exist\)/);
    assert.match(text, /slow\.drift\.test SPF: not known: no answer from 127\.0\.0\.1:\d+ within 300 ms/);
  });

  it('runs as a command over a folder, with file positions, JSON, and exit 1 on drift', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'drift', ...args, '--dns', `127.0.0.1:${server.port}`, '--timeout', '300'], { cwd: dir });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
      });
    const text = await run('.');
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^drift\.test\.zone:5:1: _dmarc\.drift\.test DMARC: differs$/m);
    // The Terraform record's value holds an expression: not compared, and said why.
    assert.match(text.stdout, /^main\.tf:9:\d+: tf\.drift\.test not compared: part of its value is an expression, known only at deploy time$/m);
    const json = JSON.parse((await run('drift.test.zone', '--format', 'json')).stdout);
    assert.equal(json.version, 1);
    const dkim = json.names.find((n: { kind: string }) => n.kind === 'dkim');
    assert.deepEqual([dkim.status, dkim.files[0].path, dkim.files[0].position], ['in-sync', 'drift.test.zone', { line: 6, character: 0 }]);
    assert.match(dkim.dns.source, /^live DNS at /);
    // GitHub Actions annotations at the records out of step.
    const gh = (await run('drift.test.zone', '--format', 'github')).stdout.trim().split('\n');
    assert.deepEqual(
      gh.map((l) => `::${l.split('::')[1]}`),
      ['::warning file=drift.test.zone,line=5,col=1,title=dmarc-lens drift', '::warning file=drift.test.zone,line=6,col=1,title=dmarc-lens drift', '::warning file=drift.test.zone,line=9,col=1,title=dmarc-lens drift', '::notice file=drift.test.zone,line=10,col=1,title=dmarc-lens drift'],
    );
    assert.match(gh[0], /::_dmarc\.drift\.test: DNS serves "v=DMARC1; p=none; rua=mailto:d@drift\.test", not what the files hold$/);
  });

  it('exits 2 with one line when DNS answers nothing, and refuses --offline', async () => {
    const dead = await startDnsServer({}, { silent: new Set(['drift.test', '_dmarc.drift.test', '_dmarc.new.drift.test', 's1._domainkey.drift.test', 'shop.drift.test', 'slow.drift.test']) });
    const port = dead.port;
    await dead.close();
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, 'drift', 'drift.test.zone', '--dns', `127.0.0.1:${port}`, '--timeout', '200'], { cwd: dir });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stdout, /DNS answered none of the questions: /);
    const { spawnSync } = await import('node:child_process');
    const off = spawnSync(process.execPath, [CLI, 'drift', '.', '--offline'], { cwd: dir, encoding: 'utf8' });
    assert.equal(off.status, 2);
    assert.match(off.stderr, /cannot run --offline/);
  });
});
