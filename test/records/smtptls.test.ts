/**
 * SMTP TLS Reporting (RFC 8460) and MTA-STS (RFC 8461) records: recognised at their names (also
 * misspelt), checked field by field with fixes, and across records (where, how many, the policy host);
 * hover, completion and inventory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
// The service first, as the CLI and the server load it (the rule modules import each other through it).
import { applyFix, assertRulesStayInValue, covered, lint } from '../helpers';
import { parseSmtpTls } from '../../server/src/records/smtptls';
import { smtpTlsRules } from '../../server/src/checks/smtptls';
import { hoverAt } from '../../server/src/features/hover';
import { completeAt } from '../../server/src/features/completion';

const ruled = (lines: string, rule: string) => {
  const r = lint(lines);
  return { ...r, found: r.findings.filter((f) => f.rule === rule) };
};

describe('TLS-RPT records', () => {
  it('are recognised at _smtp._tls, also with a misspelt version, and a good one is quiet', () => {
    const { sites, findings } = lint('_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.net/tlsrpt"\n_smtp._tls.shop IN TXT "v=TSLRPTv1; rua=mailto:tls@example.com"');
    assert.deepEqual(sites.map((s) => s.kind), ['tlsrpt', 'tlsrpt']);
    assert.deepEqual(findings.filter((f) => f.rule.startsWith('tlsrpt/')).map((f) => [f.rule, f.message.split(' ')[0]]), [['tlsrpt/invalid-version', '`v=TSLRPTv1`']]);
  });

  it('fixes the version: misspelt, another case, spaces around =, not first, missing', () => {
    for (const [record, fixed] of [
      ['v=TSLRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:a@example.com'],
      ['v=tlsrptv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:a@example.com'],
      ['v = TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:a@example.com'],
      ['rua=mailto:a@example.com; v=TLSRPTv1', 'v=TLSRPTv1; rua=mailto:a@example.com'],
      ['rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:a@example.com'],
    ]) {
      const { text, found } = ruled(`_smtp._tls IN TXT "${record}"`, 'tlsrpt/invalid-version');
      assert.equal(found.length, 1, record);
      assert.equal(applyFix(text, found[0].fixes![0]), text.replace(record, fixed), record);
    }
  });

  it('checks each rua destination on its own characters', () => {
    const { text, found } = ruled('_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:ok@example.com, tls@example.com ,http://r.example.net/x,mailto:a@example.com!10m,https://r.example.net/tlsrpt"', 'tlsrpt/invalid-uri');
    assert.deepEqual(found.map((f) => covered(text, f)), ['tls@example.com', 'http://r.example.net/x', 'mailto:a@example.com!10m']);
    assert.match(found[0].message, /lacks the `mailto:` scheme/);
    assert.match(found[1].message, /uses `http:`; reports are POSTed only to `https:` URIs/);
    assert.match(found[2].message, /`!size` limit is not part of TLS-RPT/);
    // Each fix mends its destination and nothing else.
    assert.deepEqual(
      found.map((f) => covered(applyFix(text, f.fixes![0]), { ...f, range: { start: f.range.start, end: f.range.end + (applyFix(text, f.fixes![0]).length - text.length) } })),
      ['mailto:tls@example.com', 'https://r.example.net/x', 'mailto:a@example.com'],
    );
    assert.match(ruled('_smtp._tls IN TXT "v=TLSRPTv1; rua=ftp://r.example.net/x"', 'tlsrpt/invalid-uri').found[0].message, /uses `ftp:`/);
  });

  it('needs rua, and no spaces around =', () => {
    assert.match(ruled('_smtp._tls IN TXT "v=TLSRPTv1"', 'tlsrpt/syntax-error').found[0].message, /no `rua=` field/);
    const { text, found } = ruled('_smtp._tls IN TXT "v=TLSRPTv1; rua =mailto:a@example.com"', 'tlsrpt/syntax-error');
    assert.equal(applyFix(text, found[0].fixes![0]), text.replace('rua =', 'rua='));
  });

  it('one record at _smtp._tls, and only there', () => {
    const two = ruled('_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:a@example.com"\n_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:b@example.com"', 'tlsrpt/multiple-records').found;
    assert.equal(two.length, 2);
    // Thousands at one name: each finding points at the first few others, not all (n² related places).
    const many = ruled(Array.from({ length: 2000 }, (_, i) => `_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:r${i}@example.com"`).join('\n'), 'tlsrpt/multiple-records').found;
    assert.equal(many.length, 2000);
    assert.ok(many.every((f) => f.related!.length === 10));
    const wrong = ruled('_tls IN TXT "v=TLSRPTv1; rua=mailto:a@example.com"\n@ IN TXT "v=TLSRPTv1; rua=mailto:a@example.com"', 'tlsrpt/wrong-owner').found;
    assert.deepEqual(wrong.map((f) => f.message.match(/query `([^`]+)`/)![1]), ['_smtp._tls.example.com', '_smtp._tls.example.com']);
  });
});

describe('MTA-STS records', () => {
  it('checks the id: 1 to 32 letters and digits, with a fix that drops the rest', () => {
    const { text, found } = ruled('_mta-sts IN TXT "v=STSv1; id=2026-11-28T12:00"', 'mta-sts/invalid-id');
    assert.match(found[0].message, /holds `-:`/);
    assert.equal(applyFix(text, found[0].fixes![0]), text.replace('2026-11-28T12:00', '20261128T1200'));
    assert.match(ruled(`_mta-sts IN TXT "v=STSv1; id=${'a'.repeat(33)}"`, 'mta-sts/invalid-id').found[0].message, /is 33 characters long/);
    assert.equal(ruled('_mta-sts IN TXT "v=STSv1; id=20261128T1200; ext=x"', 'mta-sts/invalid-id').found.length, 0);
    assert.match(ruled('_mta-sts IN TXT "v=STSv1"', 'mta-sts/syntax-error').found[0].message, /no `id=` field/);
  });

  it('wants mta-sts.<domain> to serve the policy, when the zone holds the domain', () => {
    const rule = 'mta-sts/no-policy-host';
    assert.match(ruled('@ IN MX 10 mail\n_mta-sts IN TXT "v=STSv1; id=1"', rule).found[0].message, /No A, AAAA or CNAME record for `mta-sts\.example\.com`/);
    assert.equal(ruled('@ IN MX 10 mail\n_mta-sts IN TXT "v=STSv1; id=1"\nmta-sts IN A 192.0.2.10', rule).found.length, 0);
    assert.equal(ruled('@ IN MX 10 mail\n_mta-sts IN TXT "v=STSv1; id=1"\n* IN CNAME web.example.net.', rule).found.length, 0);
    // A provider's alias record (octoDNS Route53Provider/ALIAS, as the corpus's zones publish it) resolves too.
    const octo = 'mta-sts:\n  type: Route53Provider/ALIAS\n  value:\n    name: d1.cloudfront.net.\n    type: A\n_mta-sts:\n  type: TXT\n  value: v=STSv1\\; id=1\n"":\n  type: MX\n  value:\n    exchange: mail.example.org.\n    preference: 10\n';
    assert.deepEqual(lint(octo, {}, undefined, 'example.org.yaml').findings.filter((f) => f.rule === rule), []);
    assert.equal(lint(octo.slice(octo.indexOf('_mta-sts:')), {}, undefined, 'example.org.yaml').findings.filter((f) => f.rule === rule).length, 1);
    // A zone that does not hold the domain: its other records may be published elsewhere.
    assert.equal(ruled('_mta-sts.other IN TXT "v=STSv1; id=1"', rule).found.length, 0);
  });

  it('wants mta-sts.<domain> too when _mta-sts is a CNAME to a policy kept elsewhere', () => {
    const rule = 'mta-sts/no-policy-host';
    // To a record in the zone (a chain), and to one outside the workspace (a hosted policy).
    const inZone = lint('@ IN MX 10 mail\n_mta-sts IN CNAME sts.policies\nsts.policies IN CNAME _mta-sts.policies\n_mta-sts.policies IN TXT "v=STSv1; id=1"\nmta-sts.policies IN A 192.0.2.10');
    const found = inZone.findings.filter((f) => f.rule === rule);
    assert.deepEqual(found.map((f) => covered(inZone.text, f)), ['_mta-sts IN CNAME sts.policies']);
    assert.match(found[0].message, /No A, AAAA or CNAME record for `mta-sts\.example\.com` in the workspace \(this CNAME leads senders to the MTA-STS record at `_mta-sts\.policies\.example\.com`\)/);
    const hosted = lint('@ IN MX 10 mail\n_mta-sts IN CNAME _mta-sts.example.com.sts.vendor.example.');
    assert.match(hosted.findings.find((f) => f.rule === rule)!.message, /an MTA-STS record kept outside it at `_mta-sts\.example\.com\.sts\.vendor\.example`/);
    // With the policy host, or a CNAME to something that is no MTA-STS record: nothing.
    assert.deepEqual(lint('@ IN MX 10 mail\n_mta-sts IN CNAME _mta-sts.example.com.sts.vendor.example.\nmta-sts IN CNAME sts.vendor.example.').findings.filter((f) => f.rule === rule), []);
    assert.deepEqual(lint('@ IN MX 10 mail\n_mta-sts IN CNAME www\nwww IN A 192.0.2.80').findings.filter((f) => f.rule === rule), []);
  });

  it('one record at _mta-sts, and not at the policy host', () => {
    assert.equal(ruled('_mta-sts IN TXT "v=STSv1; id=1"\n_mta-sts IN TXT "v=STSv1; id=2"', 'mta-sts/multiple-records').found.length, 2);
    assert.match(ruled('mta-sts IN TXT "v=STSv1; id=1"', 'mta-sts/wrong-owner').found[0].message, /senders query `_mta-sts\.example\.com`/);
  });

  it('hover and completion know the fields', () => {
    const { text, sites } = lint('_mta-sts IN TXT "v=STSv1; id=1"\n_smtp._tls IN TXT ""');
    assert.match(hoverAt(sites[0], text.indexOf('id=') + 1)!.markdown, /MTA-STS tag `id`/);
    assert.deepEqual(completeAt(sites[1], text.lastIndexOf('""') + 1).map((c) => c.label), ['v=TLSRPTv1;']);
  });

  it('the parser and the rules never throw, and every range lies in the value', () => {
    const piece = fc.constantFrom('v=TLSRPTv1', 'v=STSv1', 'v=tsl', 'rua=', 'id=', 'mailto:', 'a@b.c', 'https://', 'http://', '!', ',', ';', ' ', '=', '-', '\u00e9', 'x'.repeat(40));
    assertRulesStayInValue(parseSmtpTls, smtpTlsRules, piece);
  });
});
