/**
 * Differential test against BIND's named-checkzone: every line it rejects, we flag with an error
 * on the same line; a zone it loads gets no zone-syntax error from us. Skips when BIND is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone } from '../../server/src/service';
import { LineIndex } from '../../server/src/util/lines';
import { ROOT } from '../helpers';

const CHECKZONE = ['/usr/bin/named-checkzone', '/usr/sbin/named-checkzone'].find((p) => fs.existsSync(p));
const DIRS = [path.join(ROOT, 'test', 'fixtures', 'badzones'), path.resolve(ROOT, '..', 'shared', 'tools', 'dns-lab', 'testdata', 'badzones')];

function bindVerdict(file: string, origin: string): { ok: boolean; lines: number[]; eof: boolean } {
  const r = spawnSync(CHECKZONE!, ['-i', 'local', origin, file], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  const base = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = [...out.matchAll(new RegExp(`${base}:(\\d+):(.*)`, 'g'))].filter((m) => !/near eof/.test(m[2])).map((m) => Number(m[1]));
  return { ok: r.status === 0, lines: [...new Set(lines)], eof: /near eof/.test(out) };
}

describe('agreement with named-checkzone', () => {
  const files = DIRS.filter((d) => fs.existsSync(d)).flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.zone')).map((f) => path.join(d, f)));
  for (const file of files) {
    it(path.basename(file), (t) => {
      if (!CHECKZONE) return t.skip('named-checkzone not installed (apt-get install bind9-utils)');
      const origin = path.basename(file).replace(/\.(bad|ok)?\.?zone$/, '').replace(/^(?!.*\.test$)(.*)$/, 'bad.test');
      const text = fs.readFileSync(file, 'utf8');
      const verdict = bindVerdict(file, origin);
      const a = analyzeZone(text, file, { origin });
      const index = new LineIndex(text);
      const errorLines = new Set(a.findings.filter((f) => f.severity === 'error').map((f) => index.positionAt(f.range.start).line + 1));
      t.diagnostic(`bind: ${verdict.ok ? 'ok' : `rejects lines ${verdict.lines.join(',')}${verdict.eof ? ' + at eof' : ''}`}; we flag errors on lines ${[...errorLines].join(',')}`);
      if (verdict.ok) {
        assert.deepEqual(a.findings.filter((f) => f.rule.startsWith('zone/') && f.severity === 'error').map((f) => f.message), []);
        return;
      }
      for (const line of verdict.lines) assert.ok(errorLines.has(line), `named-checkzone rejects line ${line}, we do not flag it`);
      // BIND reports an unclosed parenthesis at end of file; we point at the `(` that is never closed.
      if (verdict.eof) assert.ok(a.findings.some((f) => f.rule === 'zone/unbalanced-parentheses'));
      assert.ok(errorLines.size > 0);
    });
  }
});
