/**
 * BIMI assertion records (draft-brand-indicators-for-message-identification-10): recognised at
 * `<selector>._bimi.<domain>`, parsed with ranges, and checked: version, tag list, the logo and
 * evidence URIs, lps/avp, where the record is and how many there are; hover, completion, inventory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
// The service first, as the CLI and the server load it (the rule modules import each other through it).
import { applyFix, assertRulesStayInValue, covered, lint } from '../helpers';
import { parseBimi } from '../../server/src/records/bimi';
import { bimiRules } from '../../server/src/checks/bimi';
import { hoverAt } from '../../server/src/features/hover';
import { completeAt } from '../../server/src/features/completion';
import { semanticTokens } from '../../server/src/features/outline';

const LOGO = 'https://example.com/brand/logo.svg';
const VMC = 'https://example.com/brand/vmc.pem';
const ruled = (lines: string, rule: string) => {
  const r = lint(lines);
  return { ...r, found: r.findings.filter((f) => f.rule === rule) };
};

describe('BIMI records', () => {
  it('are recognised at <selector>._bimi, in any case of v=BIMI1, and without v at a _bimi name', () => {
    const { sites } = lint(`default._bimi IN TXT "v=BIMI1; l=${LOGO}"\nbrand.news._bimi IN TXT "v=bimi1; l=${LOGO}"\nx._bimi IN TXT "l=${LOGO}; a="\n@ IN TXT "l=not bimi"`);
    assert.deepEqual(
      sites.map((s) => [s.site.owner, s.kind]),
      [
        ['default._bimi.example.com', 'bimi'],
        ['brand.news._bimi.example.com', 'bimi'],
        ['x._bimi.example.com', 'bimi'],
        ['example.com', undefined],
      ],
    );
    assert.deepEqual([...sites[0].bimi!.byName.keys()], ['v', 'l']);
  });

  it('a version not exactly v=BIMI1 first is an error, with a fix that writes it', () => {
    for (const [record, fixed] of [
      [`v=bimi1; l=${LOGO}`, `v=BIMI1; l=${LOGO}`],
      [`V=BIMI1; l=${LOGO}`, `v=BIMI1; l=${LOGO}`],
      [`l=${LOGO}; a=${VMC}`, `v=BIMI1; l=${LOGO}; a=${VMC}`],
      [`l=${LOGO}; v=BIMI1`, `v=BIMI1; l=${LOGO}`],
    ]) {
      const { text, found } = ruled(`default._bimi IN TXT "${record}"`, 'bimi/invalid-version');
      assert.equal(found.length, 1, record);
      assert.equal(applyFix(text, found[0].fixes![0]), text.replace(record, fixed), record);
    }
    assert.equal(ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}"`, 'bimi/invalid-version').found.length, 0);
  });

  it('tag list errors: a part that is not tag=value, a tag twice, an upper-case name, no l=', () => {
    const { text, found } = ruled(`default._bimi IN TXT "v=BIMI1; L=${LOGO}; a=${VMC}; a=${VMC}; junk"`, 'bimi/syntax-error');
    assert.deepEqual(found.map((f) => covered(text, f)), ['L', `a=${VMC}`, 'junk']);
    assert.equal(applyFix(text, found[0].fixes![0]), text.replace('L=', 'l='));
    assert.match(ruled(`default._bimi IN TXT "v=BIMI1; a=${VMC}"`, 'bimi/syntax-error').found[0].message, /no `l=` tag, which is required/);
    // A declination writes l= empty: that is an l= tag.
    assert.equal(ruled('default._bimi IN TXT "v=BIMI1; l=; a=;"', 'bimi/syntax-error').found.length, 0);
  });

  it('l= and a= must each be one HTTPS URI with a domain name', () => {
    const cases: [string, RegExp | undefined][] = [
      [LOGO, undefined],
      ['https://cdn.example.net/a/b/logo.svg?v=2', undefined],
      ['http://example.com/logo.svg', /uses `http:`; only HTTPS is allowed/],
      ['/brand/logo.svg', /is not an absolute URI/],
      ['https://192.0.2.1/logo.svg', /not a fully qualified domain name/],
      ['https://localhost/logo.svg', /not a fully qualified domain name/],
      [`${LOGO},https://example.com/brand/logo2.svg`, /more than one URI/],
    ];
    for (const [uri, want] of cases) {
      const { text, found } = ruled(`default._bimi IN TXT "v=BIMI1; l=${uri}; a=${VMC}"`, 'bimi/invalid-uri');
      if (!want) assert.equal(found.length, 0, uri);
      else {
        assert.equal(found.length, 1, uri);
        assert.match(found[0].message, want);
        assert.equal(covered(text, found[0]), uri);
      }
    }
    const a = ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=ftp://example.com/vmc.pem"`, 'bimi/invalid-uri').found;
    assert.match(a[0].message, /cannot fetch the mark certificate/);
  });

  it('the logo must be SVG: another image suffix is a permanent error, SVGZ and no suffix are not', () => {
    const at = (uri: string) => ruled(`default._bimi IN TXT "v=BIMI1; l=${uri}; a=${VMC}"`, 'bimi/logo-format').found;
    assert.match(at('https://example.com/logo.PNG')[0].message, /`\.png` file/);
    assert.equal(at('https://example.com/logo.jpg?size=2').length, 1);
    for (const ok of [LOGO, 'https://example.com/logo.svgz', 'https://example.com/logo', 'https://example.com/logo.png.svg']) assert.equal(at(ok).length, 0, ok);
  });

  it('says when no mark certificate is given, but not for a declination', () => {
    assert.match(ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}"`, 'bimi/no-evidence').found[0].message, /no `a=`/);
    assert.match(ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; a="`, 'bimi/no-evidence').found[0].message, /`a=` is empty/);
    assert.equal(ruled('default._bimi IN TXT "v=BIMI1; l=; a=;"', 'bimi/no-evidence').found.length, 0);
    assert.equal(ruled('default._bimi IN TXT "v=BIMI1; l=; a=;"', 'bimi/invalid-uri').found.length, 0);
  });

  it('lps and avp take their values only', () => {
    const { text, found } = ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}; lps=yes; avp=logo"`, 'bimi/invalid-value');
    assert.deepEqual(found.map((f) => covered(text, f)), ['yes', 'logo']);
    assert.match(found[1].message, /may treat the whole record as failing/);
    assert.equal(ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}; lps=true; avp=personal"`, 'bimi/invalid-value').found.length, 0);
  });

  it('is found only at <selector>._bimi.<domain>, once', () => {
    const wrong = ruled(`_bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"\n@ IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"\nbrand.news._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`, 'bimi/wrong-owner').found;
    assert.deepEqual(
      wrong.map((f) => f.message.split(':')[1].trim()),
      ['receivers query `<selector>._bimi.example.com`, `default._bimi.example.com` unless the mail names a selector (BIMI §4.3, §7.2).', 'receivers query `default._bimi.example.com` (BIMI §4.3, §7.2).'],
    );
    const two = ruled(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"\ndefault._bimi IN TXT "v=BIMI1; l=https://example.com/2.svg; a=${VMC}"\nother._bimi IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`, 'bimi/multiple-records').found;
    assert.equal(two.length, 2);
    assert.match(two[0].message, /`default\._bimi\.example\.com` has 2 BIMI records/);
    assert.equal(two[0].related?.length, 1);
  });

  it('the enforcement rule reads the domain after a selector with dots', () => {
    const { findings } = lint(`_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"\nbrand.news._bimi.shop IN TXT "v=BIMI1; l=${LOGO}; a=${VMC}"`);
    assert.match(findings.find((f) => f.rule === 'dmarc/bimi-without-enforcement')!.message, /no BIMI logo for shop\.example\.com yet/);
  });

  it('hover explains a tag and completion offers the version, the tags and their values', () => {
    const { text, sites } = lint(`default._bimi IN TXT "v=BIMI1; l=${LOGO}; avp="\nsel._bimi IN TXT ""`);
    const [a, empty] = sites;
    assert.match(hoverAt(a, text.indexOf('l=') + 1)!.markdown, /BIMI tag `l`.*\n\nLocation of the logo/);
    assert.deepEqual(completeAt(a, text.indexOf('avp=') + 4).map((c) => c.label), ['brand', 'personal']);
    assert.deepEqual(completeAt(empty, text.lastIndexOf('""') + 1).map((c) => c.label), ['v=BIMI1;']);
    // Semantic tokens: the version a keyword, tag names properties, the logo URI a string.
    const tokens = semanticTokens([a], 'test.zone').map((t) => [text.slice(t.start, t.end), t.type]);
    assert.deepEqual(tokens.slice(0, 4), [['v', 'keyword'], ['BIMI1', 'keyword'], ['l', 'property'], [LOGO, 'string']]);
  });

  it('the parser and the rules never throw, and every range lies in the value', () => {
    const piece = fc.constantFrom('v=BIMI1', 'v=bimi1', 'l=', 'a=', 'lps=', 'avp=', LOGO, VMC, 'http://', 'https://', '.png', ',', ';', ' ', '=', 'true', 'brand', 'L=', '\u00e9', '%');
    assertRulesStayInValue(parseBimi, bimiRules, piece);
  });
});
