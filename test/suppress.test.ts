/** Inline suppressions in each syntax, their findings, SARIF output and the "suppress" fix. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeZone } from '../server/src/service';
import { editAddsSuppression, SUPPRESSION_WORD, suppressionFix } from '../server/src/suppress';
import { applyFix, ROOT } from './helpers';

const rules = (text: string, uri: string) => analyzeZone(text, uri).findings.map((f) => f.rule);

describe('inline suppressions', () => {
  it('silence the next line in zone files, with a reason', () => {
    const text = '$ORIGIN example.com.\n; dmarc-lens-disable-next-line spf/ptr -- legacy relay, OPS-123\n@ IN TXT "v=spf1 ptr -all"\nmail IN TXT "v=spf1 ptr -all"\n';
    const r = rules(text, 'z.zone');
    assert.equal(r.filter((x) => x === 'spf/ptr').length, 1, 'only the unsuppressed record reports ptr');
  });

  it('work with # in Terraform and YAML and // in dnsconfig.js, and file-wide', () => {
    const tf = 'resource "aws_route53_record" "x" {\n  name = "example.com."\n  type = "TXT"\n  # dmarc-lens-disable-next-line spf/plus-all\n  records = ["v=spf1 +all"]\n}\n';
    assert.ok(!rules(tf, 'a.tf').includes('spf/plus-all'));
    const yaml = "_dmarc:\n  type: TXT\n  # dmarc-lens-disable-next-line dmarc/policy-none, dmarc/no-rua\n  value: v=DMARC1\\; p=none\n";
    const ry = rules(yaml, 'example.com.yaml');
    assert.ok(!ry.includes('dmarc/policy-none') && !ry.includes('dmarc/no-rua'), ry.join());
    const js = '// dmarc-lens-disable-file spf/plus-all -- test domain\nD("example.com", REG, TXT("@", "v=spf1 +all"));\n';
    assert.ok(!rules(js, 'dnsconfig.js').includes('spf/plus-all'));
  });

  it('report unused suppressions with a fix that removes them, and unknown rule ids', () => {
    const text = '$ORIGIN example.com.\n; dmarc-lens-disable-next-line spf/ptr\n@ IN TXT "v=spf1 mx -all"\n; dmarc-lens-disable-next-line spf/nope\n@ IN MX 10 mail\n';
    const a = analyzeZone(text, 'z.zone');
    const unused = a.findings.find((f) => f.rule === 'meta/unused-suppression')!;
    assert.equal(applyFix(text, unused.fixes![0]), text.replace('; dmarc-lens-disable-next-line spf/ptr\n', ''));
    assert.ok(a.findings.some((f) => f.rule === 'meta/unknown-rule' && f.message.includes('spf/nope')));
  });

  it('the suppress fix writes the comment in the file syntax above the finding, indented like it', () => {
    const tf = 'resource "x" "y" {\n    records = ["v=spf1 +all"]\n}\n';
    const f = analyzeZone('resource "aws_route53_record" "y" {\n    name = "example.com."\n    type = "TXT"\n    records = ["v=spf1 +all"]\n}\n', 'a.tf').findings.find((x) => x.rule === 'spf/plus-all')!;
    const text = 'resource "aws_route53_record" "y" {\n    name = "example.com."\n    type = "TXT"\n    records = ["v=spf1 +all"]\n}\n';
    const fixed = applyFix(text, suppressionFix(text, 'a.tf', f));
    assert.match(fixed, /\n    # dmarc-lens-disable-next-line spf\/plus-all -- \n    records/);
    assert.ok(!analyzeZone(fixed, 'a.tf').findings.some((x) => x.rule === 'spf/plus-all'));
    void tf;
  });

  it('appear in SARIF as suppressed results with their justification', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-sup-'));
    const file = path.join(dir, 'example.com.zone');
    fs.writeFileSync(file, '$ORIGIN example.com.\n; dmarc-lens-disable-next-line spf/plus-all -- sandbox domain\n@ IN TXT "v=spf1 +all"\n');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', file, '--format', 'sarif', '--offline'], { encoding: 'utf8' });
    assert.equal(r.status, 0, 'a suppressed error does not fail the check');
    const res = JSON.parse(r.stdout).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'spf/plus-all');
    assert.deepEqual(res.suppressions, [{ kind: 'inSource', justification: 'sandbox domain' }]);
  });

  it('an edit adds a suppression exactly when the word overlaps what it changed', () => {
    // Every placement of the word and every edit window in a short text: the answer is whether the
    // word occurs in the new text at a place that is not wholly in the untouched prefix or suffix.
    const pad = 'x'.repeat(8);
    for (let at = 0; at <= 16; at++) {
      const text = pad.slice(0, at % 9) + SUPPRESSION_WORD + pad;
      const start = at % 9;
      const end = start + SUPPRESSION_WORD.length;
      for (let prefix = 0; prefix <= text.length; prefix++)
        for (let suffix = 0; prefix + suffix <= text.length; suffix++) {
          const want = !(end <= prefix || start >= text.length - suffix);
          assert.equal(editAddsSuppression(text, prefix, suffix), want, `word at ${start}, prefix ${prefix}, suffix ${suffix}`);
        }
    }
    assert.equal(editAddsSuppression('no comment here', 3, 4), false);
  });
});
