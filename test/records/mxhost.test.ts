/**
 * MX hosts: an alias (RFC 2181 §10.3) or a host without an address in a zone the workspace holds
 * whole (RFC 5321 §5.1), in the file, across files, under wildcards and delegations, and in IaC.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyFix, covered, lint } from '../helpers';
import { analyzeZone, DocumentAnalyzer, readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import type { Finding } from '../../server/src/types';

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';
const CNAME = 'zone/mx-target-is-cname';
const NO_ADDRESS = 'zone/mx-target-no-address';
const of = (rule: string, findings: Finding[]) => findings.filter((f) => f.rule === rule);

describe('MX hosts', () => {
  it('an MX host that is a CNAME is a warning on the MX, naming the target and the CNAME', () => {
    const { text, findings } = lint(SOA + '@ IN MX 10 mail\nmail IN CNAME mx.hosting.example.net.');
    const [f] = of(CNAME, findings);
    assert.equal(covered(text, f), '@ IN MX 10 mail');
    assert.match(f.message, /The MX host `mail\.example\.com` is an alias \(CNAME to `mx\.hosting\.example\.net`\).*RFC 2181 §10\.3/);
    assert.equal(f.related?.[0].message, 'the CNAME at mail.example.com');
    // Not when the host has its own address.
    assert.deepEqual(of(CNAME, lint(SOA + '@ IN MX 10 mail\nmail IN A 192.0.2.25').findings), []);
  });

  it('the quick fix points the MX at the canonical name, at the end of a chain, changing only the host', () => {
    // A chain mail -> relay -> mx.hosting.example.net; the MX in parentheses with a comment, a TTL and a relative host.
    const lines = SOA + '@ 3600 IN MX ( 10 ; primary\n  mail ) ; keep me\nmail IN CNAME relay\nrelay IN CNAME mx.hosting.example.net.';
    const { text, findings } = lint(lines);
    const [f] = of(CNAME, findings);
    assert.match(f.message, /CNAME to `relay\.example\.com` \(a chain of 2 CNAMEs ending at `mx\.hosting\.example\.net`\).*Point the MX at `mx\.hosting\.example\.net`/);
    assert.equal(f.fixes?.length, 1);
    assert.equal(f.fixes![0].title, 'MX: point it at mx.hosting.example.net, the host the CNAME names');
    const fixed = applyFix(text, f.fixes![0]);
    assert.equal(fixed, text.replace('  mail )', '  mx.hosting.example.net. )'));
    assert.deepEqual(of(CNAME, lint(fixed, {}, undefined, 'test.zone').findings), []);
    // A loop: the finding says so, and there is nothing to point at.
    const loop = of(CNAME, lint(SOA + '@ IN MX 10 a\na IN CNAME b\nb IN CNAME a').findings)[0];
    assert.match(loop.message, /loop or go on too long/);
    assert.equal(loop.fixes?.length ?? 0, 0);
    // Through an $INCLUDEd file: the edit is in that file.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-mx-'));
    const main = path.join(dir, 'main.zone');
    fs.writeFileSync(path.join(dir, 'mx.inc'), '@ IN MX 10 mail\n');
    const mainText = `$ORIGIN example.com.\n${SOA}$INCLUDE mx.inc\nmail IN CNAME mx.hosting.example.net.\n`;
    const inc = of(CNAME, analyzeZone(mainText, main, { readFile: (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined) }).findings)[0];
    assert.equal(inc.uri, path.join(dir, 'mx.inc'));
    assert.deepEqual(inc.fixes![0].edits.map((e) => [e.uri ?? inc.uri, e.range.start, e.range.end, e.newText]), [[inc.uri, 11, 15, 'mx.hosting.example.net.']]);
  });

  it('the quick fix still rewrites the host after edits move the record (incremental re-read)', () => {
    const doc = new DocumentAnalyzer('z.zone', { origin: 'example.com' });
    let text = `$ORIGIN example.com.\n${SOA}@ IN MX 10 mail\nmail IN CNAME mx.hosting.example.net.\n`;
    doc.update(text, { model: true });
    for (const insert of ['www IN A 192.0.2.80\n', '; a comment line that moves what follows\n']) {
      text = text.replace('@ IN MX', `${insert}@ IN MX`);
      const f = of(CNAME, doc.update(text, { model: true }).findings)[0];
      assert.equal(applyFix(text, f.fixes![0]), text.replace('MX 10 mail', 'MX 10 mx.hosting.example.net.'));
    }
  });

  it('a host without an address in a zone held whole is a warning, which says when no MX host of the name has one', () => {
    const { text, findings } = lint(SOA + '@ IN MX 10 mx1\n@ IN MX 20 mx2\nmx2 IN A 192.0.2.26\nbroken IN MX 10 nothere\ntxtonly IN MX 10 info\ninfo IN TXT "not a server"');
    const found = of(NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]);
    assert.deepEqual(found, [
      ['@ IN MX 10 mx1', 'warning'],
      ['broken IN MX 10 nothere', 'warning'],
      ['txtonly IN MX 10 info', 'warning'],
    ]);
    assert.doesNotMatch(of(NO_ADDRESS, findings)[0].message, /no MX host of/);
    assert.match(of(NO_ADDRESS, findings)[1].message, /no MX host of `broken\.example\.com` has an address, so its mail, DMARC and TLS reports included, bounces/);
  });

  it('says nothing where the workspace cannot tell: no SOA, a delegation, a wildcard that answers, a host in another zone, a null MX', () => {
    const quiet = (lines: string) => assert.deepEqual(of(NO_ADDRESS, lint(lines).findings), [], lines);
    quiet('@ IN MX 10 mx1');
    quiet(SOA + 'sub IN NS ns.elsewhere.example.\n@ IN MX 10 mx.sub');
    quiet(SOA + '*.hosts IN A 192.0.2.9\n@ IN MX 10 any.hosts');
    quiet(SOA + '@ IN MX 10 mx.example.net.');
    quiet(SOA + '@ IN MX 0 .');
  });

  it('reads the host from another file of the workspace', () => {
    const ws = new WorkspaceIndex();
    const hosts = readZone('$ORIGIN example.com.\n' + SOA + 'mx1 IN A 192.0.2.25\n', 'hosts.zone');
    ws.set('hosts.zone', hosts.zone.records, hosts.sites);
    assert.deepEqual(of(NO_ADDRESS, lint('@ IN MX 10 mx1', { workspace: ws }).findings), []);
    assert.equal(of(NO_ADDRESS, lint('@ IN MX 10 mx9', { workspace: ws }).findings).length, 1);
    const alias = new WorkspaceIndex();
    const other = readZone('$ORIGIN example.com.\nmail IN CNAME mx.hosting.example.net.\n', 'other.zone');
    alias.set('other.zone', other.zone.records, other.sites);
    assert.equal(of(CNAME, lint('@ IN MX 10 mail', { workspace: alias }).findings).length, 1);
  });

  it('reads MX hosts in DNSControl, whose D() is the whole zone', () => {
    const dc = 'D("example.org", REG_NONE, DnsProvider(DNS_BIND),\n  MX("@", 10, "mx1"),\n  A("mx", "192.0.2.25"),\n  MX("news", 10, "alias"),\n  CNAME("alias", "mx.hosting.example.net."),\nEND);\n';
    const { text, findings } = lint(dc, {}, undefined, 'dnsconfig.js');
    assert.deepEqual(of(NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]), [['MX("@", 10, "mx1")', 'warning']]);
    assert.deepEqual(of(CNAME, findings).map((f) => covered(text, f)), ['MX("news", 10, "alias")']);
  });
});

describe('MX hosts as named-checkzone warns of them', () => {
  const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
  it('the same MX records: a host without address records, a host that is a CNAME', (t) => {
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const zone =
      '$ORIGIN mx.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n' +
      '@ IN MX 10 mail\n@ IN MX 20 ns1\nalias IN MX 10 www\nwww IN CNAME ns1\ntxt IN MX 10 info\ninfo IN TXT "no address"\nv6 IN MX 10 six\nsix IN AAAA 2001:db8::25\n' +
      'wild IN MX 10 a.hosts\n*.hosts IN A 192.0.2.9\nout IN MX 10 mx.example.net.\nnone IN MX 0 .\n';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-mx-'));
    try {
      const file = path.join(dir, 'mx.test.zone');
      fs.writeFileSync(file, zone);
      const r = spawnSync(CHECKZONE, ['-i', 'local', 'mx.test', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      // "zone mx.test/IN: alias.mx.test/MX 'www.mx.test' is a CNAME (illegal)", "… has no address records (A or AAAA)".
      const bind = [...`${r.stdout}${r.stderr}`.matchAll(/: ([^\s/]+)\/MX '([^']+)' (is a CNAME|has no address records)/g)].map((m) => `${m[1]} ${m[2]} ${m[3] === 'is a CNAME' ? CNAME : NO_ADDRESS}`);
      const found = lint(zone, {}, undefined, file).findings
        .filter((f) => f.rule === CNAME || f.rule === NO_ADDRESS)
        .map((f) => {
          const [, owner, host] = /^(\S+)\s+IN MX \d+ (\S+)/.exec(zone.slice(f.range.start, f.range.end))!;
          return `${owner === '@' ? 'mx.test' : `${owner}.mx.test`} ${host}.mx.test ${f.rule}`;
        });
      assert.ok(bind.length >= 3, `${r.stdout}${r.stderr}`);
      assert.deepEqual(found.sort(), bind.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
