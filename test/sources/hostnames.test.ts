/**
 * zone/invalid-hostname: BIND's check-names, on the owners and data fields it checks, compared line for
 * line with `named-checkzone -k fail` (what a primary BIND server does by default) on random names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone } from '../../server/src/service';
import { hostNameProblem } from '../../server/src/sources/hostnames';
import { LineIndex } from '../../server/src/util/lines';
import { covered, lint } from '../helpers';

const RULE = 'zone/invalid-hostname';
const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
const HEAD = '$ORIGIN hn.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';

describe('host names (BIND check-names)', () => {
  it('tells host names from other names, escapes and origin included', () => {
    const ok = (w: string, origin = 'hn.test', wildcard = false) => hostNameProblem(w, origin, 'host', wildcard) === undefined;
    for (const w of ['mail', 'mail-1', '1mail', 'xn--bcher-kva', 'a.b.c.', '@', '.', '\\065bc', 'MAIL.Example.'])
      assert.ok(ok(w), w);
    for (const w of ['mail_1', '_mail', '-mail', 'mail-', 'a\\-', 'a\\032b', 'a\\.b.', 'b\u00fccher', 'a*b', '*.x', 'x.*'])
      assert.ok(!ok(w), w);
    assert.ok(ok('*.x', 'hn.test', true));
    assert.ok(!ok('*.a_b', 'hn.test', true));
    // A relative name is checked with its origin's labels.
    assert.deepEqual(hostNameProblem('www', 'my_zone.test', 'host'), { label: 'my_zone', reason: 'holds `_`' });
    // A mailbox's first label is any printable ASCII; the rest is a host name.
    assert.equal(hostNameProblem('host_master.example.', undefined, 'mailbox'), undefined);
    assert.equal(hostNameProblem('a\\.b.example.', undefined, 'mailbox'), undefined);
    assert.match(hostNameProblem('a\\032b.example.', undefined, 'mailbox')!.reason, /byte 32.*not printable/);
    assert.equal(hostNameProblem('hm.a_b.example.', undefined, 'mailbox')!.label, 'a_b');
    // A name written in Unicode: DNS holds its ASCII form, which the message gives.
    assert.equal(hostNameProblem('b\u00fccher.example.', undefined, 'host')!.reason, 'holds `\u00fc` (not ASCII): an internationalized name is written in its ASCII form, `xn--bcher-kva`');
    assert.equal(hostNameProblem('a\\195b.example.', undefined, 'host')!.reason, 'holds byte 195 (`\\195`)');
  });

  it('flags an A owner and an MX host with `_`, at the name, and not the names that may hold one', () => {
    const text = `${HEAD}mail_server IN A 192.0.2.25\n@ IN MX 10 mail_server\n_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@hn.test"\ns1._domainkey IN CNAME s1.dkim_host.example.\n_sip._tcp IN SRV 0 5 5060 ns1\n`;
    const { findings } = lint(text, {}, undefined, 'hn.test.zone');
    const found = findings.filter((f) => f.rule === RULE);
    assert.deepEqual(found.map((f) => covered(text, f)), ['mail_server', 'mail_server']);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /^`mail_server\.hn\.test` is not a host name: its label `mail_server` holds `_`.*An A record's owner must be one: a primary BIND server refuses to load the zone by default \(`check-names primary fail`; named-checkzone: "bad owner name \(check-names\)"\)/);
    assert.match(found[1].message, /An MX record's mail server must be one.*"bad name \(check-names\)"/);
  });

  it('flags a record that inherits a bad owner at the record, and each such record once', () => {
    const text = `${HEAD}web_1 IN A 192.0.2.7\n  IN AAAA 2001:db8::7\n  IN TXT "x"\n`;
    const found = lint(text, {}, undefined, 'hn.test.zone').findings.filter((f) => f.rule === RULE);
    assert.deepEqual(found.map((f) => new LineIndex(text).positionAt(f.range.start).line + 1), [6, 7]);
  });

  it('leaves the records a $GENERATE line makes, as BIND does', (t) => {
    const text = `${HEAD}$GENERATE 1-3 host_$ IN A 192.0.2.$\n$GENERATE 1-2 mx$ IN MX "10 mail_$"\n`;
    assert.deepEqual(lint(text, {}, undefined, 'hn.test.zone').findings.filter((f) => f.rule === RULE), []);
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dl-hostnames-')), 'gen.zone');
    fs.writeFileSync(file, text);
    const r = spawnSync(CHECKZONE, ['-k', 'fail', '-i', 'none', 'hn.test', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it('agrees with named-checkzone -k fail, line for line, on random names', (t) => {
    if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    let seed = Number(process.env.DL_FUZZ_SEED ?? 5);
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    // Mostly host-name pieces; `-` at either end of a label, `_`, `*` inside one, escapes and non-ASCII now and then.
    const GOOD = ['a', 'mail', 'x1', '0', '-', 'Z', '9', '\\065', '\\-'];
    const BAD = ['_', '*', '\\032', '\\.', '\\_', '\\\\', 'b\u00fc'];
    const label = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.85 ? pick(GOOD) : pick(BAD))).join('');
    const name = (): string => {
      const r = random();
      if (r < 0.05) return '@';
      const labels = Array.from({ length: 1 + Math.floor(random() * 2) }, label);
      if (random() < 0.15) labels.unshift('*');
      const n = labels.join('.');
      return random() < 0.3 ? `${n}.${pick(['hn.test.', 'example.', 'a_b.example.'])}` : n;
    };
    const LINES: (() => string)[] = [
      () => `${name()} IN A 192.0.2.9`,
      () => `${name()} IN AAAA 2001:db8::9`,
      () => `${name()} IN MX 10 ${name()}`,
      () => `@ IN MX 0 .`,
      () => `  IN A 192.0.2.10`,
      () => `d${Math.floor(random() * 1000)} IN NS ${name()}`,
      () => `_s._tcp IN SRV 0 5 5060 ${name()}`,
      () => `${name()} IN TXT "v=spf1 -all"`,
      () => `${name()} IN CNAME ${name()}`,
      () => `x IN AFSDB 1 ${name()}`,
      () => `x IN RT 10 ${name()}`,
      () => `x IN SVCB ${pick(['0', '1'])} ${name()}`,
      () => `x IN HTTPS 1 ${name()}`,
      () => `x IN KX 10 ${name()}`,
      () => `x IN RP ${name()} ${name()}`,
      () => `x IN MINFO ${name()} ${name()}`,
      () => `x IN PTR ${name()}`,
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-hostnames-'));
    let bindLines = 0;
    let records = 0;
    for (let z = 0; z < 12; z++) {
      // Forward zones, and one reverse zone in three (where PTR hosts are checked); SOA names at random too.
      const reverse = z % 3 === 2;
      const origin = reverse ? '2.0.192.in-addr.arpa' : 'hn.test';
      const soa = `@ IN SOA ${pick(['ns1', name()])} ${pick(['hostmaster', name()])} 1 7200 3600 1209600 300`;
      const body = Array.from({ length: 40 }, () => (reverse ? pick([...LINES, () => `${Math.floor(random() * 256)} IN PTR ${name()}`]) : pick(LINES))());
      records += body.length;
      const text = `$ORIGIN ${origin}.\n$TTL 3600\n${soa}\n@ IN NS ns1.hn.test.\n${body.join('\n')}\n`;
      const file = path.join(dir, `z${z}.zone`);
      fs.writeFileSync(file, text);
      const r = spawnSync(CHECKZONE, ['-k', 'fail', '-i', 'none', origin, file], { encoding: 'utf8' });
      const out: string = `${r.stdout}${r.stderr}`;
      // Lines BIND also refuses for another reason (CNAME and other data) are left out; out-of-zone data it reads, and checks.
      const otherLines = new Set<number>([...out.matchAll(/z\d+\.zone:(\d+): (?!.*check-names|ignoring out-of-zone|warning:)/g)].map((m) => Number(m[1])));
      const bind = new Set<number>([...out.matchAll(/z\d+\.zone:(\d+):.*check-names/g)].map((m) => Number(m[1])).filter((l) => !otherLines.has(l)));
      const index = new LineIndex(text);
      const ours = new Set<number>(
        analyzeZone(text, file, { origin })
          .findings.filter((f) => f.rule === RULE)
          .map((f) => index.positionAt(f.range.start).line + 1)
          .filter((l) => !otherLines.has(l)),
      );
      bindLines += bind.size;
      assert.deepEqual([...ours].sort((a, b) => a - b), [...bind].sort((a, b) => a - b), `zone ${z}:\n${text}\n${out}`);
    }
    t.diagnostic(`${records} records in 12 zones; named-checkzone flagged ${bindLines} lines for check-names, and so did we`);
    assert.ok(bindLines > 50);
  });
});
