/** The fallback for any other text file: quoted literals that start like a record, exact ranges, fixes in the literal's syntax. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeZone } from '../../server/src/service';
import { applyFix, covered } from '../helpers';
import { HOLE } from '../../server/src/records/holes';

const check = (text: string, uri: string) => analyzeZone(text, uri, { format: 'text' });

describe('fallback for other text files', () => {
  it('finds records in Python, JavaScript and JSON strings with exact ranges; owner rules stay silent', () => {
    const py = 'SPF = "v=spf1 include:_spf.google.com +all"\nDMARC = \'v=DMARC1; p=none; pct=50\'\nprint("v=spf1 is great")\n';
    const a = check(py, 'settings.py');
    assert.deepEqual(a.sites.map((s) => s.site.value), ['v=spf1 include:_spf.google.com +all', 'v=DMARC1; p=none; pct=50', 'v=spf1 is great']);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(py, plus), '+all');
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(py, pct), 'pct=50');
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/wrong-owner' || f.rule === 'dmarc/missing-record'));
  });

  it('finds BIMI records too, with the record rules and no owner rules', () => {
    const js = 'const bimi = `v=BIMI1; l=http://cdn.example.com/logo.png; a=${vmc}`;\n';
    const a = check(js, 'bimi.js');
    assert.deepEqual(a.sites.map((s) => s.kind), ['bimi']);
    assert.deepEqual(a.findings.filter((f) => f.rule.startsWith('bimi/')).map((f) => [f.rule, covered(js, f)]), [
      ['bimi/invalid-uri', 'http://cdn.example.com/logo.png'],
      ['bimi/logo-format', 'http://cdn.example.com/logo.png'],
    ]);
  });

  it('maps through escapes, and writes fixes back in the literal\'s syntax', () => {
    const js = 'const rec = "v=spf1 ip4:192.0.2.1 \\"x\\" +all";\n';
    const a = check(js, 'deploy.js');
    assert.equal(a.sites[0].site.value, 'v=spf1 ip4:192.0.2.1 "x" +all');
    const f = a.findings.find((x) => x.rule === 'spf/plus-all')!;
    assert.equal(covered(js, f), '+all');
    const fixed = applyFix(js, f.fixes![0]);
    assert.equal(fixed, js.replace('+all', f.fixes![0].title.includes('~all') ? '~all' : '-all'));
  });

  it('ignores text without a record, unterminated literals, and words that only look alike', () => {
    assert.equal(check('# no records here\n', 'a.md').sites.length, 0);
    assert.equal(check('x = "v=spf1 -all\n', 'b.py').sites.length, 0);
    assert.equal(check('x = "v=spf10 -all"\n', 'c.py').sites.length, 0);
  });

  it('reads a literal the program fills in or appends to around the parts it does not know (records/holes)', () => {
    const py = [
      'a = f"v=DMARC1; p={policy}; pct=100; rua=mailto:d@example.com"',
      'b = "v=DMARC1; p=%s; pct=50" % policy',
      'c = "v=spf1 {} +all".format(include)',
      'd = "v=spf1 ptr " + extra',
      'e = prefix + "v=spf1 -all"',
      'g = f"v=spf1 {{literal}} -all"',
      'h = `v=DMARC1; p=${policy}`',
      '',
    ].join('\n');
    const a = check(py, 'mail.py');
    assert.deepEqual(a.sites.map((s) => [s.site.value.replaceAll(HOLE, '…'), !!s.site.holes]), [
      ['v=DMARC1; p=…; pct=100; rua=mailto:d@example.com', true],
      ['v=DMARC1; p=…; pct=50', true],
      ['v=spf1 … +all', true],
      ['v=spf1 ptr …', true],
      ['v=spf1 {literal} -all', false],
      ['v=DMARC1; p=…', true],
    ]);
    const rules = a.findings.map((f) => `${covered(py, f)} ${f.rule}`);
    // `{{literal}}` is a literal `{literal}` in an f-string: a term SPF does not know.
    assert.deepEqual(rules, ['pct=100 dmarc/pct-removed', 'pct=50 dmarc/pct-removed', '+all spf/plus-all', 'ptr spf/ptr', '{{literal}} spf/syntax-error']);
    // Before, `{policy}` and `%s` were read as the policy: `p=%s` is not valid.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/invalid-value' || f.rule === 'spf/no-all' || f.rule === 'dmarc/no-rua'), rules.join('\n'));
  });
});
