/**
 * zone/rrset-ttl-mismatch: the records of one name and type with different TTLs, as named-checkzone
 * warns of them ("TTL set to prior TTL"), and the fix that gives a record the RRset's TTL.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyFix, covered, lint } from '../helpers';
import { analyzeZone, DocumentAnalyzer } from '../../server/src/service';
import type { Finding } from '../../server/src/types';

const RULE = 'zone/rrset-ttl-mismatch';
const of = (findings: Finding[]) => findings.filter((f) => f.rule === RULE);
const SOA = '@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';

describe('RRset TTLs', () => {
  it('a record whose TTL differs from the first of its name and type written with it is a warning; the fix writes the first one\'s', () => {
    // lint() puts `$TTL 300` first.
    const { text, findings } = lint(SOA + '@ IN TXT "google-site-verification=abc"\n@ 1h IN TXT "v=spf1 -all" ; spf\nwww 60 IN A 192.0.2.1\nwww IN A 192.0.2.2\n@ IN ( 600 ) MX 10 ns1');
    const found = of(findings);
    assert.deepEqual(found.map((f) => covered(text, f)), ['@ 1h IN TXT "v=spf1 -all"', 'www IN A 192.0.2.2']);
    assert.match(found[0].message, /This TXT record's TTL \(3600\) is not the one it is served with: the TXT records at `example\.com` form one RRset, which has one TTL \(RFC 2181 §5\.2\), and BIND serves it with 300, the TTL of the first TXT record of this name written with it/);
    assert.equal(found[0].related?.[0].message, 'the TXT record at example.com whose TTL, 300, the RRset is served with');
    assert.equal(found[0].fixes![0].title, 'TTL: set it to 300, the TTL the RRset is served with');
    const fixed = applyFix(text, found[0].fixes![0]);
    assert.equal(fixed, text.replace('@ 1h IN TXT', '@ 300 IN TXT'));
    assert.deepEqual(of(lint(fixed, {}, undefined, 'test.zone').findings).map((f) => covered(fixed, f)), ['www IN A 192.0.2.2']);
    // The second A record takes $TTL: the fix writes one before the class.
    assert.equal(applyFix(text, found[1].fixes![0]), text.replace('www IN A 192.0.2.2', 'www 60 IN A 192.0.2.2'));
  });

  it('records of a name and type written apart: the last group sets the TTL, and the records above it are flagged', () => {
    const { text, findings } = lint(SOA + 'www 3600 IN TXT "a"\nwww 3600 IN TXT "b"\nmail IN A 192.0.2.25\nwww 600 IN TXT "c"\nwww IN A 192.0.2.80');
    const found = of(findings);
    assert.deepEqual(found.map((f) => covered(text, f)), ['www 3600 IN TXT "a"', 'www 3600 IN TXT "b"']);
    assert.match(found[0].message, /BIND serves it with 600, the TTL of another TXT record of this name, written apart from this one further down \(the last group of them decides\)/);
    assert.equal(applyFix(text, found[0].fixes![0]), text.replace('www 3600 IN TXT "a"', 'www 600 IN TXT "a"'));
  });

  it('no fix without a $TTL (a later record would inherit the TTL written), nor a finding for RRSIGs, which differ by the RRset they cover', () => {
    const noTtl = of(analyzeZone('$ORIGIN example.com.\n@ 300 IN TXT "a"\n@ 600 IN TXT "b"\nwww IN A 192.0.2.1\n', 'z.zone').findings);
    assert.equal(noTtl.length, 1);
    assert.equal(noTtl[0].fixes?.length ?? 0, 0);
    assert.deepEqual(of(lint('txt 300 IN RRSIG TXT 13 3 300 20361231000000 20261201000000 2371 example.com. AAAA\ntxt 60 IN RRSIG A 13 3 60 20361231000000 20261201000000 2371 example.com. AAAA').findings), []);
  });

  it('the fix still changes the right characters after edits move the record (incremental re-read)', () => {
    const doc = new DocumentAnalyzer('z.zone', { origin: 'example.com' });
    let text = `$ORIGIN example.com.\n$TTL 300\n@ IN TXT "a"\n@ 600 IN TXT "b"\n`;
    doc.update(text, { model: true });
    // A record of the same name and a comment: the records stay one group.
    for (const insert of ['@ IN A 192.0.2.80\n', '; a comment line that moves what follows\n']) {
      text = text.replace('@ 600', `${insert}@ 600`);
      const f = of(doc.update(text, { model: true }).findings)[0];
      assert.equal(applyFix(text, f.fixes![0]), text.replace('@ 600', '@ 300'));
    }
  });
});

describe('RRset TTLs as BIND serves them', () => {
  const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
  const COMPILEZONE = ['/usr/bin/named-compilezone', '/usr/sbin/named-compilezone'].find((p) => fs.existsSync(p));
  it('300 random zones: we flag exactly the records not served with their TTL, and every fix applied leaves none', (t) => {
    if (!CHECKZONE || !COMPILEZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ttl-'));
    const file = path.join(dir, 'ttl.zone');
    const inc = path.join(dir, 'part.inc');
    const readFile = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
    let seed = Number(process.env.DL_FUZZ_SEED ?? 11);
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const record = (k: number) => {
      const owner = pick(['@', 'www', 'mail', '']);
      const ttl = pick(['', '', '300', '600', '1h', '60']);
      const [type, data] = pick([['TXT', `"t${k}"`], ['A', `192.0.2.${10 + k}`], ['MX', `${k} ns1`]]);
      const cls = pick(['IN ', '']);
      return `${owner === '' ? ' ' : owner} ${random() < 0.5 ? `${ttl} ${cls}` : `${cls}${ttl} `}${type} ${data}`.replace(/ +/g, ' ').replace(/^ (?=\S)/, '  ');
    };
    // What BIND serves: the TTL of each RRset, from its canonical dump.
    const served = () => {
      const r = spawnSync(COMPILEZONE, ['-q', '-i', 'none', '-s', 'full', '-o', '-', 'ttl.test', file], { encoding: 'utf8' });
      const out = new Map<string, number>();
      for (const line of r.stdout.split('\n')) {
        const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)/.exec(line);
        if (m) out.set(`${m[1].replace(/\.$/, '')} ${m[3]}`, Number(m[2]));
      }
      return out;
    };
    const ttlWarnings = () => {
      const r = spawnSync(CHECKZONE, ['-i', 'local', 'ttl.test', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      return (`${r.stdout}${r.stderr}`.match(/TTL set to prior TTL/g) ?? []).length;
    };
    let flagged = 0;
    let apart = 0;
    let fixedAll = 0;
    try {
      for (let n = 0; n < 300; n++) {
        const withTtl = random() < 0.7;
        const lines = ['$ORIGIN ttl.test.', ...(withTtl ? ['$TTL 300'] : []), '@ 3600 IN SOA ns1 hostmaster 1 7200 900 1209600 300', '@ IN NS ns1', 'ns1 IN A 192.0.2.1'];
        for (let k = 0; k < 12; k++) lines.push(k === 6 && random() < 0.3 ? `$INCLUDE ${inc}` : record(k));
        fs.writeFileSync(inc, `${record(20).replace(/^\s+/, 'www ')}\n${record(21)}\n`);
        const text = `${lines.join('\n')}\n`;
        fs.writeFileSync(file, text);
        ttlWarnings();
        const bind = served();
        const a = analyzeZone(text, file, { origin: 'ttl.test', readFile });
        const found = of(a.findings);
        const key = (r: { owner?: string; type: string }) => `${r.owner} ${r.type}`;
        // Our reading of each record's TTL agrees with BIND wherever its RRset has one TTL; flagged are exactly the others.
        const expected = a.zone.records.filter((r) => r.type !== 'SOA' && r.ttl !== bind.get(key(r)));
        const at = (x: { uri: string; range: { start: number } }) => `${path.basename(x.uri)}@${x.range.start}`;
        assert.deepEqual(found.map(at).sort(), expected.map(at).sort(), `${text}\n${fs.readFileSync(inc, 'utf8')}`);
        for (const f of found) assert.match(f.message, new RegExp(`serves it with ${bind.get(key(a.zone.records.find((r) => r.uri === f.uri && r.range.start === f.range.start)!))},`));
        flagged += found.length;
        apart += found.filter((f) => /written apart/.test(f.message)).length;
        if (found.length === 0 || found.some((f) => !f.fixes?.length || f.uri !== file)) continue;
        // Every fix at once (they touch different records): BIND serves the same TTLs and warns of nothing; we flag nothing.
        const edits = found.flatMap((f) => f.fixes![0].edits).sort((x, y) => y.range.start - x.range.start);
        let fixed = text;
        for (const e of edits) fixed = fixed.slice(0, e.range.start) + e.newText + fixed.slice(e.range.end);
        fs.writeFileSync(file, fixed);
        assert.equal(ttlWarnings(), 0, fixed);
        assert.deepEqual(served(), bind);
        assert.deepEqual(of(analyzeZone(fixed, file, { origin: 'ttl.test', readFile }).findings), []);
        fixedAll++;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    t.diagnostic(`${flagged} records not served with their TTL, each flagged (${apart} of them by a group written further down); ${fixedAll} zones fixed whole`);
    assert.ok(flagged > 100 && apart > 10 && fixedAll > 5, `${flagged} ${apart} ${fixedAll}`);
  });
});
