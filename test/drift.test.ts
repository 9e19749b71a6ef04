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
  // CNAMEs at policy names (cname.drift.test below).
  'k1._domainkey.cname.drift.test': [{ type: 'CNAME', data: 'k1.dkim.esp.test' }],
  'k1.dkim.esp.test': [txt('v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC')],
  'k2._domainkey.cname.drift.test': [{ type: 'CNAME', data: 'k2.other-esp.test' }],
  'k4._domainkey.cname.drift.test': [txt('v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC')],
  '_dmarc.cname.drift.test': [{ type: 'CNAME', data: 'cname.drift.test.hosted.vendor.test' }],
  'cname.drift.test.hosted.vendor.test': [txt('v=DMARC1; p=reject')],
  'www.cname.drift.test': [{ type: 'CNAME', data: 'elsewhere.test' }],
  // MX (mx.drift.test below): in sync in another order and case; a preference changed; a null MX.
  'mx.drift.test': [{ type: 'MX', data: '20 MX2.mx.drift.test.' }, { type: 'MX', data: '10 mx1.mx.drift.test' }],
  'moved.mx.drift.test': [{ type: 'MX', data: '10 mx1.mx.drift.test' }, { type: 'MX', data: '20 mx.new-host.test' }],
  'null.mx.drift.test': [{ type: 'MX', data: '0 .' }],
  'gone.mx.drift.test': [{ type: 'A', data: '192.0.2.7' }],
};

const MX_ZONE = `$ORIGIN mx.drift.test.
@      IN MX 10 mx1
@      IN MX 20 mx2.mx.drift.test.
moved  IN MX 10 mx1
moved  IN MX 30 mx3
null   IN MX 0 .
gone   IN MX 10 mx1
gone   IN A 192.0.2.7
`;

