/**
 * MX hosts: an alias (RFC 2181 §10.3) or a host without an address in a zone the workspace holds
 * whole (RFC 5321 §5.1), in the file, across files, under wildcards and delegations, and in IaC.
 * NS hosts the same, and glue: errors where BIND refuses the zone (its apex), warnings elsewhere.
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
import { LineIndex } from '../../server/src/util/lines';

const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';
const CNAME = 'zone/mx-target-is-cname';
const NO_ADDRESS = 'zone/mx-target-no-address';
const of = (rule: string, findings: Finding[]) => findings.filter((f) => f.rule === rule);
/** The line a finding starts on (the finding itself is on the host the record names). */
const lineOf = (text: string, f: Finding) => text.slice(text.lastIndexOf('\n', f.range.start - 1) + 1, (text.indexOf('\n', f.range.start) + 1 || text.length + 1) - 1);

describe('MX hosts', () => {
  it('an MX host that is a CNAME is a warning on the MX, naming the target and the CNAME', () => {
    const { text, findings } = lint(SOA + '@ IN MX 10 mail\nmail IN CNAME mx.hosting.example.net.');
    const [f] = of(CNAME, findings);
    // On the host as written, not the whole record.
    assert.equal(covered(text, f), 'mail');
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
      ['mx1', 'warning'],
      ['nothere', 'warning'],
      ['info', 'warning'],
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
    // On the host where the call writes it, not the whole call.
    assert.deepEqual(of(NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]), [['"mx1"', 'warning']]);
    assert.deepEqual(of(CNAME, findings).map((f) => covered(text, f)), ['"alias"']);
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
          const [, owner, host] = /^(\S+)\s+IN MX \d+ (\S+)/.exec(lineOf(zone, f))!;
          return `${owner === '@' ? 'mx.test' : `${owner}.mx.test`} ${host}.mx.test ${f.rule}`;
        });
      assert.ok(bind.length >= 3, `${r.stdout}${r.stderr}`);
      assert.deepEqual(found.sort(), bind.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const NS_CNAME = 'zone/ns-target-is-cname';
const NS_NO_ADDRESS = 'zone/ns-target-no-address';
const APEX = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\nns1 IN A 192.0.2.1\n';

describe('NS hosts', () => {
  it('an apex NS whose host is a CNAME is an error (BIND refuses the zone); the fix points it at the canonical name', () => {
    const { text, findings } = lint(APEX + '@ IN NS ns1\n@ 3600 IN NS ( dns ) ; secondary\ndns IN CNAME relay\nrelay IN CNAME ns1');
    const [f] = of(NS_CNAME, findings);
    assert.equal(f.severity, 'error');
    assert.equal(covered(text, f), 'dns');
    assert.match(f.message, /The name server `dns\.example\.com` is an alias \(CNAME to `relay\.example\.com` \(a chain of 2 CNAMEs ending at `ns1\.example\.com`\)\).*BIND refuses to load the zone.*SPF, DMARC and DKIM included.*Point the NS at `ns1\.example\.com`/);
    assert.equal(f.fixes![0].title, 'NS: point it at ns1.example.com, the host the CNAME names');
    const fixed = applyFix(text, f.fixes![0]);
    assert.equal(fixed, text.replace('( dns )', '( ns1.example.com. )'));
    assert.deepEqual(of(NS_CNAME, lint(fixed, {}, undefined, 'test.zone').findings), []);
    // A wildcard CNAME answers for a name that does not exist: BIND calls that a CNAME too.
    const wild = of(NS_CNAME, lint(APEX + '@ IN NS ns1\n@ IN NS any\n* IN CNAME ns1').findings)[0];
    assert.equal(wild.severity, 'error');
    assert.match(wild.message, /the wildcard `\*\.example\.com` answers for it with a CNAME to `ns1\.example\.com`/);
    assert.equal(wild.related?.[0].message, 'the wildcard CNAME at *.example.com');
  });

  it('an apex NS whose host in the zone has no address is an error; at a delegation it is a warning', () => {
    const { text, findings } = lint(APEX + '@ IN NS ns1\n@ IN NS ns2\nns2 IN TXT "not a server"\nsub IN NS nons\nalias IN NS dns\ndns IN CNAME ns1');
    assert.deepEqual(of(NS_NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]), [
      ['ns2', 'error'],
      ['nons', 'warning'],
    ]);
    assert.match(of(NS_NO_ADDRESS, findings)[0].message, /`ns2\.example\.com` has no A or AAAA record in the zone example\.com.*BIND refuses to load the zone/);
    assert.doesNotMatch(of(NS_NO_ADDRESS, findings)[1].message, /refuses/);
    assert.deepEqual(of(NS_CNAME, findings).map((f) => [covered(text, f), f.severity]), [['dns', 'warning']]);
  });

  it('a delegation to a server inside the delegated zone needs glue', () => {
    const { text, findings } = lint(APEX + '@ IN NS ns1\nsub IN NS ns.sub\nsub IN NS sub\nok IN NS ns.ok\nns.ok IN AAAA 2001:db8::53');
    assert.deepEqual(of(NS_NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]), [
      ['ns.sub', 'warning'],
      ['sub', 'warning'],
    ]);
    assert.match(of(NS_NO_ADDRESS, findings)[0].message, /`ns\.sub\.example\.com` is inside the zone `sub\.example\.com` it serves, so resolvers reach it only through glue.*RFC 9471/);
  });

  it('says nothing where the workspace cannot tell or BIND loads the zone', () => {
    const quiet = (lines: string) => assert.deepEqual([...of(NS_NO_ADDRESS, lint(lines).findings), ...of(NS_CNAME, lint(lines).findings)], [], lines);
    quiet('@ IN NS ns9'); // a snippet: no SOA
    quiet('sub IN NS ns.sub'); // nor for glue
    quiet(APEX + '@ IN NS ns1.example.net.'); // another zone
    quiet(APEX + '@ IN NS any\n* IN A 192.0.2.9'); // a wildcard with an address
    quiet(APEX + '@ IN NS ns.sub\nsub IN NS ns.elsewhere.example.'); // under a delegation
    quiet(APEX + '@ IN NS ns1\nsub IN NS ns.sub\n$GENERATE 1-2 ns.sub A 192.0.2.$');
  });

  it('reads the hosts and the SOA from other files of the workspace', () => {
    const ws = new WorkspaceIndex();
    const main = readZone('$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n', 'main.zone');
    ws.set('main.zone', main.zone.records, main.sites);
    assert.equal(of(NS_NO_ADDRESS, lint('@ IN NS ns1', { workspace: ws }).findings)[0].severity, 'error');
    const hosts = readZone('$ORIGIN example.com.\nns1 IN A 192.0.2.1\n', 'hosts.zone');
    ws.set('hosts.zone', hosts.zone.records, hosts.sites);
    assert.deepEqual(of(NS_NO_ADDRESS, lint('@ IN NS ns1', { workspace: ws }).findings), []);
  });
});

