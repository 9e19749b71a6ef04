/** `dmarc-lens check --baseline FILE`: write, then report only new findings; survives edits elsewhere. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const run = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });

describe('baselines', () => {
  it('writes the current findings, then reports only new ones, even after lines are inserted above', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-base-'));
    const zone = path.join(dir, 'example.com.zone');
    fs.writeFileSync(zone, '$ORIGIN example.com.\n@ IN TXT "v=spf1 ptr +all"\n_dmarc IN TXT "v=DMARC1; p=none"\n');
    const first = run(dir, 'check', '.', '--offline', '--baseline', 'baseline.json');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /baseline written: \d+ findings/);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    assert.ok(saved.findings.some((e: { rule: string; path: string }) => e.rule === 'spf/plus-all' && e.path === 'example.com.zone'));

    // Unrelated lines above the records move every finding down: the baseline still matches.
    fs.writeFileSync(zone, '$ORIGIN example.com.\n$TTL 300\n; a comment\nwww IN A 192.0.2.1\n@ IN TXT "v=spf1 ptr +all"\n_dmarc IN TXT "v=DMARC1; p=none"\n');
    const again = run(dir, 'check', '.', '--offline', '--baseline', 'baseline.json');
    assert.equal(again.status, 0, again.stdout);
    assert.match(again.stdout, /1 file checked: 0 errors, 0 warnings, 0 information/);

    // A new problem is reported; entries whose record changed are listed as no longer occurring (a
    // finding is fingerprinted by its record's owner and value: edit the record, review it again).
    fs.writeFileSync(zone, '$ORIGIN example.com.\n@ IN TXT "v=spf1 ptr -all"\n_dmarc IN TXT "v=DMARC1; p=none"\nmail IN TXT "v=spf1 +all"\n');
    const third = run(dir, 'check', '.', '--offline', '--baseline', 'baseline.json');
    assert.equal(third.status, 1);
    assert.match(third.stdout, /example\.com\.zone:4:\d+: error spf\/plus-all/);
    assert.match(third.stdout, /example\.com\.zone:2:\d+: warning spf\/ptr/);
    assert.doesNotMatch(third.stdout, /_dmarc|dmarc\//, 'the unchanged DMARC record keeps its baselined findings');
    assert.match(third.stderr, /2 baseline entries no longer occur \(example\.com\.zone spf\/plus-all, example\.com\.zone spf\/ptr\)/);
  });
});