const CNAME_ZONE = `$ORIGIN cname.drift.test.
k1._domainkey IN CNAME k1.dkim.esp.test.
k2._domainkey IN CNAME k2.dkim.esp.test.
k3._domainkey IN CNAME k3.dkim.esp.test.
k4._domainkey IN CNAME k4.dkim.esp.test.
_dmarc        IN TXT "v=DMARC1; p=reject"
www           IN CNAME shop
`;

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

  it('compares a policy name delegated by CNAME by its target, and a CNAME DNS serves where the files write the record', async () => {
    const z = readZone(CNAME_ZONE, 'cname.drift.test.zone');
    const r = await compareWithDns(z.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), z.zone.records);
    assert.deepEqual(
      r.entries.map((e) => `${e.owner} ${e.kind} ${e.status} ${e.files.map((f) => f.type).join(',')}`),
      ['_dmarc.cname.drift.test dmarc differs TXT', 'k1._domainkey.cname.drift.test dkim in-sync CNAME', 'k2._domainkey.cname.drift.test dkim differs CNAME', 'k3._domainkey.cname.drift.test dkim not-deployed CNAME', 'k4._domainkey.cname.drift.test dkim differs CNAME'],
    );
    const [dmarc, k1, k2, , k4] = r.entries;
    // www is no policy name: its CNAME is not compared.
    assert.equal(r.skipped.length, 0);
    assert.equal(k1.servedCname, 'k1.dkim.esp.test');
    assert.deepEqual(k1.served, ['v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC']);
    assert.deepEqual([k2.onlyInFiles, k2.onlyInDns], [['CNAME k2.dkim.esp.test'], ['CNAME k2.other-esp.test']]);
    // The key is published at the name itself, not delegated as the files say.
    assert.deepEqual([k4.onlyInFiles, k4.onlyInDns], [['CNAME k4.dkim.esp.test'], ['v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC']]);
    assert.deepEqual([dmarc.servedCname, dmarc.onlyInDns], ['cname.drift.test.hosted.vendor.test', ['CNAME cname.drift.test.hosted.vendor.test']]);
    const text = formatDrift(r, (uri, o) => `${uri}@${o}`, 'DNS at test');
    assert.match(text, /^5 names compared with DNS at test: 1 in sync, 3 differ, 1 not in DNS, 0 not known\n/);
    assert.match(text, /_dmarc\.cname\.drift\.test DMARC: differs\n {4}files: v=DMARC1; p=reject\n {4}DNS: {3}CNAME cname\.drift\.test\.hosted\.vendor\.test\n {11}which serves v=DMARC1; p=reject \(the files' value, but from another zone: the files do not publish it\)\n/);
    assert.match(text, /k3\._domainkey\.cname\.drift\.test DKIM: not in DNS \(the name does not exist\)/);
    assert.match(text, /k2\._domainkey\.cname\.drift\.test DKIM: differs\n {4}files: CNAME k2\.dkim\.esp\.test\n {4}DNS: {3}CNAME k2\.other-esp\.test\n/);
  });

  it('compares the MX records of each name as a set: preference and exchange, absolute, in any order and case', async () => {
    const z = readZone(MX_ZONE, 'mx.drift.test.zone');
    const r = await compareWithDns(z.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), z.zone.records);
    assert.deepEqual(
      r.entries.map((e) => `${e.owner} ${e.kind} ${e.status} ${e.files.map((f) => f.value).join(',')}`),
      ['gone.mx.drift.test mx not-deployed 10 mx1.mx.drift.test', 'moved.mx.drift.test mx differs 10 mx1.mx.drift.test,30 mx3.mx.drift.test', 'mx.drift.test mx in-sync 10 mx1.mx.drift.test,20 mx2.mx.drift.test', 'null.mx.drift.test mx in-sync 0 .'],
    );
    assert.deepEqual([r.entries[1].onlyInFiles, r.entries[1].onlyInDns], [['30 mx3.mx.drift.test'], ['20 mx.new-host.test']]);
    const text = formatDrift(r, (uri, o) => `${uri}@${o}`, 'DNS at test');
    assert.match(text, /^4 names compared with DNS at test: 2 in sync, 1 differ, 1 not in DNS, 0 not known\n/);
    assert.match(text, /moved\.mx\.drift\.test MX: differs\n {4}files: 30 mx3\.mx\.drift\.test\n {4}DNS: {3}20 mx\.new-host\.test\n/);
    assert.match(text, /gone\.mx\.drift\.test MX: not in DNS \(no MX record there\)/);
    // Terraform: an MX whose exchange is an expression is left out and says why; a literal one is compared.
    const tf = `resource "aws_route53_zone" "z" {
  name = "mx.drift.test"
}
resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.z.zone_id
  name    = "tf"
  type    = "MX"
  ttl     = 300
  records = ["10 \${var.mail_host}"]
}
resource "aws_route53_record" "mx2" {
  zone_id = aws_route53_zone.z.zone_id
  name    = ""
  type    = "MX"
  ttl     = 300
  records = ["10 mx1.mx.drift.test.", "20 mx2.mx.drift.test."]
}
`;
    const t = readZone(tf, 'main.tf');
    const rt = await compareWithDns(t.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), t.zone.records);
    assert.deepEqual(rt.entries.map((e) => `${e.owner} ${e.kind} ${e.status}`), ['mx.drift.test mx in-sync']);
    assert.deepEqual(rt.skipped.map((s) => [s.owner, s.why]), [['tf.mx.drift.test', 'its preference or exchange is not known from the file']]);
  });

  it('leaves out a CNAME whose target or zone is known only at deploy time, and one its host flattens', async () => {
    const tf = `resource "cloudflare_zone" "z" {
  zone = "cname.drift.test"
}
resource "cloudflare_record" "a" {
  zone_id = cloudflare_zone.z.id
  name    = "k1._domainkey"
  type    = "CNAME"
  value   = "\${aws_ses_domain_dkim.x.dkim_tokens[0]}.dkim.amazonses.com"
}
resource "cloudflare_record" "b" {
  zone_id = cloudflare_zone.z.id
  name    = "k5._domainkey"
  type    = "CNAME"
  value   = "k5.dkim.esp.test"
  proxied = true
}
`;
    const z = readZone(tf, 'main.tf');
    const r = await compareWithDns(z.sites, new LiveResolver({ servers: [`127.0.0.1:${server.port}`], timeoutMs: 300, tries: 1 }), z.zone.records);
    assert.deepEqual(r.entries, []);
    assert.deepEqual(
      r.skipped.map((s) => [s.owner, s.why]),
      [
        ['k1._domainkey.cname.drift.test', 'the name it points to is not known from the file'],
        ['k5._domainkey.cname.drift.test', 'its DNS host serves the CNAME as the addresses of its target, not as a CNAME'],
      ],
    );
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