describe('NS hosts as named-checkzone judges them', () => {
  const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
  const bindSays = (zone: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ns-'));
    try {
      const file = path.join(dir, 'ns.test.zone');
      fs.writeFileSync(file, zone);
      const r = spawnSync(CHECKZONE!, ['-i', 'local', 'ns.test', file], { encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      // "zone ns.test/IN: sub.ns.test/NS 'x.ns.test' is a CNAME (illegal)"; at the apex the owner is left out.
      const said = [...out.matchAll(/zone ns\.test\/IN: (?:([^\s/]+)\/)?NS '([^']+)' (is a CNAME|has no address records|has no REQUIRED GLUE)/g)].map(
        (m) => `${m[1] ?? 'ns.test'} ${m[2]} ${m[3] === 'is a CNAME' ? NS_CNAME : NS_NO_ADDRESS}`,
      );
      const found = lint(zone, {}, undefined, file).findings
        .filter((f) => f.rule === NS_CNAME || f.rule === NS_NO_ADDRESS)
        .map((f) => {
          const [, owner, host] = /^(\S+)\s+IN NS (\S+)/.exec(lineOf(zone, f))!;
          return { key: `${owner === '@' ? 'ns.test' : `${owner}.ns.test`} ${host}.ns.test ${f.rule}`, severity: f.severity };
        });
      return { loads: r.status === 0, said: said.sort(), found: found.map((f) => f.key).sort(), errors: found.filter((f) => f.severity === 'error').length, out };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const HEAD = '$ORIGIN ns.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';

  it('the same NS records at delegations (BIND loads the zone, we warn)', (t) => {
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const v = bindSays(HEAD + 'a IN NS www\nwww IN CNAME ns1\nb IN NS nothere\nc IN NS ns.c\nd IN NS ns.d\nns.d IN A 192.0.2.4\ne IN NS ns.example.net.\nf IN NS any.hosts\n*.hosts IN A 192.0.2.9\n');
    assert.ok(v.loads, v.out);
    assert.equal(v.said.length, 3, v.out);
    assert.deepEqual(v.found, v.said);
    assert.equal(v.errors, 0);
  });

  for (const [name, extra] of [
    ['an alias', '@ IN NS dns\ndns IN CNAME ns1\n'],
    ['a host without an address', '@ IN NS ns2\nns2 IN MX 10 ns1\n'],
    ['a wildcard CNAME', '@ IN NS any\n* IN CNAME ns1\n'],
    // A name with records below it exists: the wildcard does not answer for it (RFC 4592 §2.2.2).
    ['a name with records below it, beside a wildcard', '@ IN NS wild\n* IN A 192.0.2.7\nx.wild IN A 192.0.2.9\n'],
  ])
    it(`refuses the zone for an apex NS naming ${name}, where we give an error`, (t) => {
      if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
      const v = bindSays(HEAD + extra);
      assert.ok(!v.loads, v.out);
      assert.deepEqual(v.found, v.said);
      assert.equal(v.errors, 1);
    });
});

const SRV_CNAME = 'zone/srv-target-is-cname';
const SRV_NO_ADDRESS = 'zone/srv-target-no-address';

describe('SRV targets', () => {
  it('a mail client SRV record whose target is a CNAME or has no address is a warning; `.` is no service', () => {
    const { text, findings } = lint(SOA + '_submissions._tcp IN SRV 0 1 465 mail\nmail IN CNAME relay\nrelay IN A 192.0.2.25\n_imaps._tcp IN SRV 0 1 993 imap\n_pop3s._tcp IN SRV 0 0 0 .\n_imap._tcp IN SRV 0 1 143 relay');
    const [alias] = of(SRV_CNAME, findings);
    assert.equal(covered(text, alias), 'mail');
    assert.match(alias.message, /The SRV target `mail\.example\.com` is an alias \(CNAME to `relay\.example\.com`\).*RFC 2782.*`_submissions\._tcp\.example\.com`.*Point the SRV record at `relay\.example\.com`/);
    const fixed = applyFix(text, alias.fixes![0]);
    assert.equal(fixed, text.replace('465 mail', '465 relay.example.com.'));
    assert.deepEqual(of(SRV_CNAME, lint(fixed, {}, undefined, 'test.zone').findings), []);
    assert.deepEqual(of(SRV_NO_ADDRESS, findings).map((f) => [covered(text, f), f.severity]), [['imap', 'warning']]);
    // Nothing is known of a target in a snippet, or in another zone.
    assert.deepEqual(of(SRV_NO_ADDRESS, lint('_imaps._tcp IN SRV 0 1 993 imap').findings), []);
    assert.deepEqual(of(SRV_NO_ADDRESS, lint(SOA + '_imaps._tcp IN SRV 0 1 993 imap.example.net.').findings), []);
  });

  it('the same SRV records as named-checkzone', (t) => {
    const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const zone =
      '$ORIGIN srv.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n' +
      '_submissions._tcp IN SRV 0 1 465 mail\nmail IN CNAME ns1\n_imaps._tcp IN SRV 0 1 993 imap\n_imap._tcp IN SRV 0 1 143 ns1\n_pop3s._tcp IN SRV 0 0 0 .\n' +
      '_caldavs._tcp IN SRV 0 1 443 any.hosts\n*.hosts IN A 192.0.2.9\n_carddavs._tcp IN SRV 0 1 443 dav.example.net.\n_jmap._tcp IN SRV 0 1 443 wild.w\n*.w IN CNAME ns1\n';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-srv-'));
    try {
      const file = path.join(dir, 'srv.test.zone');
      fs.writeFileSync(file, zone);
      const r = spawnSync(CHECKZONE, ['-i', 'local', 'srv.test', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const bind = [...`${r.stdout}${r.stderr}`.matchAll(/: ([^\s/]+)\/SRV '([^']+)' (is a CNAME|has no address records)/g)].map((m) => `${m[1]} ${m[2]} ${m[3] === 'is a CNAME' ? SRV_CNAME : SRV_NO_ADDRESS}`);
      const found = lint(zone, {}, undefined, file).findings
        .filter((f) => f.rule === SRV_CNAME || f.rule === SRV_NO_ADDRESS)
        .map((f) => {
          const [, owner, host] = /^(\S+)\s+IN SRV \d+ \d+ \d+ (\S+)/.exec(lineOf(zone, f))!;
          return `${owner}.srv.test ${host}.srv.test ${f.rule}`;
        });
      assert.equal(bind.length, 3, `${r.stdout}${r.stderr}`);
      assert.deepEqual(found.sort(), bind.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MX hosts written as IP addresses', () => {
  const ADDRESS = 'zone/mx-target-is-address';
  it('is a warning, not also a host without an address; the fix points the MX at the name with that address', () => {
    const { text, findings } = lint(SOA + '@ IN MX 10 192.0.2.25\n@ IN MX 20 mx2\nmail IN A 192.0.2.25\nsmtp IN A 192.0.2.25\nv6 IN MX 10 2001:db8::25.\nabs IN MX 10 192.0.2.99.');
    const found = of(ADDRESS, findings);
    assert.deepEqual(found.map((f) => covered(text, f)), ['192.0.2.25', '2001:db8::25.', '192.0.2.99.']);
    assert.match(found[0].message, /The MX host `192\.0\.2\.25` is an IP address, but an MX record names a host: senders look up the addresses of `192\.0\.2\.25\.example\.com` and find none.*Point it at `mail\.example\.com`, which has this address/);
    assert.deepEqual(found[0].fixes!.map((f) => f.title), ['MX: point it at mail.example.com, which has the address 192.0.2.25', 'MX: point it at smtp.example.com, which has the address 192.0.2.25']);
    assert.equal(applyFix(text, found[0].fixes![0]), text.replace('MX 10 192.0.2.25', 'MX 10 mail.example.com.'));
    assert.match(found[1].message, /publish one: `mail IN AAAA 2001:db8::25`/);
    assert.equal(found[1].fixes?.length ?? 0, 0);
    // The other MX host has no address either: no MX host of the name takes mail.
    assert.deepEqual(of(NO_ADDRESS, findings).map((f) => covered(text, f)), ['mx2']);
    assert.match(of(NO_ADDRESS, findings)[0].message, /no MX host of `example\.com` has an address/);
  });

  it('an NS record written as an address says so', () => {
    const f = of(NS_NO_ADDRESS, lint(APEX + '@ IN NS ns1\n@ IN NS 192.0.2.53').findings)[0];
    assert.equal(f.severity, 'error');
    assert.match(f.message, /`192\.0\.2\.53\.example\.com` has no A or AAAA record in the zone example\.com \(`192\.0\.2\.53` is an IP address, which DNS reads as a name: an NS record names a host\)/);
  });

  it('the same MX records as named-checkzone ("MX is an address")', (t) => {
    const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const zone = '$ORIGIN a.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 192.0.2.25\nb IN MX 10 192.0.2.25.\nc IN MX 10 2001:db8::25\nd IN MX 10 10.1.2\ne IN MX 10 ns1\n';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-mxip-'));
    try {
      const file = path.join(dir, 'a.test.zone');
      fs.writeFileSync(file, zone);
      const r = spawnSync(CHECKZONE, ['-i', 'local', 'a.test', file], { encoding: 'utf8' });
      const bind = [...`${r.stdout}${r.stderr}`.matchAll(/a\.test\.zone:(\d+): warning: '[^']+': MX is an address/g)].map((m) => Number(m[1]));
      const index = new LineIndex(zone);
      const ours = of(ADDRESS, lint(zone, {}, undefined, file).findings).map((f) => index.positionAt(f.range.start).line + 1);
      assert.equal(bind.length, 3, `${r.stdout}${r.stderr}`);
      assert.deepEqual(ours, bind);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
