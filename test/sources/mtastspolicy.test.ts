/** MTA-STS policy files (RFC 8461 §3.2): read line by line, problems on their characters, fixes where the intent is plain. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyFix, covered, ROOT } from '../helpers';
import { analyzeZone, readZone } from '../../server/src/service';
import { WorkspaceIndex } from '../../server/src/workspace';
import { mxMatches } from '../../server/src/sources/mtastspolicy';

const GOOD = 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.mail.example.net\nmax_age: 1209600\n';
const check = (text: string) => analyzeZone(text, '/site/.well-known/mta-sts.txt', {});
const found = (text: string) => check(text).findings.map((f) => [f.rule, covered(text, f)]);

describe('MTA-STS policy files', () => {
  it('read a good policy, with LF or CRLF lines, and find nothing', () => {
    assert.equal(check(GOOD).zone.format, 'mta-sts-policy');
    assert.deepEqual(found(GOOD), []);
    assert.deepEqual(found(GOOD.replaceAll('\n', '\r\n')), []);
  });

  it('put each problem on its characters, CRLF or not', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['version: STSV1', 'mode: Enforced', 'mx: mail.example.com.', 'mx: mail.example.com:25', 'max_age: 99999999999', 'max_age: 5', 'mode : testing', 'junk', ''].join(eol);
      assert.deepEqual(found(text), [
        ['mta-sts/policy-syntax', 'STSV1'],
        ['mta-sts/policy-syntax', 'Enforced'],
        ['mta-sts/policy-syntax', 'mail.example.com.'],
        ['mta-sts/policy-syntax', 'mail.example.com:25'],
        ['mta-sts/policy-syntax', '99999999999'],
        ['mta-sts/policy-syntax', 'max_age: 5'],
        ['mta-sts/policy-syntax', 'mode '],
        ['mta-sts/policy-syntax', 'junk'],
      ]);
    }
  });

  it('fix a mode\'s spelling, the version\'s case, a trailing dot and a max_age over a year, byte for byte', () => {
    const text = 'version: stsv1\nmode: Enforce\nmx: mail.example.com.\nmax_age: 40000000\n';
    let fixed = text;
    for (let i = 0; i < 4; i++) {
      const f = check(fixed).findings.find((x) => x.fixes?.length);
      if (f) fixed = applyFix(fixed, f.fixes![0]);
    }
    assert.equal(fixed, 'version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557600\n');
    assert.deepEqual(found(fixed), []);
  });

  it('say what is missing: required lines, and an mx under enforce', () => {
    const missing = check('mode: enforce\n').findings.map((f) => f.message);
    assert.ok(missing.some((m) => /no `version` line/.test(m)));
    assert.ok(missing.some((m) => /no `max_age` line/.test(m)));
    assert.ok(missing.some((m) => /with no `mx` line matches no MX host/.test(m)));
    assert.deepEqual(found('version: STSv1\nmode: none\nmax_age: 86400\n'), [['mta-sts/policy-mode', 'none']]);
  });

  it('note testing mode and a max_age under a day', () => {
    const text = GOOD.replace('enforce', 'testing').replace('1209600', '3600');
    assert.deepEqual(found(text), [
      ['mta-sts/policy-mode', 'testing'],
      ['mta-sts/policy-max-age', '3600'],
    ]);
  });

  it('are found by check in a .well-known folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-mtasts-'));
    fs.mkdirSync(path.join(dir, 'site', '.well-known'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site', '.well-known', 'mta-sts.txt'), GOOD.replace('enforce', 'enforcing'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', dir, '--offline'], { encoding: 'utf8' });
    assert.match(r.stdout, /site\/\.well-known\/mta-sts\.txt:2:7: error mta-sts\/policy-syntax `mode: enforcing` is not `enforce`/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never throw, and every finding and fix lies inside the file', () => {
    const piece = fc.constantFrom('version', 'mode', 'mx', 'max_age', ':', ': ', ' ', '\n', '\r\n', '\r', 'STSv1', 'enforce', 'Testing', 'none', '*.', 'mail.example.com', '.', '604800', '99999999999', '-', '\u00e9', '#');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (ps) => {
        const text = ps.join('');
        for (const f of check(text).findings) {
          for (const r of [f.range, ...(f.fixes ?? []).flatMap((x) => x.edits.map((e) => e.range))]) assert.ok(0 <= r.start && r.start <= r.end && r.end <= text.length, JSON.stringify([text, r]));
        }
      }),
      { numRuns: Number(process.env.DL_PROPERTY_RUNS ?? 300) },
    );
  });

  it('match MX hosts as RFC 8461 §4.1 says: the name, or *. and one label more', () => {
    assert.ok(mxMatches('mx1.example.com', 'mx1.example.com'));
    assert.ok(mxMatches('mx1.example.com', '*.example.com'));
    assert.ok(!mxMatches('a.mx1.example.com', '*.example.com'));
    assert.ok(!mxMatches('example.com', '*.example.com'));
    assert.ok(!mxMatches('mx1.example.com.evil', '*.example.com'));
  });

  it('are checked against the MX hosts of the domain whose MX they match, and only that domain', () => {
    const ws = new WorkspaceIndex();
    const zone = '$ORIGIN example.com.\n@ IN MX 10 mx1\n@ IN MX 20 backup.mail.example.org.\n_mta-sts IN TXT "v=STSv1; id=1"\n' + '$ORIGIN other.example.\n@ IN MX 10 mx.other.example.\n_mta-sts IN TXT "v=STSv1; id=1"\n' + '$ORIGIN nullmx.example.\n@ IN MX 0 .\n_mta-sts IN TXT "v=STSv1; id=1"\n';
    const z = readZone(zone, 'db.example');
    ws.set('db.example', z.zone.records, z.sites);
    const policy = (mode: string, mx: string[]) => `version: STSv1\nmode: ${mode}\n${mx.map((m) => `mx: ${m}\n`).join('')}max_age: 1209600\n`;
    const run = (text: string) => analyzeZone(text, '/site/mta-sts.txt', { workspace: ws }).findings.filter((f) => f.rule === 'mta-sts/policy-mx-mismatch');
    const enforce = run(policy('enforce', ['*.example.com']));
    assert.deepEqual(enforce.map((f) => [f.severity, f.message.split(',')[0]]), [['error', '`backup.mail.example.org`']]);
    assert.equal(enforce[0].related?.[0].uri, 'db.example');
    assert.equal(run(policy('testing', ['mx1.example.com']))[0].severity, 'warning');
    assert.deepEqual(run(policy('enforce', ['mx1.example.com', 'backup.mail.example.org'])), []);
    // A policy whose patterns match none of a domain's MX hosts is not that domain's; mode none applies nothing.
    assert.deepEqual(run(policy('enforce', ['mail.unrelated.example'])), []);
    assert.deepEqual(run(policy('none', ['mx1.example.com'])), []);
  });
});
