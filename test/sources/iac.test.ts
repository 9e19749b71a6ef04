/**
 * Infrastructure-as-code sources (octoDNS, CloudFormation): records found in hand-written fixtures and
 * in the corpus, and the round trip extract -> value edit -> re-extract on every site of every file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeZone, mapFix, readSource } from '../../server/src/service';
import { showNames } from '../../server/src/util/zonenames';
import { HOLE } from '../../server/src/records/holes';
import { applyFix, covered, CORPUS, ROOT } from '../helpers';

const octo = `---
'':
  - type: TXT
    values:
      - v=spf1 include:_spf.google.com +all
      - "google-site-verification=abc"
_dmarc:
  type: TXT
  value: "v=DMARC1\\\\; p=none\\\\; rua=mailto:dmarc@example.com"
sel._domainkey:
  type: TXT
  value: 'v=DKIM1\\; k=rsa\\; p='
mx:
  type: MX
  value: { exchange: mx1.example.com., preference: 10 }
`;

const cfn = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Spf:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: example.com.
      Type: TXT
      TTL: '300'
      ResourceRecords:
        - '"v=spf1 include:_spf.example.net " "+all"'
  Group:
    Type: AWS::Route53::RecordSetGroup
    Properties:
      RecordSets:
        - Name: _dmarc.example.com.
          Type: TXT
          ResourceRecords: ["\\"v=DMARC1; p=none; pct=50\\""]
        - Name: !Sub '_dmarc.\${Domain}'
          Type: TXT
          ResourceRecords: [!Sub '"v=DMARC1; p=\${Policy}"']
`;

describe('octoDNS', () => {
  it('finds TXT records with owners from the file name, decoding YAML quoting and \\;', () => {
    const z = readSource(octo, '/x/example.com.yaml');
    assert.equal(z.format, 'octodns');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value, s.syntax.host]), [
      ['example.com', 'v=spf1 include:_spf.google.com +all', 'yaml-plain'],
      ['example.com', 'google-site-verification=abc', 'yaml-double'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:dmarc@example.com', 'yaml-double'],
      ['sel._domainkey.example.com', 'v=DKIM1; k=rsa; p=', 'yaml-single'],
    ]);
    assert.ok(z.records.some((r) => r.type === 'MX' && r.owner === 'mx.example.com'));
  });

  it('decodes long runs of blanks as YAML folds them, in linear time, and reads a block of 200 000 lines', () => {
    const blanks = ' '.repeat(20000);
    for (const [q, close] of [['"', '"'], ["'", "'"], ['', '']]) {
      // Blanks before a line break fold into the break (one space); blanks inside a line stay.
      const text = `---\n'':\n  type: TXT\n  value: ${q}v=spf1${blanks}ip4:192.0.2.1${blanks}\n    +all${close}\n`;
      const a = analyzeZone(text, '/x/example.com.yaml');
      assert.equal(a.sites[0].site.value, `v=spf1${blanks}ip4:192.0.2.1 +all`, `quote ${q || 'plain'}`);
      assert.equal(covered(text, a.findings.find((f) => f.rule === 'spf/plus-all')!), '+all', `quote ${q || 'plain'}`);
    }
    const block = `---\n'':\n  type: TXT\n  value: |\n${Array.from({ length: 200000 }, (_, i) => `    line ${i}`).join('\n')}\n`;
    assert.equal(readSource(block, '/x/example.com.yaml').sites[0].value.split('\n').length, 200001);
  });

  it('puts findings on the exact characters and writes fixes in octoDNS syntax', () => {
    const a = analyzeZone(octo, '/x/example.com.yaml');
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(octo, plus), '+all');
    const policy = a.findings.find((f) => f.rule === 'dmarc/policy-none')!;
    assert.equal(covered(octo, policy), 'p=none');
    const fixed = applyFix(octo, plus.fixes![0]);
    assert.equal(fixed, octo.replace('+all', '-all'));
  });

  it('an edit that would leave a plain value YAML refuses (starting with `@`, holding `: `) writes it double-quoted, the value as meant', () => {
    const text = `_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=none\\; rua=mailto:a@example.com\n`;
    const site = readSource(text, 'example.com.yaml').sites[0];
    for (const [range, newText] of [[{ start: 0, end: site.value.indexOf('@') }, ''], [{ start: 8, end: 8 }, ' x: y']] as const) {
      const edited = applyFix(text, mapFix(site, { title: 'edit', edits: [{ range, newText }] }));
      const again = analyzeZone(edited, 'example.com.yaml');
      assert.deepEqual(again.findings.filter((f) => f.rule === 'source/syntax-error'), [], edited);
      assert.equal(again.zone.sites[0]?.value, site.value.slice(0, range.start) + newText + site.value.slice(range.end), edited);
      assert.match(edited, /value: "/);
    }
  });

  it('flags a missing \\; escape and its fix inserts the backslash', () => {
    const text = `_dmarc:\n  type: TXT\n  value: v=DMARC1; p=reject\n`;
    const a = analyzeZone(text, 'example.com.yaml');
    const f = a.findings.find((x) => x.rule === 'octodns/unescaped-semicolon')!;
    assert.equal(text.slice(f.range.start, f.range.end), ';');
    assert.equal(applyFix(text, f.fixes![0]), text.replace('DMARC1;', 'DMARC1\\;'));
  });
});

describe('octoDNS split layout', () => {
  const rec = (key: string, value: string) => `${key}:\n  type: TXT\n  value: ${value}\n`;
  it('takes the zone from the folder (`example.com./www.yaml`) or the catch-all file (`$example.com.yaml`)', () => {
    const owners = (file: string, key: string) => readSource(rec(key, 'v=spf1 -all'), file).sites.map((s) => s.owner);
    assert.deepEqual(owners('/repo/zones/example.com./mail.eu.yaml', 'mail.eu'), ['mail.eu.example.com'], 'the folder wins over a record name that looks like a zone');
    assert.deepEqual(owners('/repo/zones/example.com./$example.com.yaml', "''"), ['example.com']);
    assert.deepEqual(owners('file:///repo/zones/example.com./%24example.com.yaml', "''"), ['example.com'], 'a URI with `$` percent-encoded');
    assert.deepEqual(owners('file:///repo/zones/example.com./_dmarc.yaml', '_dmarc'), ['_dmarc.example.com']);
    assert.deepEqual(owners('/repo/zones/example.com/www.yaml', 'www'), ['www.example.com'], 'SplitYamlAltProvider: the folder without its dot');
    assert.deepEqual(owners('/repo/config/example.com.yaml', 'www'), ['www.example.com'], 'one file per zone, as before');
    assert.deepEqual(owners('/repo/config/www.yaml', 'www'), ['www'], 'no zone known: the name as written');
  });

  it('checks the files of one zone folder together: the DMARC record in _dmarc.yaml covers the apex in the catch-all', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-octo-split-'));
    const zone = path.join(dir, 'example.com.');
    fs.mkdirSync(zone);
    fs.writeFileSync(path.join(zone, '$example.com.yaml'), `'':\n  - type: TXT\n    value: v=spf1 include:_spf.example.com -all\n  - type: MX\n    value:\n      exchange: mx.example.com.\n      preference: 10\n`);
    fs.writeFileSync(path.join(zone, '_spf.yaml'), rec('_spf', 'v=spf1 ip4:192.0.2.1 -all'));
    fs.writeFileSync(path.join(zone, 'mail.eu.yaml'), rec('mail.eu', 'v=spf1 +all'));
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args, '--offline'], { encoding: 'utf8' });
    let r = cli('check', dir);
    assert.match(r.stdout, /example\.com\.\/mail\.eu\.yaml:3:17: error spf\/plus-all/);
    assert.match(r.stdout, /\$example\.com\.yaml:1:1: warning dmarc\/missing-record `example\.com` publishes SPF/, r.stdout);
    assert.match(r.stdout, /mail\.eu\.yaml:1:1: warning dmarc\/missing-record `mail\.eu\.example\.com` publishes SPF/, r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /_spf\.example\.com.*not resolved|include-has-no-spf/, 'the include resolves to _spf.yaml in the same folder');
    fs.writeFileSync(path.join(zone, '_dmarc.yaml'), rec('_dmarc', 'v=DMARC1\\; p=reject\\; rua=mailto:d@example.com'));
    r = cli('check', dir);
    assert.doesNotMatch(r.stdout, /missing-record/, r.stdout);
    r = cli('inventory', dir, '--format', 'json');
    const inv = JSON.parse(r.stdout) as { domains: { domain: string }[] };
    assert.deepEqual(inv.domains.map((d) => d.domain).sort(), ['_spf.example.com', 'example.com', 'mail.eu.example.com']);
  });
});

describe('octoDNS !include', () => {
  it('reads the records an included file holds (as a whole value or as an item of the list), checked and fixed there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-octo-inc-'));
    try {
      fs.mkdirSync(path.join(dir, 'common'));
      fs.writeFileSync(path.join(dir, 'common', 'spf.yaml'), 'type: TXT\nvalue: v=spf1 include:_spf.google.com +all\n');
      fs.writeFileSync(path.join(dir, 'common', 'dmarc.yaml'), '- type: TXT\n  value: v=DMARC1\\; p=reject\\; rua=mailto:d@example.com\n');
      const text = "'':\n  - type: MX\n    value:\n      exchange: mx.example.com.\n      preference: 10\n  - !include common/spf.yaml\n_dmarc: !include common/dmarc.yaml\n";
      const file = path.join(dir, 'example.com.yaml');
      fs.writeFileSync(file, text);
      const a = analyzeZone(text, file);
      assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, path.relative(dir, x.site.uri)]), [
        ['example.com', 'v=spf1 include:_spf.google.com +all', path.join('common', 'spf.yaml')],
        ['_dmarc.example.com', 'v=DMARC1; p=reject; rua=mailto:d@example.com', path.join('common', 'dmarc.yaml')],
      ]);
      const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
      const spf = fs.readFileSync(path.join(dir, 'common', 'spf.yaml'), 'utf8');
      assert.equal(plus.uri, path.join(dir, 'common', 'spf.yaml'));
      assert.equal(applyFix(spf, plus.fixes![0]), spf.replace('+all', '-all'));
      assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
      // A file that is not there: nothing from it, no crash.
      assert.deepEqual(analyzeZone("x: !include nope.yaml\n", file).sites, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('octoDNS YAML aliases', () => {
  it('reads a record, a list of records or values given as an alias (*spf) where the anchor writes them, once per name', () => {
    const text = "'':\n  - type: TXT\n    values: &spf\n      - v=spf1 ptr +all\n  - &mx\n    type: MX\n    value:\n      exchange: mx.example.com.\n      preference: 10\n_dmarc: &dmarc\n  type: TXT\n  value: v=DMARC1\\; p=reject\\; rua=mailto:d@example.com\nwww:\n  - type: TXT\n    values: *spf\n  - *mx\nshop: *dmarc\nloop: &loop [*loop]\nnope: *missing\n";
    const a = analyzeZone(text, '/x/example.com.yaml');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, x.site.range.start]), [
      ['example.com', 'v=spf1 ptr +all', text.indexOf('v=spf1')],
      ['_dmarc.example.com', 'v=DMARC1; p=reject; rua=mailto:d@example.com', text.indexOf('v=DMARC1')],
      ['www.example.com', 'v=spf1 ptr +all', text.indexOf('v=spf1')],
      ['shop.example.com', 'v=DMARC1; p=reject; rua=mailto:d@example.com', text.indexOf('v=DMARC1')],
    ]);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'MX').map((r) => r.owner), ['example.com', 'www.example.com']);
    // The text is written once: each finding on it is said once.
    assert.equal(a.findings.filter((f) => f.rule === 'spf/plus-all').length, 1);
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });
});

describe('CloudFormation', () => {
  it('finds RecordSet and RecordSetGroup TXT values inside their own quotes, and notes computed ones', () => {
    const z = readSource(cfn, 'template.yaml');
    assert.equal(z.format, 'cloudformation');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value]), [
      ['example.com', 'v=spf1 include:_spf.example.net +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; pct=50'],
      // `p=${Policy}`: checked around the unknown part (records/holes), with no name.
      [undefined, `v=DMARC1; p=${HOLE}`],
    ]);
    assert.deepEqual(z.problems.map((p) => p.code), ['source/not-static', 'source/not-static']);
  });

  it('maps findings through YAML and Route 53 quoting, and fixes write back in both', () => {
    const a = analyzeZone(cfn, 'template.yaml');
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(cfn, plus), '+all');
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(cfn, pct), 'pct=50');
    assert.equal(applyFix(cfn, plus.fixes![0]), cfn.replace('"+all"', '"-all"'));
  });
});

const tf = `locals {
  domain = "example.com"
}

resource "aws_route53_zone" "main" {
  name = local.domain
}

resource "aws_route53_record" "dkim" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "sel._domainkey"
  type    = "TXT"
  ttl     = 300
  records = ["v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEzT7aq52MEiYBT9CIbqhufSHw585PO6fr9En7VzxnnUeqUaMDqly9/jcMx6T3WFFjraYMo4Ipzdu+5qX1AF6VJGrn8UrC0vycX\\"\\"HJgMuCelUde0pn5OoPk9WXukCG9V2wK3jJox2pX2rvNthdv/3dTqySy6b+YakkG8cOTpx2ZaQIDAQAB"]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "example.com"
  type    = "TXT"
  records = ["v=spf1 include:\${var.spf_include} -all", "v=spf1 +all"]
}

resource "cloudflare_record" "dmarc" {
  zone_id = var.cloudflare_zone_id
  name    = "_dmarc"
  type    = "TXT"
  content = "v=DMARC1; p=none" # monitoring
}

resource "google_dns_record_set" "txt" {
  name         = "mail.example.org."
  managed_zone = "example-org"
  type         = "TXT"
  rrdatas      = ["\\"v=spf1 ip4:192.0.2.1 \\" \\"?all\\""]
}

module "legacy" {
  spf = "v=spf1 ptr -all"
}
`;

describe('Terraform JSON syntax (.tf.json)', () => {
  it('reads the same resources as HCL, with exact ranges and fixes in JSON strings', () => {
    const text = JSON.stringify(
      {
        locals: { domain: 'example.com' },
        resource: {
          aws_route53_zone: { main: { name: '${local.domain}' } },
          aws_route53_record: {
            spf: { zone_id: '${aws_route53_zone.main.zone_id}', name: 'example.com', type: 'TXT', records: ['v=spf1 include:_spf.google.com +all'] },
            dmarc: { zone_id: '${aws_route53_zone.main.zone_id}', name: '_dmarc', type: 'TXT', records: ['v=DMARC1; p=none; pct=50'] },
          },
        },
      },
      null,
      2,
    );
    const a = analyzeZone(text, 'main.tf.json');
    assert.deepEqual(a.sites.map((s) => [s.site.owner, s.site.value]), [
      ['example.com', 'v=spf1 include:_spf.google.com +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; pct=50'],
    ]);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(text, plus), '+all');
    assert.equal(applyFix(text, plus.fixes![0]), text.replace('+all', '-all'));
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'pct=50');
  });
});

describe('Terraform', () => {
  it('a Route 53 TXT string over 255 bytes is an error (Route 53 refuses it); the fix splits it with \\"\\" in the HCL string', () => {
    const key = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt+Qc1RAi70uuyZBL95IbUzAuEugC67SVq/QNiLPdoJC55TbbMPyKSeCt05HayMilLjXifusAea6MYR2J4Nt67u3Fb2Bnq62yzIdxl/UwAm2tkKd1OaH+AsISGGN5jWgeCfBfU+xFHYgchILHIXIJxFhG7d451e/vopXqU9H+LcESF3IZUKCC/BJXmilJncCJ5bamz5bt5v5eE+Et40HwDYumSwXXUD86w5lKgyiT32F+IvBS1Sh5wgQASR8431bUH5fX5jh+YmV+Et4Z3N5X2ccXa/6ouDrrRF4AiYbfGTA9e4UWIhKnKb9K7ZDiT6a96o7fk01FLa2RDKO3x2vJEwIDAQAB';
    const text = `resource "aws_route53_record" "dkim" {\n  zone_id = "Z1"\n  name    = "s1._domainkey.example.com"\n  type    = "TXT"\n  ttl     = 300\n  records = ["v=DKIM1; k=rsa; p=${key}"]\n}\n`;
    const a = analyzeZone(text, 'main.tf');
    const f = a.findings.find((x) => x.rule === 'zone/string-too-long')!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /This TXT string is 410 bytes; Route 53 refuses a string over 255 \(CharacterStringTooLong\)/);
    assert.equal(covered(text, f), `v=DKIM1; k=rsa; p=${key}`);
    const fixed = applyFix(text, f.fixes![0]);
    const value = `v=DKIM1; k=rsa; p=${key}`;
    assert.ok(fixed.includes(`records = ["${value.slice(0, 255)}\\"\\"${value.slice(255)}"]`), fixed);
    const again = analyzeZone(fixed, 'main.tf');
    assert.deepEqual(again.findings.filter((x) => x.severity === 'error'), []);
    assert.deepEqual(again.zone.sites[0].strings.map((x) => x.bytes), [255, 155]);
    assert.equal(again.zone.sites[0].value, value);
    // Split already: nothing to say.
    assert.deepEqual(analyzeZone(fixed, 'main.tf').findings.filter((x) => x.rule === 'zone/string-too-long'), []);
  });

  it('takes a literal zone id (Route 53 `Z…`, Cloudflare hex, a Google managed-zone name) for no domain', () => {
    const text = ['aws_route53_record', 'cloudflare_record', 'google_dns_record_set'].map((kind, i) => `resource "${kind}" "r${i}" {\n  ${kind === 'google_dns_record_set' ? 'managed_zone = "example-com"' : `zone_id = "${i === 0 ? 'Z0123456789ABCDEFGHIJ' : '023e105f4ecef8ad9ca31a8372d0c353'}"`}\n  name = "_dmarc.example.com${kind === 'google_dns_record_set' ? '.' : ''}"\n  type = "TXT"\n  ${kind === 'aws_route53_record' ? 'records' : kind === 'cloudflare_record' ? 'value' : 'rrdatas'} = ["v=DMARC1; p=none"]\n}\n`).join('');
    assert.deepEqual(readSource(text, 'main.tf').sites.map((s) => s.owner), ['_dmarc.example.com', '_dmarc.example.com', '_dmarc.example.com']);
  });

  it('finds records of each provider with owners from zones and locals, and the fallback literals', () => {
    const z = readSource(tf, 'main.tf');
    assert.equal(z.format, 'terraform');
    assert.deepEqual(
      z.sites.map((s) => [s.owner && showNames(s.owner), s.value.slice(0, 30), s.strings.length]),
      [
        ['sel._domainkey.example.com', 'v=DKIM1; k=rsa; p=MIGfMA0GCSqG', 2],
        // `include:${var.spf_include}`: checked around the unknown part (records/holes).
        ['example.com', `v=spf1 include:${HOLE} -all`, 1],
        ['example.com', 'v=spf1 +all', 1],
        // Relative to the zone `var.cloudflare_zone_id` names (its stand-in: util/zonenames).
        ['_dmarc.<var.cloudflare_zone_id>', 'v=DMARC1; p=none', 1],
        ['mail.example.org', 'v=spf1 ip4:192.0.2.1 ?all', 2],
        [undefined, 'v=spf1 ptr -all', 1],
      ],
    );
    assert.equal(z.sites[0].value.includes('"'), false, 'Route 53 "" separators are not part of the value');
    assert.ok(z.problems.some((p) => p.code === 'source/not-static' && p.message.includes('${var.spf_include}') && p.message.includes('the rest of it is checked')));
  });

  it('keeps the range of a string with an unclosed template inside the file', () => {
    // Found by the property test: a `${` that nothing closes ran the string one character past the end.
    const tf = 'resource "aws_route53_record" "d" {\n  name = "_dmarc.example.com."\n  type = "TXT"\n  records = ["${v=DMARC1; p=none"]\n';
    const a = analyzeZone(tf, 'main.tf');
    // Terraform refuses it: said where the template opens, and the string is not checked.
    const e = a.findings.find((f) => f.rule === 'source/syntax-error')!;
    assert.deepEqual([e.range.start, e.range.end], [tf.indexOf('${'), tf.indexOf('${') + 2]);
    assert.ok(a.findings.every((f) => f.range.end <= tf.length));
  });

  it('says a string not closed on its line is a syntax error, closes it before the brackets the line opened, and checks the other records', () => {
    const res = (name: string, value: string) => `resource "aws_route53_record" "${name.replace(/\W/g, '')}" {\n  zone_id = "Z1"\n  name    = "${name}"\n  type    = "TXT"\n  records = [${value}\n}\n`;
    const tf = res('example.com', '"v=spf1 include:_spf.example.net -all]') + res('_dmarc.example.com', '"v=DMARC1; p=none; rua=mailto:d@example.com"]');
    const a = analyzeZone(tf, 'main.tf');
    const e = a.findings.filter((f) => f.rule === 'source/syntax-error');
    assert.equal(e.length, 1);
    assert.equal(covered(tf, e[0]), '"v=spf1 include:_spf.example.net -all]');
    assert.match(e[0].message, /This string is not closed on its line: .* Terraform refuses the file .* Close it with `"` before `\]`\./);
    // Nothing about the value as misread (`-all]`); the record after it is read and checked.
    assert.ok(!a.findings.some((f) => f.rule.startsWith('spf/')));
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['_dmarc.example.com']);
    const fixed = applyFix(tf, e[0].fixes![0]);
    assert.equal(fixed, tf.replace('-all]', '-all"]'));
    const again = analyzeZone(fixed, 'main.tf');
    assert.deepEqual(again.findings.filter((f) => f.rule === 'source/syntax-error'), []);
    assert.deepEqual(again.sites.map((x) => x.site.value), ['v=spf1 include:_spf.example.net -all', 'v=DMARC1; p=none; rua=mailto:d@example.com']);
    // No bracket opened before it on the line: closed at the end of the line, before a comment's spaces.
    const bare = 'resource "cloudflare_record" "s" {\n  zone_id = "z"\n  name    = "example.com"\n  type    = "TXT"\n  content = "v=spf1 -all   \n}\n';
    const [b] = analyzeZone(bare, 'main.tf').findings.filter((f) => f.rule === 'source/syntax-error');
    assert.equal(applyFix(bare, b.fixes![0]), bare.replace('-all   ', '-all"   '));
    // A heredoc whose marker never comes back alone on a line: said on its opener, its text not checked.
    const here = 'resource "aws_route53_record" "h" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  records = [<<EOT\nv=spf1 +all\n  EOT2\n  ]\n}\n';
    const h = analyzeZone(here, 'main.tf').findings;
    assert.deepEqual(h.map((f) => [f.rule, covered(here, f)]), [['source/syntax-error', '<<EOT']]);
    assert.match(h[0].message, /This heredoc has no closing line `EOT`/);
  });

  it('says brackets that do not pair up, and a /* comment never closed, and fixes what is plain', () => {
    const spf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z1"\n  name    = "example.com"\n  type    = "TXT"\n  records = ["v=spf1 include:_spf.example.net +all"\n  ttl     = 300\n}\n';
    const dmarc = 'resource "aws_route53_record" "dmarc" {\n  zone_id = "Z1"\n  name    = "_dmarc.example.com"\n  type    = "TXT"\n  records = ["v=DMARC1; p=none; rua=mailto:d@example.com"]\n';
    const tf = spf + '\n' + dmarc;
    const a = analyzeZone(tf, 'main.tf');
    const e = a.findings.filter((f) => f.rule === 'source/syntax-error');
    assert.deepEqual(e.map((f) => [covered(tf, f), f.range.start]), [['[', tf.indexOf('[')], ['{', tf.lastIndexOf('{')]]);
    assert.match(e[0].message, /^This `\[` is never closed with `\]`: the `\}` on line 7 closes what is around it first, so Terraform refuses the file/);
    assert.match(e[1].message, /^This `\{` is never closed with `\}` before the end of the file/);
    // The list's record is not checked as misread (no not-static note, no +all); the open block's record is.
    assert.ok(!a.findings.some((f) => f.rule === 'source/not-static' || f.rule === 'spf/plus-all'));
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['_dmarc.example.com']);
    // The fixes: the list closes at the end of its line, the last block at the end of the file.
    const list = applyFix(tf, e[0].fixes![0]);
    assert.equal(list, tf.replace('+all"\n', '+all"]\n'));
    const both = applyFix(list, analyzeZone(list, 'main.tf').findings.find((f) => f.rule === 'source/syntax-error')!.fixes![0]);
    assert.equal(both, `${list}}\n`);
    const clean = analyzeZone(both, 'main.tf');
    assert.deepEqual(clean.findings.filter((f) => f.rule === 'source/syntax-error'), []);
    assert.ok(clean.findings.some((f) => f.rule === 'spf/plus-all'));
    // A block left open before another: said, but no fix (where it ends is not plain).
    const early = dmarc + '\n' + spf.replace('+all"\n', '+all"]\n');
    const open = analyzeZone(early, 'main.tf').findings.filter((f) => f.rule === 'source/syntax-error');
    assert.equal(open.length, 1);
    assert.equal(covered(early, open[0]), '{');
    assert.equal(open[0].fixes, undefined);
    // A closer with nothing open: its fix removes it; a comment never closed is said on its `/*`.
    const stray = spf.replace('+all"\n', '+all"]\n') + '}\n/* old records\n';
    const s = analyzeZone(stray, 'main.tf').findings.filter((f) => f.rule === 'source/syntax-error');
    assert.deepEqual(s.map((f) => covered(stray, f)), ['}', '/*']);
    assert.match(s[0].message, /^This `\}` closes nothing that is open/);
    assert.match(s[1].message, /^This `\/\*` comment is never closed with `\*\/`/);
    assert.equal(applyFix(stray, s[0].fixes![0]), stray.replace('}\n/*', '\n/*'));
    // Balanced brackets in every HCL form say nothing.
    const fine = 'locals {\n  m = { for k, v in var.x : k => [v, "}"] }\n  s = "${join("]", ["a"])}"\n  h = <<EOT\n(\nEOT\n}\n# {\n// [\n/* ( */\n';
    assert.deepEqual(analyzeZone(fine, 'main.tf').findings.filter((f) => f.rule === 'source/syntax-error'), []);
  });

  it('maps findings through HCL escapes and writes fixes in HCL syntax', () => {
    const a = analyzeZone(tf, 'main.tf');
    const key = a.findings.find((f) => f.rule === 'dkim/rsa-key-under-2048');
    assert.ok(key);
    const neutral = a.findings.find((f) => f.rule === 'spf/neutral-all')!;
    assert.equal(covered(tf, neutral), '?all');
    assert.equal(applyFix(tf, neutral.fixes![0]), tf.replace('\\"?all', '\\"~all'));
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(tf, plus), '+all');
    assert.ok(a.findings.some((f) => f.rule === 'spf/ptr'));
    assert.equal(covered(tf, a.findings.find((f) => f.rule === 'dmarc/policy-none')!), 'p=none');
  });

  it('CloudFormation: record names built with !Sub, !Join and !Ref from parameter defaults are the owners', () => {
    const t = [
      'Parameters:',
      '  Domain:',
      '    Type: String',
      '    Default: cfn.example',
      '  Unknown:',
      '    Type: String',
      'Resources:',
      '  Spf:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Sub '${Domain}.'",
      '      Type: TXT',
      '      ResourceRecords: [\'"v=spf1 -all"\']',
      '  Dmarc:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Join ['', ['_dmarc.', !Ref Domain, '.']]",
      '      Type: TXT',
      '      ResourceRecords: [\'"v=DMARC1; p=reject; rua=mailto:d@cfn.example"\']',
      '  Other:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      "      Name: !Sub 'mail.${Unknown}.'",
      '      Type: TXT',
      '      ResourceRecords: [\'"v=spf1 a -all"\']',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'stack.yaml');
    // `Unknown` has no default: the domain the third name ends with, shown by the parameter's name.
    assert.deepEqual(a.sites.map((x) => x.site.owner && showNames(x.site.owner)), ['cfn.example', '_dmarc.cfn.example', 'mail.<Unknown>']);
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/missing-record').map((f) => f.message.split(' ')[0]), ['`mail.<Unknown>`']);
    assert.match(a.findings.find((f) => f.rule === 'source/not-static')!.message, /^The domain of these records is the parameter Unknown, which has no default/);
  });

  it('resolves zones, locals and variables across the .tf files of a module folder; a record of unknown value still exists', () => {
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfmod-'));
    fs.writeFileSync(path.join(dir, 'zones.tf'), 'resource "aws_route53_zone" "main" {\n  name = var.domain\n}\nvariable "domain" {\n  default = "multi.example"\n}\nlocals {\n  dmarc = "v=DMARC1; p=reject"\n}\n');
    const records = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = ""\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc.${var.domain}"\n  type    = "TXT"\n  records = [local.dmarc]\n}\n';
    fs.writeFileSync(path.join(dir, 'records.tf'), records);
    const a = analyzeZone(records, path.join(dir, 'records.tf'));
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['multi.example']);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'TXT' && r.rdata.length === 0).map((r) => r.owner), ['_dmarc.multi.example']);
    assert.deepEqual(a.findings.map((f) => f.rule), ['source/not-static'], 'the DMARC record exists, its value is an expression: no missing-record, no unknown zone');
    // A number default fills a template too.
    fs.writeFileSync(path.join(dir, 'pct.tf'), 'variable "pct" {\n  default = 50\n}\n');
    const templated = 'resource "aws_route53_record" "d" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc.sub"\n  type    = "TXT"\n  records = ["v=DMARC1; p=none; pct=${var.pct}; rua=mailto:d@multi.example"]\n}\n';
    fs.writeFileSync(path.join(dir, 'sub.tf'), templated);
    assert.deepEqual(analyzeZone(templated, path.join(dir, 'sub.tf')).sites.map((x) => [x.site.owner, x.site.value]), [['_dmarc.sub.multi.example', 'v=DMARC1; p=none; pct=50; rua=mailto:d@multi.example']]);
    // Alone (not on disk), the file knows neither the zone nor the variable.
    const alone = analyzeZone(records, 'records.tf');
    assert.ok(alone.findings.some((f) => /not known statically \("_dmarc\.\$\{var\.domain\}"\)/.test(f.message)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the zone in a sibling file that holds nothing but the zone resource', () => {
    // The commonest layout: zones.tf has only `resource "aws_route53_zone"`, no local, variable or `zone =`.
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tfzone-'));
    fs.writeFileSync(path.join(dir, 'zones.tf'), 'resource "aws_route53_zone" "main" {\n  name = "only.example"\n}\n');
    const records = 'resource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "mail"\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}\n';
    fs.writeFileSync(path.join(dir, 'records.tf'), records);
    const a = analyzeZone(records, path.join(dir, 'records.tf'));
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['mail.only.example']);
    assert.ok(!a.findings.some((f) => f.rule === 'source/not-static'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('dmarc/missing-record offers a resource beside the record, of its kind and zone, that publishes the first DMARC record', () => {
    const cases: { text: string; resource: string; owner: string; block: string }[] = [
      {
        text: 'resource "aws_route53_record" "spf" {\n  provider = aws.us\n  zone_id  = aws_route53_zone.main.zone_id\n  name     = "mail.example.com"\n  type     = "TXT"\n  ttl      = 300\n  records  = ["v=spf1 include:amazonses.com -all"]\n}\n',
        resource: 'aws_route53_record.dmarc',
        owner: '_dmarc.mail.example.com',
        block: 'resource "aws_route53_record" "dmarc" {\n  provider = aws.us\n  zone_id  = aws_route53_zone.main.zone_id\n  name     = "_dmarc.mail.example.com"\n  type     = "TXT"\n  ttl      = 300\n  records  = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"]\n}',
      },
      {
        text: 'resource "google_dns_record_set" "spf" {\n  name         = "example.org."\n  managed_zone = "example-org"\n  type         = "TXT"\n  ttl          = 300\n  rrdatas      = ["\\"v=spf1 -all\\""]\n}\nresource "google_dns_record_set" "dmarc" {\n  name         = "_dmarc.other.example."\n  managed_zone = "other"\n  type         = "TXT"\n  rrdatas      = ["\\"v=DMARC1; p=reject; rua=mailto:d@example.org\\""]\n}\n',
        resource: 'google_dns_record_set.dmarc_2',
        owner: '_dmarc.example.org',
        block: 'resource "google_dns_record_set" "dmarc_2" {\n  managed_zone = "example-org"\n  name         = "_dmarc.example.org."\n  type         = "TXT"\n  ttl          = 300\n  rrdatas      = ["\\"v=DMARC1; p=none; rua=mailto:d@example.org\\""]\n}',
      },
      {
        // The zone's domain is a variable: the new record and its address are written with it.
        text: 'resource "aws_route53_zone" "main" {\n  name = var.domain\n}\nresource "aws_route53_record" "spf" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = var.domain\n  type    = "TXT"\n  ttl     = 60\n  records = ["v=spf1 -all"]\n}\n',
        resource: 'aws_route53_record.dmarc',
        owner: '_dmarc.<var.domain>',
        block: 'resource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc.${var.domain}"\n  type    = "TXT"\n  ttl     = 60\n  records = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@${var.domain}"]\n}',
      },
    ];
    for (const c of cases) {
      const a = analyzeZone(c.text, 'main.tf');
      const f = a.findings.find((x) => x.rule === 'dmarc/missing-record');
      assert.ok(f, c.resource);
      // A name whose SPF is `-all` alone (and no DKIM key) sends no mail: p=reject comes first, then the monitoring stage.
      const parked = c.text.includes('["v=spf1 -all"]') || c.text.includes('\\"v=spf1 -all\\"');
      assert.equal(/with p=reject \(the domain sends no mail\)/.test(f.fixes![0].title), parked, f.fixes![0].title);
      assert.equal(/Its SPF `-all` with no DKIM key says it sends no mail: it loses nothing with `p=reject`/.test(f.message), parked, f.message);
      const fix = f.fixes!.find((x) => x.title.startsWith('DMARC: add resource') && x.title.includes('with p=none'))!;
      assert.ok(fix, JSON.stringify(f.fixes?.map((x) => x.title)));
      assert.match(fix.title, new RegExp(`^DMARC: add resource ${c.resource.replace('.', '\\.')} publishing ${c.owner.replace(/[.<>]/g, (m) => `\\${m}`)} with p=none`));
      const fixed = applyFix(c.text, fix);
      // Only an insertion after the record's resource: nothing written is lost.
      assert.ok(fixed.startsWith(c.text.slice(0, c.text.indexOf('\n}\n', c.text.indexOf('"spf"')) + 2)), fixed);
      assert.ok(fixed.includes(`\n\n${c.block}`), fixed);
      const again = analyzeZone(fixed, 'main.tf');
      assert.ok(!again.findings.some((x) => x.rule === 'dmarc/missing-record' || x.severity === 'error'), JSON.stringify(again.findings.map((x) => x.message)));
      assert.ok(again.sites.some((x) => x.site.owner && showNames(x.site.owner) === c.owner && x.dmarc?.byName.get('p')?.value === 'none'));
    }
    // A zone known only by its id and a relative name: no domain to write an address on, so no fix.
    const none = analyzeZone('resource "cloudflare_record" "spf" {\n  zone_id = var.zone_id\n  name    = "@"\n  type    = "TXT"\n  content = "v=spf1 -all"\n}\n', 'main.tf');
    assert.deepEqual(none.findings.find((x) => x.rule === 'dmarc/missing-record')!.fixes ?? [], []);
  });

  it('beside an MX resource: the first DMARC record of a name that takes mail, and for a null MX the SPF and DMARC records of a domain that sends none', () => {
    // A name with only MX records: dmarc/missing-record offers a DMARC resource beside the MX's.
    const mx = 'resource "aws_route53_record" "mx" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "shop.example.com"\n  type    = "MX"\n  ttl     = 3600\n  records = ["10 inbound.example.net."]\n}\n';
    const f = analyzeZone(mx, 'main.tf').findings.find((x) => x.rule === 'dmarc/missing-record')!;
    const dmarc = f.fixes!.find((x) => x.title.startsWith('DMARC: add resource'))!;
    assert.equal(dmarc.title, 'DMARC: add resource aws_route53_record.dmarc publishing _dmarc.shop.example.com with p=none (monitoring), reports to dmarc-reports@example.com');
    assert.equal(applyFix(mx, dmarc), `${mx.slice(0, -1)}\n\nresource "aws_route53_record" "dmarc" {\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "_dmarc.shop.example.com"\n  type    = "TXT"\n  ttl     = 3600\n  records = ["v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"]\n}\n`);
    // A Cloudflare null MX (`content = "."`, `priority = 0`) with nothing else: SPF `-all` beside it, and DMARC with p=reject.
    const parked = 'resource "cloudflare_record" "null_mx" {\n  zone_id  = var.zone_id\n  name     = "parked.example.org"\n  type     = "MX"\n  content  = "."\n  priority = 0\n}\n';
    const findings = analyzeZone(parked, 'main.tf').findings;
    const p = findings.find((x) => x.rule === 'dmarc/parked-domain')!;
    assert.deepEqual(p.fixes?.map((x) => x.title), ['SPF: add resource cloudflare_record.spf publishing parked.example.org TXT "v=spf1 -all" (the domain sends no mail)']);
    const withSpf = applyFix(parked, p.fixes![0]);
    assert.equal(withSpf, `${parked.slice(0, -1)}\n\nresource "cloudflare_record" "spf" {\n  zone_id = var.zone_id\n  name    = "parked.example.org"\n  type    = "TXT"\n  content = "v=spf1 -all"\n}\n`);
    const m = findings.find((x) => x.rule === 'dmarc/missing-record')!;
    assert.equal(m.fixes?.[0].title, 'DMARC: add resource cloudflare_record.dmarc publishing _dmarc.parked.example.org with p=reject (the domain sends no mail), reports to dmarc-reports@example.org');
    // Both applied: nothing left to say of the parked name.
    const both = applyFix(withSpf, analyzeZone(withSpf, 'main.tf').findings.find((x) => x.rule === 'dmarc/missing-record')!.fixes![0]);
    assert.deepEqual(analyzeZone(both, 'main.tf').findings.filter((x) => x.severity !== 'hint' && x.severity !== 'information').map((x) => x.rule), []);
    // A counted MX resource is not one to copy: no resource fix.
    const counted = parked.replace('  zone_id  = var.zone_id\n', '  count    = 2\n  zone_id  = var.zone_id\n');
    assert.deepEqual(analyzeZone(counted, 'main.tf').findings.find((x) => x.rule === 'dmarc/parked-domain')?.fixes ?? [], []);
  });

  it('does not treat a name relative to a zone named by an expression as a domain', () => {
    const t = [
      'variable "zone_id" {}',
      'resource "aws_route53_record" "spf" {',
      '  zone_id = var.zone_id',
      '  name    = "mail"',
      '  type    = "TXT"',
      '  records = ["v=spf1 include:servers.mcsv.net -all"]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'relative.tf');
    assert.equal(showNames(a.sites[0].site.owner!), 'mail.<var.zone_id>');
    assert.equal(a.sites[0].site.relative, true);
    // The name says nothing of the domain: no "`mail` has no DMARC record", but the zone has none.
    assert.match(a.findings.find((f) => f.rule === 'dmarc/missing-record')!.message, /^`mail\.<var\.zone_id>` publishes SPF but has no DMARC record/);
    assert.match(a.findings.find((f) => f.rule === 'spf/include-does-not-align')!.message, /never aligns with mail\.<var\.zone_id> under DMARC/);
    assert.match(a.findings.find((f) => f.rule === 'source/not-static')!.message, /checks that need the domain itself .* are skipped/);
    // Without any zone attribute, the name stays relative and is shown so.
    const bare = analyzeZone(t.replace('  zone_id = var.zone_id\n', ''), 'bare.tf');
    assert.equal(bare.sites[0].site.owner, 'mail');
    assert.ok(!bare.findings.some((f) => f.rule === 'dmarc/missing-record'));
    assert.match(bare.findings.find((f) => f.rule === 'spf/include-does-not-align')!.message, /never aligns with mail\.<zone> under DMARC/);
    assert.match(bare.findings.find((f) => f.rule === 'source/not-static')!.message, /checks that depend on the owner name are skipped/);
  });

  it('reads a resource with `count` as one resource per index: count.index, list elements and element() of literal lists', () => {
    const t = [
      'resource "aws_route53_zone" "main" {\n  name = "example.com"\n}',
      'locals {\n  names = ["a", "b"]\n}',
      'variable "selectors" {\n  default = ["s1", "s2", "s3"]\n}',
      'resource "aws_route53_record" "spf" {\n  count   = length(local.names)\n  zone_id = aws_route53_zone.main.zone_id\n  name    = local.names[count.index]\n  type    = "TXT"\n  records = ["v=spf1 -all"]\n}',
      'resource "aws_route53_record" "dkim" {\n  count   = length(var.selectors)\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "${element(var.selectors, count.index)}._domainkey"\n  type    = "CNAME"\n  records = ["${var.selectors[count.index]}.dkim.example.net"]\n}',
      'resource "aws_route53_record" "mx" {\n  count   = 2\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "m${count.index}"\n  type    = "MX"\n  records = ["10 mx${count.index}.example.net."]\n}',
      'resource "aws_route53_record" "none" {\n  count   = 0\n  zone_id = aws_route53_zone.main.zone_id\n  name    = "gone"\n  type    = "A"\n  records = ["192.0.2.1"]\n}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'count.tf');
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['a.example.com', 'b.example.com']);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'CNAME').map((r) => `${r.owner} ${r.rdata[0]}`), ['s1._domainkey.example.com s1.dkim.example.net', 's2._domainkey.example.com s2.dkim.example.net', 's3._domainkey.example.com s3.dkim.example.net']);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'MX').map((r) => r.owner), ['m0.example.com', 'm1.example.com']);
    assert.ok(!a.zone.records.some((r) => r.owner === 'gone.example.com'));
  });

  it('finds the zone of each instance of a counted or for_each zone resource (one block for several domains)', () => {
    const t = [
      'variable "domains" {\n  default = ["a.example", "b.example"]\n}',
      'locals {\n  brands = ["c.example", "d.example"]\n}',
      'resource "aws_route53_zone" "z" {\n  count = length(var.domains)\n  name  = var.domains[count.index]\n}',
      'resource "aws_route53_record" "dmarc" {\n  count   = length(var.domains)\n  zone_id = aws_route53_zone.z[count.index].zone_id\n  name    = "_dmarc"\n  type    = "TXT"\n  records = ["v=DMARC1; p=none; rua=mailto:d@${var.domains[count.index]}"]\n}',
      'resource "aws_route53_zone" "brand" {\n  for_each = toset(local.brands)\n  name     = each.key\n}',
      'resource "aws_route53_record" "spf" {\n  for_each = toset(local.brands)\n  zone_id  = aws_route53_zone.brand[each.key].zone_id\n  name     = ""\n  type     = "TXT"\n  records  = ["v=spf1 -all"]\n}',
      'resource "aws_route53_record" "one" {\n  zone_id = aws_route53_zone.z[1].zone_id\n  name    = "www"\n  type    = "A"\n  records = ["192.0.2.1"]\n}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'multi.tf');
    assert.deepEqual(a.sites.map((x) => `${x.site.owner} ${x.site.value}`), ['_dmarc.a.example v=DMARC1; p=none; rua=mailto:d@a.example', '_dmarc.b.example v=DMARC1; p=none; rua=mailto:d@b.example', 'c.example v=spf1 -all', 'd.example v=spf1 -all']);
    assert.ok(a.sites.every((x) => !x.site.relative));
    assert.equal(a.zone.records.find((r) => r.type === 'A')?.owner, 'www.b.example');
  });

  it('knows the domain of DKIM CNAMEs whose selectors are computed at deploy time (the SES `count` pattern)', () => {
    const dkim = [
      'resource "aws_ses_domain_dkim" "main" {',
      '  domain = "example.com"',
      '}',
      'resource "aws_route53_record" "dkim" {',
      '  count   = 3',
      '  zone_id = aws_route53_zone.main.zone_id',
      '  name    = "${aws_ses_domain_dkim.main.dkim_tokens[count.index]}._domainkey"',
      '  type    = "CNAME"',
      '  records = ["${aws_ses_domain_dkim.main.dkim_tokens[count.index]}.dkim.amazonses.com"]',
      '}',
    ].join('\n');
    const rest = [
      'resource "aws_route53_zone" "main" {',
      '  name = "example.com"',
      '}',
      'resource "aws_route53_record" "spf" {',
      '  zone_id = aws_route53_zone.main.zone_id',
      '  name    = "example.com"',
      '  type    = "TXT"',
      '  records = ["v=spf1 include:amazonses.com -all"]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(`${rest}${dkim}\n`, 'ses.tf');
    const cname = a.zone.records.find((r) => r.type === 'CNAME')!;
    assert.equal(cname.owner, undefined);
    assert.equal(cname.ownerSuffix, '_domainkey.example.com');
    // Its DKIM is set up: no advice to publish the CNAMEs it publishes.
    assert.ok(!a.findings.some((f) => f.rule === 'spf/include-does-not-align'), JSON.stringify(a.findings.map((f) => f.message)));
    assert.ok(analyzeZone(rest, 'ses.tf').findings.some((f) => f.rule === 'spf/include-does-not-align'));
  });

  it('names records after an SES domain identity (`"_dmarc.${aws_ses_domain_identity.main.id}"`, `.domain`)', () => {
    const t = [
      'resource "aws_ses_domain_identity" "main" {',
      '  domain = "mail.example.com"',
      '}',
      'resource "aws_route53_record" "dmarc" {',
      '  zone_id = "Z1"',
      '  name    = "_dmarc.${aws_ses_domain_identity.main.id}"',
      '  type    = "TXT"',
      '  records = ["v=DMARC1; p=none;"]',
      '}',
      'resource "aws_route53_record" "spf" {',
      '  zone_id = "Z1"',
      '  name    = aws_ses_domain_identity.main.domain',
      '  type    = "TXT"',
      '  records = ["v=spf1 include:amazonses.com -all"]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'ses.tf');
    assert.deepEqual(a.sites.map((x) => x.site.owner), ['_dmarc.mail.example.com', 'mail.example.com']);
    assert.ok(!a.zone.problems.some((p) => p.code === 'source/not-static'), a.zone.problems.map((p) => p.message).join());
    // An identity named by a variable without a value: a stand-in domain, the same for both records.
    const v = analyzeZone(t.replace('domain = "mail.example.com"', 'domain = var.ses_domain'), 'ses.tf');
    assert.deepEqual(v.sites.map((x) => x.site.owner && showNames(x.site.owner)), ['_dmarc.<var.ses_domain>', '<var.ses_domain>']);
    assert.ok(!v.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });

  it('CloudFormation: Easy DKIM records named by !GetAtt of an AWS::SES::EmailIdentity are that domain\'s DKIM set-up', () => {
    const base = [
      'Resources:',
      '  Identity:',
      '    Type: AWS::SES::EmailIdentity',
      '    Properties:',
      '      EmailIdentity: example.com',
      '  Spf:',
      '    Type: AWS::Route53::RecordSet',
      '    Properties:',
      '      Name: example.com',
      '      Type: TXT',
      '      ResourceRecords:',
      '        - \'"v=spf1 include:amazonses.com -all"\'',
    ];
    const dkim = (n: number, name: string, value: string) => [`  Dkim${n}:`, '    Type: AWS::Route53::RecordSet', '    Properties:', `      Name: ${name}`, '      Type: CNAME', '      ResourceRecords:', `        - ${value}`];
    const text = [...base, ...dkim(1, '!GetAtt Identity.DkimDNSTokenName1', '!GetAtt Identity.DkimDNSTokenValue1'), ...dkim(2, '!GetAtt [Identity, DkimDNSTokenName2]', '{ "Fn::GetAtt": [Identity, DkimDNSTokenValue2] }'), ''].join('\n');
    const a = analyzeZone(text, 'ses.yaml');
    const cnames = a.zone.records.filter((r) => r.type === 'CNAME');
    assert.deepEqual(cnames.map((r) => [r.ownerSuffix, r.rdata[0]]), [
      ['_domainkey.example.com', '<token of Identity>.dkim.amazonses.com'],
      ['_domainkey.example.com', '<token of Identity>.dkim.amazonses.com'],
    ]);
    assert.ok(!a.findings.some((f) => f.rule === 'spf/include-does-not-align'), JSON.stringify(a.findings.map((f) => f.message)));
    // Without them, the advice stands; a GetAtt of another resource says nothing.
    assert.ok(analyzeZone(base.join('\n') + '\n', 'ses.yaml').findings.some((f) => f.rule === 'spf/include-does-not-align'));
    const other = analyzeZone([...base, ...dkim(1, '!GetAtt Other.DkimDNSTokenName1', '!GetAtt Other.DkimDNSTokenValue1'), ''].join('\n'), 'ses.yaml');
    assert.ok(other.findings.some((f) => f.rule === 'spf/include-does-not-align'));
  });

  it('reads a record whose value is a local or a variable default of the file where that string is written', () => {
    const t = [
      'locals {',
      '  spf = "v=spf1 include:_spf.google.com +all"',
      '}',
      'variable "dmarc" {',
      '  default = "v=DMARC1; p=reject"',
      '}',
      'resource "aws_route53_record" "a" {',
      '  zone_id = "Z1"',
      '  name    = "lv.example."',
      '  type    = "TXT"',
      '  records = [local.spf]',
      '}',
      'resource "aws_route53_record" "b" {',
      '  zone_id = "Z1"',
      '  name    = "www.lv.example."',
      '  type    = "TXT"',
      '  records = [local.spf]',
      '}',
      'resource "aws_route53_record" "c" {',
      '  zone_id = "Z1"',
      '  name    = "_dmarc.lv.example."',
      '  type    = "TXT"',
      '  records = [var.dmarc]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'lv.tf');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [['lv.example', 'v=spf1 include:_spf.google.com +all'], ['_dmarc.lv.example', 'v=DMARC1; p=reject']]);
    // The finding and its fix are where the string is written: once, though two records use it.
    const plus = a.findings.filter((f) => f.rule === 'spf/plus-all');
    assert.equal(plus.length, 1);
    assert.equal(applyFix(t, plus[0].fixes![0]), t.replace('+all"', '-all"'));
    assert.deepEqual(a.findings.filter((f) => f.rule === 'source/not-static' || f.rule === 'dmarc/missing-record'), []);
  });

  it('reads Cloudflare TXT content wrapped in quotes as quoted strings (as Cloudflare does), unquoted content as one string', () => {
    const cf = [
      'resource "cloudflare_dns_record" "spf" {',
      '  zone_id = cloudflare_zone.z.id',
      '  name    = "cf.example"',
      '  type    = "TXT"',
      '  content = "\\"v=spf1 include:_spf.google.com \\" \\"+all\\""',
      '}',
      'resource "cloudflare_record" "dmarc" {',
      '  zone_id = cloudflare_zone.z.id',
      '  name    = "_dmarc.cf.example"',
      '  type    = "TXT"',
      '  value   = "v=DMARC1; p=none; rua=mailto:d@cf.example"',
      '}',
      'resource "cloudflare_zone" "z" {',
      '  zone = "cf.example"',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(cf, 'cf.tf');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, x.site.strings.length]), [
      ['cf.example', 'v=spf1 include:_spf.google.com +all', 2],
      ['_dmarc.cf.example', 'v=DMARC1; p=none; rua=mailto:d@cf.example', 1],
    ]);
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error').map((f) => f.rule), ['spf/plus-all']);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(cf, plus), '+all');
    assert.equal(applyFix(cf, plus.fixes![0]), cf.replace('\\"+all\\"', '\\"-all\\"'));
  });

  it('reads broken escapes without throwing: a backslash at the end of an unclosed string, \\u without its digits, a code point past U+10FFFF', () => {
    // Found by the property test: each of these used to throw (TypeError, RangeError) out of the reader.
    const hcl = ['records = ["v=spf1 \\', 'records = ["v=spf1 \\u12 -all"]', 'records = ["v=spf1 \\U0011FFFF -all"]'];
    // The string not closed on its line (the first two) is a syntax error, its value not checked.
    for (const text of hcl) assert.ok(analyzeZone(text, 'main.tf').findings.some((f) => f.rule.startsWith('spf/') || f.rule === 'source/syntax-error'), text);
    const cfn = (v: string) => `Resources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: example.com.\n      Type: TXT\n      ResourceRecords:\n        - "\\"v=spf1 ${v} -all\\""\n`;
    // An escape YAML does not have is said as such (source/syntax-error), and the value is not checked.
    for (const v of ['\\UFFFFFFFF', '\\xZZ', '\\u12']) assert.ok(analyzeZone(cfn(v), 'stack.yaml').findings.some((f) => f.rule === 'spf/unknown-mechanism' || f.rule === 'source/syntax-error'), v);
  });
});

const dnsconfig = `var DMARC = "v=DMARC1; p=none; rua=mailto:dmarc@example.com";
D("example.com", REG_NONE, DnsProvider(DNS_BIND),
  TXT("@", "v=spf1 include:_spf.google.com +all"),
  TXT("_dmarc", DMARC),
  TXT("sel._domainkey", ["v=DKIM1; k=rsa; ", "p="]),
  DMARC_BUILDER({ label: "shop", policy: "quarantine", percent: 25, rua: ["mailto:d@example.com"] }),
  SPF_BUILDER({ label: "news", parts: ["v=spf1", "ptr", "~all"] }),
  DKIM_BUILDER({ selector: "k1", hashtypes: ["sha1"], pubkey: "" }),
END);
`;

describe('DNSControl', () => {
  it('finds TXT records and builders in D(), with owners from labels', () => {
    const z = readSource(dnsconfig, '/x/dnsconfig.js');
    assert.equal(z.format, 'dnscontrol');
    assert.deepEqual(z.sites.map((s) => [s.owner, s.value]), [
      ['example.com', 'v=spf1 include:_spf.google.com +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:dmarc@example.com'],
      ['sel._domainkey.example.com', 'v=DKIM1; k=rsa; p='],
      ['_dmarc.shop.example.com', 'v=DMARC1; p=quarantine; pct=25; rua=mailto:d@example.com'],
      ['news.example.com', 'v=spf1 ptr ~all'],
      ['k1._domainkey.example.com', 'v=DKIM1; h=sha1; p='],
    ]);
    assert.equal(z.sites[2].strings.length, 2);
    // D_EXTEND: records added to a domain, or to a subdomain of one, relative to its own name.
    const ext = readSource('D("example.com", REG, TXT("@", "v=spf1 -all"));\nD_EXTEND("sub.example.com", TXT("@", "v=spf1 mx -all"), TXT("_dmarc", "v=DMARC1; p=reject"));\n', '/x/dnsconfig.js');
    assert.deepEqual(ext.sites.map((s) => s.owner), ['example.com', 'sub.example.com', '_dmarc.sub.example.com']);
  });

  it('puts builder findings on the option that causes them, and fixes TXT() strings in JS syntax', () => {
    const a = analyzeZone(dnsconfig, '/x/dnsconfig.js');
    assert.equal(covered(dnsconfig, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'percent: 25');
    assert.match(covered(dnsconfig, a.findings.find((f) => f.rule === 'spf/ptr')!), /^"?ptr/);
    assert.match(covered(dnsconfig, a.findings.find((f) => f.rule === 'dkim/sha1')!), /hashtypes/);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(dnsconfig, plus), '+all');
    assert.equal(applyFix(dnsconfig, plus.fixes![0]), dnsconfig.replace('+all', '-all'));
    assert.equal(covered(dnsconfig, a.findings.find((f) => f.rule === 'dmarc/policy-none')!), 'p=none');
  });

  it('says a file that does not parse as JavaScript is a syntax error where the parser stops, and closes a string left open', () => {
    const open = 'D("example.com", REG_NONE, DnsProvider(DNS_BIND),\n  TXT("@", "v=spf1 include:_spf.example.net +all),\n  TXT("_dmarc", "v=DMARC1; p=none; rua=mailto:d@example.com")\n);\n';
    const [e, ...rest] = analyzeZone(open, '/x/dnsconfig.js').findings;
    assert.deepEqual(rest, []);
    assert.equal(e.rule, 'source/syntax-error');
    assert.equal(e.severity, 'error');
    assert.equal(covered(open, e), '"v=spf1 include:_spf.example.net +all),');
    assert.match(e.message, /^This string is not closed on its line, so dnsconfig\.js does not parse as JavaScript: DNSControl refuses it .* Close it with `"` before `\),`\.$/);
    const fixed = applyFix(open, e.fixes![0]);
    assert.equal(fixed, open.replace('+all),', '+all"),'));
    const again = analyzeZone(fixed, '/x/dnsconfig.js').findings;
    assert.deepEqual(again.filter((f) => f.rule === 'source/syntax-error'), []);
    assert.ok(again.some((f) => f.rule === 'spf/plus-all'));
    // A statement's string: closed before its `;`. In a required file, named by its own name.
    const stmt = "var SPF = 'v=spf1 -all;\nD(\"example.com\", REG_NONE, TXT(\"@\", SPF));\n";
    const [s] = analyzeZone(stmt, '/x/domains/example.com.js').findings;
    assert.match(s.message, /so example\.com\.js does not parse/);
    assert.equal(applyFix(stmt, s.fixes![0]), stmt.replace("-all;", "-all';"));
    // Another error: said where the parser stops, with its reason, and no fix.
    const paren = open.replace('+all),', '+all"),').replace('example.com")\n', 'example.com"\n');
    const [p] = analyzeZone(paren, '/x/dnsconfig.js').findings;
    assert.equal(p.rule, 'source/syntax-error');
    assert.match(p.message, /^dnsconfig\.js does not parse as JavaScript here \(Unexpected token\), so DNSControl refuses it/);
    assert.equal(p.range.start, paren.lastIndexOf(';'));
    assert.equal(p.fixes, undefined);
  });

  it('reads a D() in a loop over a literal list of domains once per domain; a finding in the text is said once', () => {
    const text = [
      'var REG = NewRegistrar("none");',
      'var DOMAINS = ["example.com", "example.net"];',
      'var SPF = "v=spf1 include:_spf.google.com +all";',
      'for (var i = 0; i < DOMAINS.length; i++) {',
      '  D(DOMAINS[i], REG, TXT("@", SPF), TXT("_dmarc", "v=DMARC1; p=none; rua=mailto:d@example.com"), END);',
      '}',
      '["a.example", "b.example"].forEach(function (d) {',
      '  D(d, REG, TXT("@", "v=spf1 -all"));',
      '});',
      'var MORE = ["c.example"];',
      'for (const d of MORE) D(d, REG, TXT("@", "v=spf1 -all"), TXT("_dmarc", "v=DMARC1; p=reject"));',
      // Not a literal list: the domain stays unknown, and says so.
      'LIST.forEach((d) => D(d, REG, TXT("@", "v=spf1 -all")));',
      '',
    ].join('\n');
    const z = readSource(text, '/x/dnsconfig.js');
    assert.deepEqual(z.sites.map((x) => x.owner), ['example.com', '_dmarc.example.com', 'example.net', '_dmarc.example.net', 'a.example', 'b.example', 'c.example', '_dmarc.c.example']);
    const a = analyzeZone(text, '/x/dnsconfig.js');
    // One +all, written once, for both domains.
    assert.equal(a.findings.filter((f) => f.rule === 'spf/plus-all').length, 1);
    // What depends on the domain is said per domain: example.net sends its reports to example.com.
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/external-reports-not-authorized').map((f) => f.message.split(' ')[2]), ['example.net']);
    // The same said of two domains at one place is said once, naming both.
    const missing = a.findings.filter((f) => f.rule === 'dmarc/missing-record');
    assert.equal(missing.length, 1, missing.map((f) => f.message).join('\n'));
    assert.match(missing[0].message, /^`a\.example` publishes SPF .* The same holds for b\.example: this text writes their record too\.$/);
    assert.deepEqual(a.findings.filter((f) => f.rule === 'source/not-static').map((f) => covered(text, f)), ['d']);
  });
});

const dirs = ['octodns', 'cloudformation', 'terraform', 'dnscontrol'].map((d) => path.join(CORPUS, 'iac', d));

describe('IaC corpus', () => {
  it('reads every octoDNS and CloudFormation file and lists its records', (t) => {
    if (!fs.existsSync(dirs[0])) return t.skip(`corpus not present at ${dirs[0]}`);
    const found: Record<string, string[]> = {};
    for (const dir of dirs)
      for (const f of fs.readdirSync(dir).filter((x) => /\.(ya?ml|tf|js)$/.test(x))) {
        const z = readSource(fs.readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f.endsWith('.js') ? `${f}.dnsconfig.js` : f));
        found[f] = z.sites.map((s) => `${s.owner ? showNames(s.owner) : '(computed)'} ${s.type} ${s.value.slice(0, 40)}`);
        t.diagnostic(`${f} (${z.format}): ${found[f].length} TXT/SPF; ${z.problems.map((p) => p.code).join(', ')}`);
      }
    assert.ok(found['awsdocs_quickref-route53-spf.yaml'].includes('mysite.example.com SPF v=spf1 ip4:192.168.0.1/16 -all'));
    assert.ok(found['octodns_docs_basic_my-domain.com.yaml'].includes('octodns_docs_basic_my-domain.com TXT v=spf1 -all'));
    assert.ok(found['octodns_unit.tests.yaml'].some((s) => s.startsWith('txt.octodns_unit.tests TXT v=DKIM1;k=rsa;s=email;h=sha256')));
    assert.ok(found['paulstaab_mailbox.org_route53.yaml'].some((s) => s.startsWith('<DomainName> TXT v=spf1 include:mailbox.org')));
    assert.ok(found['18f_notify.gov.tf'].some((s) => s.startsWith('_dmarc.notify.gov TXT v=DMARC1; p=reject; pct=100; fo=1; ri=8')));
    assert.ok(found['seems_google_dns_record_set_txt.tf'].some((s) => s.startsWith('seems.legal TXT v=DKIM1;k=rsa;p=MIGfMA0')));
    assert.ok(found['moj-iac_cjit.gov.uk_double-space-spf.tf'].some((s) => s.startsWith('(computed) TXT v=spf1  ip4:37.26.90.115/32')));
    assert.deepEqual(found['dnscontrol_parse-test_017-txt.js'].map((s) => s.split(' ')[0]), ['a.foo.com', 'b.foo.com', 'c.foo.com', 'd.foo.com', 'e.foo.com']);
    assert.ok(found['dnscontrol_parse-test_017-txt.js'].includes('d.foo.com TXT bonieclyde'));
    assert.ok(found['dnscontrol_docs_DMARC_BUILDER_example2.js'][0].startsWith('_dmarc.example.com TXT v=DMARC1; p=reject; sp=quarantine'));
  });

  it('reads the TLS-RPT and MTA-STS records the UK government zones publish, and finds nothing wrong in them', (t) => {
    if (!fs.existsSync(dirs[0])) return t.skip(`corpus not present at ${dirs[0]}`);
    const kinds: Record<string, number> = {};
    const findings: string[] = [];
    for (const f of fs.readdirSync(dirs[0]).filter((x) => x.startsWith('moj_'))) {
      const file = path.join(dirs[0], f);
      const a = analyzeZone(fs.readFileSync(file, 'utf8'), file, {});
      for (const s of a.sites) if (s.kind === 'tlsrpt' || s.kind === 'mta-sts') kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
      findings.push(...a.findings.filter((x) => /^(tlsrpt|mta-sts)\//.test(x.rule)).map((x) => `${f}: ${x.rule} ${x.message}`));
    }
    t.diagnostic(JSON.stringify(kinds));
    // Written `v=TLSRPTv1\\;rua=mailto:…` and `v=STSv1\\; id=<32 hex>` in octoDNS, the policy hosts as Route 53 aliases.
    assert.ok(kinds.tlsrpt >= 5 && kinds['mta-sts'] >= 5, JSON.stringify(kinds));
    assert.deepEqual(findings, []);
  });

  it('round-trips: extract, apply a value edit, re-extract gives the edited value; other bytes stay', (t) => {
    if (!fs.existsSync(dirs[0])) return t.skip(`corpus not present at ${dirs[0]}`);
    const files = dirs.flatMap((d) => fs.readdirSync(d).filter((x) => /\.(ya?ml|tf|js)$/.test(x)).map((x) => path.join(d, x)));
    let checked = 0;
    for (const original of files) {
      const text = fs.readFileSync(original, 'utf8');
      const file = original.endsWith('.js') ? `${original}.dnsconfig.js` : original;
      const z = readSource(text, file);
      z.sites.forEach((site, index) => {
        if (site.coarse) return;
        const alphabet = site.syntax.host === 'yaml-plain' ? 'abz09=.-;+~' : site.syntax.host === 'hcl' ? 'abz09=.-; "\\${}%' : site.syntax.host === 'js' ? 'abz09=.-; "\\\'`$' : 'abz09=.-; "\\\'';
        fc.assert(
          fc.property(fc.nat(site.value.length), fc.nat(site.value.length), fc.array(fc.constantFrom(...alphabet.split('')), { maxLength: 6 }), (x, y, ins) => {
            // A literal found only by its `v=…` prefix stays a record only while the prefix does.
            const floor = site.owner === undefined ? Math.min(8, site.value.length) : 0;
            const [a, b] = (x <= y ? [x, y] : [y, x]).map((n) => Math.max(n, floor));
            const newText = ins.join('');
            // A value that becomes one quoted string (`""`) is read as Cloudflare's quoted form of TXT
            // content (`content = "\"…\""`), as Cloudflare reads it: that is the convention, not a lost edit.
            const wanted = site.value.slice(0, a) + newText + site.value.slice(b);
            fc.pre(!(site.syntax.host === 'hcl' && /^".*"$/s.test(wanted)));
            const fix = mapFix(site, { title: 'edit', edits: [{ range: { start: a, end: b }, newText }] });
            const edited = applyFix(text, fix);
            const again = readSource(edited, file).sites[index];
            assert.equal(again?.value, site.value.slice(0, a) + newText + site.value.slice(b), `${path.basename(file)} site ${index}`);
            const e = fix.edits[0];
            assert.equal(edited.slice(0, e.range.start), text.slice(0, e.range.start));
            assert.equal(edited.slice(e.range.start + e.newText.length), text.slice(e.range.end));
          }),
          { numRuns: 20 },
        );
        checked++;
      });
    }
    t.diagnostic(`${checked} sites round-tripped`);
    assert.ok(checked > 50);
  });
});

describe('CloudFormation values built from parts', () => {
  const tpl = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  MailInclude:
    Type: String
    Default: _spf.google.com
  Zone:
    Type: String
Resources:
  Spf:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: example.com.
      Type: TXT
      ResourceRecords:
        - !Sub '"v=spf1 include:\${MailInclude} +all"'
  Dmarc:
    Type: AWS::Route53::RecordSet
    Properties:
      Name: _dmarc.example.com.
      Type: TXT
      ResourceRecords:
        - !Join ['', ['"v=DMARC1; p=none; ', 'pct=50; ', 'rua=mailto:d@example.com"']]
  Dkim:
    Type: AWS::Route53::RecordSet
    Properties:
      Name: sel._domainkey.example.com.
      Type: TXT
      ResourceRecords:
        - !Sub '"v=DKIM1; k=rsa; p=\${AWS::Region}"'
`;
  it('evaluates !Sub with parameter defaults and !Join of literals; findings land on the part that causes them', () => {
    const a = analyzeZone(tpl, 'mail.yaml');
    const values = a.sites.map((s) => s.site.value);
    assert.deepEqual(values, ['v=spf1 include:_spf.google.com +all', 'v=DMARC1; p=none; pct=50; rua=mailto:d@example.com', `v=DKIM1; k=rsa; p=${HOLE}`]);
    // The key is the unknown part: nothing is said of it.
    assert.ok(!a.findings.some((f) => f.rule.startsWith('dkim/')));
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(tpl.slice(plus.range.start, plus.range.end), '+all');
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(tpl.slice(pct.range.start, pct.range.end), 'pct=50');
    assert.deepEqual(plus.fixes ?? [], [], 'a value built from parts gets findings, not fixes');
    const note = a.findings.find((f) => f.rule === 'source/not-static')!;
    assert.match(note.message, /\$\{AWS::Region\} \(known only at deploy time\)/);
    assert.equal(note.severity, 'information');
  });

  it('reads the JSON long forms Fn::Join and Fn::Sub', () => {
    const json = JSON.stringify({ Resources: { Spf: { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'example.com.', Type: 'TXT', ResourceRecords: [{ 'Fn::Join': ['', ['"v=spf1 ', { 'Fn::Sub': 'ip4:192.0.2.1' }, ' ?all"']] }] } } } }, null, 2);
    const a = analyzeZone(json, 'stack.template.json');
    assert.deepEqual(a.sites.map((s) => s.site.value), ['v=spf1 ip4:192.0.2.1 ?all']);
    const f = a.findings.find((x) => x.rule === 'spf/neutral-all')!;
    assert.equal(json.slice(f.range.start, f.range.end), '?all');
  });
});

describe('Terraform heredocs', () => {
  it('reads heredocs and <<- heredocs with exact ranges, and says that a bare heredoc adds a newline', () => {
    const tf = 'resource "cloudflare_record" "spf" {\n  zone_id = "z"\n  name    = "example.com."\n  type    = "TXT"\n  value   = <<-EOT\n    v=spf1 include:_spf.google.com +all\n    EOT\n}\nresource "aws_route53_record" "dmarc" {\n  zone_id = "Z"\n  name    = "_dmarc.example.com."\n  type    = "TXT"\n  records = [trimspace(<<EOT\n  v=DMARC1; p=none; pct=100\nEOT\n  )]\n}\n';
    const a = analyzeZone(tf, 'main.tf');
    assert.deepEqual(a.sites.map((s) => s.site.value), ['v=spf1 include:_spf.google.com +all', 'v=DMARC1; p=none; pct=100']);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(tf, plus), '+all');
    const pct = a.findings.find((f) => f.rule === 'dmarc/pct-removed')!;
    assert.equal(covered(tf, pct), 'pct=100');
    const nl = a.findings.filter((f) => f.rule === 'source/heredoc-newline');
    assert.equal(nl.length, 1, 'only the heredoc without trimspace()');
    assert.equal(tf.slice(nl[0].range.start, nl[0].range.end), '\n');
    assert.ok(nl[0].range.start < tf.indexOf('EOT\n}'));
    assert.ok(!a.findings.some((f) => f.rule === 'source/not-static'));
  });

  it('a record a heredoc breaks across lines is a syntax error at the break, not also a record without `all`', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z"\n  name = "example.com."\n  type = "TXT"\n  records = [trimspace(<<-EOT\n    v=spf1 include:_spf.google.com\n    ~all\n  EOT\n  )]\n}\n';
    const a = analyzeZone(tf, 'main.tf');
    const rules = a.findings.map((f) => f.rule);
    assert.ok(rules.includes('spf/syntax-error'), rules.join());
    assert.equal(covered(tf, a.findings.find((f) => f.rule === 'spf/syntax-error')!), '\n');
    assert.ok(!rules.includes('spf/no-all'), rules.join());
    // Without any `all`, the record still gets spf/no-all.
    assert.ok(analyzeZone(tf.replace('~all', 'mx'), 'main.tf').findings.some((f) => f.rule === 'spf/no-all'));
  });

  it('notes a heredoc with a directive it cannot evaluate, without a false error', () => {
    const tf = 'resource "aws_route53_record" "spf" {\n  zone_id = "Z"\n  name = "example.com."\n  type = "TXT"\n  records = [<<EOT\nv=spf1 %{ for ip in var.ips }ip4:${ip} %{ endfor }-all\nEOT\n  ]\n}\n';
    const a = analyzeZone(tf, 'main.tf');
    assert.deepEqual(a.findings.map((f) => `${f.severity} ${f.rule}`), ['information source/not-static']);
  });
});

describe('records other than TXT in IaC sources, one per value as DNS serves them', () => {
  const { ChainResolver, WorkspaceResolver } = require('../../server/src/dns/chain') as typeof import('../../server/src/dns/chain');
  const { WorkspaceIndex } = require('../../server/src/workspace') as typeof import('../../server/src/workspace');
  const { checkHost } = require('../../server/src/spf/evaluator') as typeof import('../../server/src/spf/evaluator');
  const resolverOf = (text: string, file: string) => {
    const ws = new WorkspaceIndex();
    const z = readSource(text, file);
    ws.set(file, z.records, []);
    return { z, r: new WorkspaceResolver(ws) };
  };
  const answer = (a: ReturnType<InstanceType<typeof WorkspaceResolver>['lookup']>) => (a?.status === 'ok' ? a.records : a?.status);

  it('octoDNS: several A values and MX values are several records; an MX keeps its preference', async () => {
    const text = "---\n'':\n  - type: A\n    values:\n      - 192.0.2.1\n      - 192.0.2.2\n  - type: MX\n    values:\n      - exchange: mx1.octo.example.\n        preference: 10\n      - exchange: mx2.octo.example.\n        preference: 20\n  - type: TXT\n    value: v=spf1 a mx -all\nmx1:\n  type: A\n  value: 192.0.2.11\nmx2:\n  type: A\n  value: 192.0.2.12\nnomail:\n  type: MX\n  value:\n    exchange: .\n    preference: 0\n";
    const { z, r } = resolverOf(text, 'octo.example.yaml');
    assert.deepEqual(answer(r.lookup('octo.example', 'A')), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(answer(r.lookup('octo.example', 'MX')), ['10 mx1.octo.example.', '20 mx2.octo.example.']);
    const rec = z.records.find((x) => x.type === 'A' && x.rdata[0] === '192.0.2.2')!;
    assert.equal(text.slice(rec.range.start, rec.range.end), '192.0.2.2', 'each record is its value in the file');
    // The second address matches `a`; the second MX host's address matches `mx`.
    for (const [ip, result] of [['192.0.2.2', 'pass'], ['192.0.2.12', 'pass'], ['192.0.2.99', 'fail']] as const)
      assert.equal((await checkHost({ ip, sender: 'a@octo.example', helo: 'octo.example', resolver: new ChainResolver(r, undefined) })).result, result, ip);
    // A null MX (RFC 7505) reads as one.
    const reports = analyzeZone(`${text}_dmarc:\n  type: TXT\n  value: v=DMARC1\\; p=none\\; rua=mailto:d@nomail.octo.example\n`, 'octo.example.yaml');
    assert.ok(reports.findings.some((f) => f.rule === 'dmarc/report-address-no-mail' && /null MX/.test(f.message)));
  });

  it('CloudFormation and Terraform: each entry of ResourceRecords / records is a record', () => {
    const cfn = 'Resources:\n  Mx:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      Name: cfn.example.\n      Type: MX\n      ResourceRecords:\n        - 10 mx1.cfn.example.\n        - 20 mx2.cfn.example.\n';
    assert.deepEqual(answer(resolverOf(cfn, 'stack.yaml').r.lookup('cfn.example', 'MX')), ['10 mx1.cfn.example.', '20 mx2.cfn.example.']);
    // Cloudflare writes the MX host alone (the preference is `priority`): its exchange is that host.
    const { mxHost } = require('../../server/src/dns/types') as typeof import('../../server/src/dns/types');
    const cf = answer(resolverOf('resource "cloudflare_record" "mx" {\n  zone_id  = "z"\n  name     = "cf.example."\n  type     = "MX"\n  priority = 10\n  content  = "Mail.CF.example."\n}\n', 'cf.tf').r.lookup('cf.example', 'MX'));
    assert.deepEqual(Array.isArray(cf) && cf.map((x) => mxHost(x).toLowerCase()), ['mail.cf.example']);
    const tf = 'resource "aws_route53_record" "a" {\n  zone_id = "Z1"\n  name    = "tf.example."\n  type    = "A"\n  records = ["192.0.2.1", "192.0.2.2"]\n}\n';
    assert.deepEqual(answer(resolverOf(tf, 'main.tf').r.lookup('tf.example', 'A')), ['192.0.2.1', '192.0.2.2']);
  });

  it('DNSControl: A, AAAA, MX, CNAME and NS records beside the TXT ones, targets relative to the domain', () => {
    const js = 'D("dc.example", R, DnsProvider(P),\n  A("@", "192.0.2.1"),\n  AAAA("@", "2001:db8::1"),\n  MX("@", 10, "mx1"),\n  MX("@", 20, "mx.other.example."),\n  CNAME("www", "@"),\n  NS("sub", "ns1"),\n  TXT("@", "v=spf1 mx -all"),\nEND);\n';
    const { r } = resolverOf(js, 'dnsconfig.js');
    assert.deepEqual(answer(r.lookup('dc.example', 'A')), ['192.0.2.1']);
    assert.deepEqual(answer(r.lookup('dc.example', 'AAAA')), ['2001:db8::1']);
    assert.deepEqual(answer(r.lookup('dc.example', 'MX')), ['10 mx1.dc.example.', '20 mx.other.example.']);
    assert.deepEqual(answer(r.lookup('www.dc.example', 'A')), ['192.0.2.1'], 'the CNAME to the apex is followed');
    // An MX-only name without DMARC is a mail domain too.
    const mxOnly = analyzeZone('D("mx.example", R, DnsProvider(P),\n  MX("@", 10, "mail"),\nEND);\n', 'dnsconfig.js');
    assert.ok(mxOnly.findings.some((f) => f.rule === 'dmarc/missing-record' && /receives mail \(MX\)/.test(f.message)));
  });
});

describe('DNSControl: values built from constants', () => {
  it('reads a conditional whose test is known statically (a constant true or false, a comparison of known text) as the value it chooses, and each value of one whose test is not', () => {
    const js = 'var STRICT = true;\nvar ENV = "prod";\nD("example.com", REG_NONE,\n  TXT("_dmarc", "v=DMARC1; p=" + (STRICT ? "rejet" : "none") + "; rua=mailto:d@example.com"),\n  TXT("@", ENV === "prod" ? "v=spf1 +all" : "v=spf1 -all"),\n  TXT("x", !STRICT ? "v=spf1 -all" : "v=spf1 ?all"),\n  TXT("y", UNKNOWN ? "v=spf1 -all" : "v=spf1 ?all")\n);\n';
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['_dmarc.example.com', 'v=DMARC1; p=rejet; rua=mailto:d@example.com'],
      ['example.com', 'v=spf1 +all'],
      ['x.example.com', 'v=spf1 ?all'],
      // A test not known: each value it may choose, checked on its own (one record at the name, its value not known).
      ['y.example.com', 'v=spf1 -all'],
      ['y.example.com', 'v=spf1 ?all'],
    ]);
    assert.deepEqual(a.sites.map((x) => x.site.alternative), [undefined, undefined, undefined, true, true]);
    assert.ok(!a.findings.some((f) => f.rule === 'spf/multiple-records'));
    assert.equal(a.findings.filter((f) => f.rule === 'spf/neutral-all').length, 2, 'x and one value of y');
    const bad = a.findings.find((f) => f.rule === 'dmarc/invalid-value')!;
    assert.equal(covered(js, bad), 'rejet');
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(applyFix(js, plus.fixes![0]), js.replace('"v=spf1 +all"', '"v=spf1 -all"'));
    assert.match(a.zone.problems.find((p) => p.code === 'source/not-static')!.message, /one of 2 values chosen by `UNKNOWN`/);
  });

  const js = `var DOMAIN = "example.com";
var SPF_INCLUDES = ["_spf.google.com", "sendgrid.net"];
var DMARC = "v=DMARC1; p=none; rua=mailto:dmarc@" + DOMAIN;
D(DOMAIN, REG_NONE, DnsProvider(DNS),
  MX("@", 10, "mx.example.com."),
  TXT("@", "v=spf1 " + SPF_INCLUDES.map(function (i) { return "include:" + i; }).join(" ") + " +all"),
  TXT("_dmarc", DMARC),
  TXT("mail", \`v=spf1 include:\${SPF_INCLUDES[0]} ~all\`),
  TXT("eu." + "mail", [...SPF_INCLUDES.map((i) => "include:" + i)].concat(["-all"]).map((t) => t.toLowerCase()).join(" ").concat("")),
  TXT("x", someFunction()),
  TXT("_dmarc.x", DMARC_OF(DOMAIN)),
END);
`;
  it('reads concatenation, template literals, join, map and concat of constants, with findings on the characters', () => {
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['example.com', 'v=spf1 include:_spf.google.com include:sendgrid.net +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:dmarc@example.com'],
      ['mail.example.com', 'v=spf1 include:_spf.google.com ~all'],
      ['eu.mail.example.com', 'include:_spf.google.com include:sendgrid.net -all'],
    ]);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(js, plus), '+all');
    // Built from several places: the fix edits the literal " +all" where it is written.
    assert.equal(applyFix(js, plus.fixes![0]), js.replace('" +all"', '" -all"'));
    assert.equal(covered(js, a.findings.find((f) => f.rule === 'dmarc/policy-none')!), 'p=none');
    // What a constant puts in maps to the reference.
    const site = a.sites.find((x) => x.site.owner === '_dmarc.example.com')!.site;
    const at = site.map.toDocStart(site.value.indexOf('example.com'));
    assert.equal(js.slice(at, at + 6), 'DOMAIN');
  });

  it('a value it cannot know is a note, and the record still exists (a _dmarc one covers its domain)', () => {
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.zone.problems.filter((p) => p.code === 'source/not-static').map((p) => js.slice(p.range.start, p.range.end)), ['someFunction()', 'DMARC_OF(DOMAIN)']);
    assert.ok(a.zone.records.some((r) => r.owner === '_dmarc.x.example.com' && r.type === 'TXT'));
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'), a.findings.map((f) => f.message).join('\n'));
    const computed = 'D("b.example", REG_NONE,\n  TXT("@", "v=spf1 -all"),\n  TXT("_dmarc", makeDmarc("b.example")),\nEND);\n';
    assert.ok(!analyzeZone(computed, '/x/dnsconfig.js').findings.some((f) => f.rule === 'dmarc/missing-record'), 'before, the computed _dmarc record did not exist and b.example got dmarc/missing-record');
  });
});

describe('DNSControl: helper functions that return records', () => {
  const js = `var REG = NewRegistrar("none");
function mailAuth(domain, policy) {
  return [
    TXT("@", "v=spf1 include:_spf.google.com ~all"),
    TXT("_dmarc", "v=DMARC1; p=" + policy + "; pct=100; rua=mailto:dmarc@" + domain),
    MX("@", 10, "mx." + domain + "."),
  ];
}
var dkim = (selector, key) => TXT(selector + "._domainkey", "v=DKIM1; k=rsa; p=" + key);
var UNKNOWN = lookUp();
D("example.com", REG,
  mailAuth("example.com", "rejet"),
  dkim("sel", "AAAA"),
END);
D("example.org", REG,
  mailAuth(UNKNOWN, "reject"),
END);
`;
  it('reads the records a helper returns with what each call passes, findings where the value is written', () => {
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value.replace(HOLE, '…')]), [
      ['example.com', 'v=spf1 include:_spf.google.com ~all'],
      ['_dmarc.example.com', 'v=DMARC1; p=rejet; pct=100; rua=mailto:dmarc@example.com'],
      ['sel._domainkey.example.com', 'v=DKIM1; k=rsa; p=AAAA'],
      ['example.org', 'v=spf1 include:_spf.google.com ~all'],
      ['_dmarc.example.org', 'v=DMARC1; p=reject; pct=100; rua=mailto:dmarc@…'],
    ]);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata.join(' ')]), [['example.com', '10 mx.example.com.']]);
    // The argument is where the policy is written: the finding and its fix are at the call.
    const bad = a.findings.find((f) => f.rule === 'dmarc/invalid-value')!;
    assert.equal(covered(js, bad), 'rejet');
    assert.ok(js.indexOf('"rejet"') < bad.range.start && bad.range.end < js.indexOf('dkim("sel"'));
    // The literal in the helper is fixed in the helper (once for all its calls).
    const pct = a.findings.filter((f) => f.rule === 'dmarc/pct-removed');
    assert.equal(pct.length, 1, 'one finding for the two calls of the helper');
    assert.equal(covered(js, pct[0]), 'pct=100');
    assert.ok(a.findings.some((f) => f.rule === 'dkim/invalid-key'));
    // Both domains have their _dmarc record now: no dmarc/missing-record.
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'), a.findings.map((f) => f.message).join('\n'));
    // The argument not known statically: the record is checked around it, and a note names it.
    const note = a.zone.problems.find((p) => p.code === 'source/not-static')!;
    assert.match(note.message, /contains `UNKNOWN` \(line 16\), which is not known statically; the rest of it is checked/);
    assert.equal(a.sites[4].site.holes, true);
    // The MX built from the unknown argument is not read; its name is not known.
    assert.ok(!a.zone.records.some((r) => r.type === 'MX' && r.owner === 'example.org'));
  });

  it('says what holds for every domain a macro writes once, naming them, and what differs per domain apart', () => {
    const js = 'var SG = [TXT("@", "v=spf1 include:sendgrid.net -all")];\n' + ['a', 'b', 'c'].map((d) => `D("${d}.example", REG, SG, TXT("_dmarc", "v=DMARC1; p=reject; rua=mailto:d@${d}.example"), MX("@", 10, "mx.${d}.example."), END);\n`).join('');
    const a = analyzeZone(js, '/x/dnsconfig.js');
    const align = a.findings.filter((f) => f.rule === 'spf/include-does-not-align');
    assert.equal(align.length, 1, align.map((f) => f.message).join('\n'));
    assert.match(align[0].message, /with a\.example under DMARC.* The same holds for b\.example, c\.example: this text writes their record too\.$/);
    // Fixes stay with the finding kept.
    assert.deepEqual(align[0].fixes ?? [], a.findings.find((f) => f.rule === 'spf/include-does-not-align')!.fixes ?? []);
  });

  it('reads DMARC_BUILDER options a helper passes on (policy: policy) and constants (rua: REPORTS)', () => {
    const js = 'var REPORTS = ["mailto:d@example.com"];\nfunction mail(policy, align) {\n  return [DMARC_BUILDER({ policy: policy, alignmentSPF: align, percent: 100, rua: REPORTS })];\n}\nD("example.com", REG, mail("rejet", "strict"), END);\nD("example.org", REG, mail(UNKNOWN, "relaxed"), END);\n';
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value.replace(HOLE, '…')]), [
      ['_dmarc.example.com', 'v=DMARC1; p=rejet; aspf=s; pct=100; rua=mailto:d@example.com'],
      ['_dmarc.example.org', 'v=DMARC1; p=…; aspf=r; pct=100; rua=mailto:d@example.com'],
    ]);
    assert.equal(covered(js, a.findings.find((f) => f.rule === 'dmarc/invalid-value')!), 'rejet');
    assert.ok(!a.zone.problems.some((p) => p.message.includes('is computed')), a.zone.problems.map((p) => p.message).join('\n'));
  });

  it('reads a D() a helper function writes at each call of the helper, with what the call passes', () => {
    const js = `var REG = NewRegistrar("none");
var DSP = NewDnsProvider("cloudflare");
function mailDomain(name, policy) {
  var dmarc = "v=DMARC1; p=" + policy + "; pct=100; rua=mailto:dmarc@" + name;
  D(name, REG, DnsProvider(DSP),
    TXT("@", "v=spf1 include:_spf.google.com ~all"),
    TXT("_dmarc", dmarc),
    MX("@", 1, "aspmx.l.google.com.")
  );
}
mailDomain("example.com", "none");
mailDomain("example.org", "rejet");
["a.example", "b.example"].forEach(function (d) { mailDomain(d, "reject"); });
mailDomain(lookUp(), "reject");
function neverCalled(n) { D(n, REG, TXT("@", "v=spf1 +all")); }
function again(n) { D(n, REG, TXT("@", "v=spf1 -all")); again(n); }
again("c.example");
`;
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(
      a.sites.filter((x) => x.site.owner?.startsWith('_dmarc.')).map((x) => [x.site.owner, x.site.value]),
      ['example.com', 'example.org', 'a.example', 'b.example'].map((d) => [`_dmarc.${d}`, `v=DMARC1; p=${d === 'example.com' ? 'none' : d === 'example.org' ? 'rejet' : 'reject'}; pct=100; rua=mailto:dmarc@${d}`]),
    );
    assert.deepEqual(a.sites.filter((x) => x.site.owner === 'c.example').map((x) => x.site.value), ['v=spf1 -all'], 'a helper that calls itself is read once per call from outside');
    // The policy a call passes is fixed at the call; what the helper writes once is said once, in the helper.
    assert.equal(covered(js, a.findings.find((f) => f.rule === 'dmarc/invalid-value')!), 'rejet');
    assert.ok(js.indexOf('"rejet"') < a.findings.find((f) => f.rule === 'dmarc/invalid-value')!.range.start);
    const pct = a.findings.filter((f) => f.rule === 'dmarc/pct-removed');
    assert.equal(pct.length, 1);
    assert.equal(covered(js, pct[0]), 'pct=100');
    assert.equal(applyFix(js, pct[0].fixes![0]), js.replace('; pct=100', ''));
    // Every domain the helper writes has its _dmarc record (c.example, written by another helper, has none).
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/missing-record').map((f) => f.message.split('`')[1]), ['c.example']);
    // A call whose domain is not known, and a helper no one calls: their D() is noted, nothing guessed.
    const notes = a.zone.problems.filter((p) => p.code === 'source/not-static');
    assert.equal(notes.length, 2, notes.map((p) => p.message).join('\n'));
    assert.ok(notes.every((p) => /The domain of this D\(\) is computed/.test(p.message)));
    assert.ok(!a.findings.some((f) => f.rule === 'spf/plus-all'));
  });

  it('reads a D() per key of an object literal of record lists (Object.keys(DOMAINS).map(k => apply(k, DOMAINS[k])), for (d in DOMAINS))', () => {
    // The layout of crazytje's dnscontrol configurations: a map of domain → records, and a helper that writes the D().
    const js = `var IP = "192.0.2.10";
var domains = {
    'a.example' : [
        A("@", IP),
        TXT("@", "v=spf1 a ptr -all"),
        TXT("_dmarc", "v=DMARC1; p=reject; rua=mailto:d@a.example"),
    ],
    "b.example" : [ TXT("@", "v=spf1 +all") ],
};
Object.keys(domains).map(function(k, v) {
    apply(k, domains[k]);
})
function apply(domain, entries) {
    D(domain, REG_NONE, DSP, DefaultTTL(86400), entries);
}
var more = { c: [TXT("@", "v=spf1 ?all")] };
for (var d in more) {
    D(d + ".example", REG_NONE, DSP, more[d]);
}
["d.example"].map(function (x) { D(x, REG_NONE, TXT("@", "v=spf1 -all"), TXT("_dmarc", "v=DMARC1; p=none; rua=mailto:d@d.example")); });
`;
    const a = analyzeZone(js, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['a.example', 'v=spf1 a ptr -all'],
      ['_dmarc.a.example', 'v=DMARC1; p=reject; rua=mailto:d@a.example'],
      ['b.example', 'v=spf1 +all'],
      ['c.example', 'v=spf1 ?all'],
      ['d.example', 'v=spf1 -all'],
      ['_dmarc.d.example', 'v=DMARC1; p=none; rua=mailto:d@d.example'],
    ]);
    // `d + ".example"`: the loop's key is a value the expression reads.
    assert.ok(!a.zone.problems.some((p) => /is computed/.test(p.message)), a.zone.problems.map((p) => p.message).join('\n'));
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(js, plus), '+all');
    assert.equal(applyFix(js, plus.fixes![0]), js.replace('v=spf1 +all', 'v=spf1 -all'));
    assert.deepEqual(a.findings.filter((f) => f.rule === 'dmarc/missing-record').map((f) => f.message.split('`')[1]), ['b.example', 'c.example']);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'A').map((r) => r.owner), ['a.example']);
  });

  it('does not read a helper whose body decides what it returns', () => {
    const branchy = 'function spf(strict) {\n  if (strict) return [TXT("@", "v=spf1 -all")];\n  return [TXT("@", "v=spf1 +all")];\n}\nD("b.example", REG,\n  spf(true),\nEND);\n';
    const a = analyzeZone(branchy, '/x/dnsconfig.js');
    assert.deepEqual(a.sites.map((x) => x.site.value), []);
    assert.ok(!a.findings.some((f) => f.rule === 'spf/plus-all'));
  });
});

describe('DNSControl: globals of the other files of the configuration', () => {
  it('reads a constant dnsconfig.js defines in the files it loads (one global scope), the finding at the reference', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dnsc-globals-'));
    try {
      fs.mkdirSync(path.join(dir, 'domains'));
      fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'var SPF_BASE = "v=spf1 include:_spf.google.com";\nvar DOMAIN2 = "two.example";\nrequire("./domains/one.js");\n');
      const one = 'D("one.example", REG_NONE,\n  TXT("@", SPF_BASE + " +all"),\nEND);\nD(DOMAIN2, REG_NONE,\n  TXT("@", SPF_BASE + " -all"),\nEND);\n';
      const file = path.join(dir, 'domains', 'one.js');
      fs.writeFileSync(file, one);
      const a = analyzeZone(one, file);
      assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
        ['one.example', 'v=spf1 include:_spf.google.com +all'],
        ['two.example', 'v=spf1 include:_spf.google.com -all'],
      ]);
      const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
      assert.equal(covered(one, plus), '+all');
      assert.equal(applyFix(one, plus.fixes![0]), one.replace('" +all"', '" -all"'), 'the " +all" written here is fixed here');
      const include = a.sites[0].site.map.toDocStart(a.sites[0].site.value.indexOf('include'));
      assert.equal(one.slice(include, include + 8), 'SPF_BASE', 'what the global puts in maps to the reference');
      assert.deepEqual(a.zone.reads, [path.join(dir, 'dnsconfig.js')]);
      // Alone, the file does not know the global: a note, and the record still exists.
      const alone = analyzeZone(one, '/nowhere/one.js');
      assert.ok(alone.zone.problems.some((p) => p.code === 'source/not-static'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the macros and helpers another file defines where that file writes them (matthewgall/dnscontrol layout)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dnsc-macros-'));
    try {
      fs.mkdirSync(path.join(dir, 'zones'));
      const lib = 'var ZOHO_RECORDS = [\n  MX("@", 10, "mx.zoho.eu."),\n  TXT("@", "v=spf1 include:zoho.eu +all"),\n];\nfunction dmarc(policy) {\n  return TXT("_dmarc", "v=DMARC1; p=" + policy + "; pct=100; rua=mailto:d@example.net");\n}\n';
      fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'require("./lib.js");\nrequire_glob("./zones/");\n');
      const libFile = path.join(dir, 'lib.js');
      fs.writeFileSync(libFile, lib);
      const zone = 'D("gall.example", REG_NONE,\n  ZOHO_RECORDS,\n  dmarc("rejet"),\nEND);\n';
      const file = path.join(dir, 'zones', 'gall.example.js');
      fs.writeFileSync(file, zone);
      const a = analyzeZone(zone, file);
      assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value, path.basename(x.site.uri)]), [
        ['gall.example', 'v=spf1 include:zoho.eu +all', 'lib.js'],
        ['_dmarc.gall.example', 'v=DMARC1; p=rejet; pct=100; rua=mailto:d@example.net', 'lib.js'],
      ]);
      assert.ok(a.zone.records.some((r) => r.type === 'MX' && r.owner === 'gall.example'));
      // Findings in lib.js, where the macro writes the value; fixed there.
      const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
      assert.equal(plus.uri, libFile);
      assert.equal(covered(lib, plus), '+all');
      assert.equal(applyFix(lib, plus.fixes![0]), lib.replace('+all', '-all'));
      assert.equal(covered(lib, a.findings.find((f) => f.rule === 'dmarc/pct-removed')!), 'pct=100');
      // What the call passes stands at the helper's parameter in lib.js (no fix: it is written in the zone file).
      const bad = a.findings.find((f) => f.rule === 'dmarc/invalid-value')!;
      assert.equal(bad.uri, libFile);
      assert.equal(covered(lib, bad), 'policy');
      assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
      assert.ok(a.zone.reads?.includes(libFile));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DNSControl: a D() is the whole zone', () => {
  const { WorkspaceResolver } = require('../../server/src/dns/chain') as typeof import('../../server/src/dns/chain');
  const { WorkspaceIndex } = require('../../server/src/workspace') as typeof import('../../server/src/workspace');
  const resolver = (js: string) => {
    const ws = new WorkspaceIndex();
    const z = readSource(js, 'dnsconfig.js');
    ws.set('dnsconfig.js', z.records, []);
    return new WorkspaceResolver(ws);
  };

  it('answers NXDOMAIN for a name its D() lacks, NODATA for a name with only records it does not read, as DNSControl publishes only what it lists', () => {
    const r = resolver('D("whole.example", REG_NONE, DnsProvider(DSP),\n  A("www", "192.0.2.1"),\n  CAA("@", "issue", "letsencrypt.org"),\n  SRV("_sip._tcp", 10, 60, 5060, "sip"),\n  TXT("@", "v=spf1 a:mail -all"),\nEND);\n');
    assert.equal(r.lookup('mail.whole.example', 'A')?.status, 'nxdomain');
    assert.equal(r.lookup('_sip._tcp.whole.example', 'A')?.status, 'nodata');
    assert.equal(r.lookup('www.whole.example', 'A')?.status, 'ok');
  });

  it('says nothing of names it lacks when records are left to others (NO_PURGE, IGNORE…) or come from what it does not read', () => {
    for (const extra of ['NO_PURGE', 'IGNORE_NAME("legacy")', 'ALIAS("@", "lb.example.net.")', 'myHelperRecords()', '...shared', 'A(host, "192.0.2.9")', 'MX("@", 10, mailHost)']) {
      const r = resolver(`D("part.example", REG_NONE, DnsProvider(DSP),\n  A("www", "192.0.2.1"),\n  ${extra},\nEND);\n`);
      assert.equal(r.lookup('mail.part.example', 'A'), undefined, extra);
    }
    // A computed label: some name is unknown.
    assert.equal(resolver('D("part.example", REG_NONE,\n  TXT(label, "v=spf1 -all"),\nEND);\n').lookup('mail.part.example', 'A'), undefined);
    // D_EXTEND adds to a zone declared elsewhere.
    assert.equal(resolver('D_EXTEND("sub.part.example",\n  A("www", "192.0.2.1"),\nEND);\n').lookup('mail.sub.part.example', 'A'), undefined);
  });

  it('finds an include of a name the zone lacks, offline, through the CLI', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-dnsc-whole-'));
    fs.writeFileSync(path.join(dir, 'dnsconfig.js'), 'D("whole.example", REG_NONE, DnsProvider(DSP),\n  TXT("@", "v=spf1 include:_spf.whole.example -all"),\n  TXT("_dmarc", "v=DMARC1; p=none; rua=mailto:d@whole.example"),\n  MX("@", 10, "mail"),\n  A("mail", "192.0.2.25"),\nEND);\n');
    const out = spawnSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'), 'check', dir, '--offline', '--format', 'json'], { encoding: 'utf8' });
    const rules = JSON.parse(out.stdout).files[0].diagnostics.map((d: { rule: string; severity: string }) => `${d.severity} ${d.rule}`);
    assert.ok(rules.includes('error spf/include-not-found'), rules.join(', '));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('Terraform for_each and conditional names', () => {
  it('a for_each that a condition turns on or off (cond ? { … } : {}) is one resource per entry, as when it is on', () => {
    const text = 'resource "aws_route53_record" "txt" {\n  for_each = var.enabled ? { "example.com" = "v=spf1 +all", "_dmarc.example.com" = "v=DMARC1; p=none; rua=mailto:d@example.com" } : {}\n  zone_id  = "Z1"\n  name     = each.key\n  type     = "TXT"\n  records  = [each.value]\n}\nresource "aws_route53_record" "dkim" {\n  for_each = var.dkim ? toset(["s1", "s2"]) : toset([])\n  zone_id  = "Z1"\n  name     = "${each.key}._domainkey.example.com"\n  type     = "TXT"\n  records  = ["v=DKIM1; k=rsa; p="]\n}\nresource "aws_route53_record" "both" {\n  for_each = var.a ? toset(["x"]) : toset(["y"])\n  zone_id  = "Z1"\n  name     = "${each.key}.example.com"\n  type     = "TXT"\n  records  = ["v=spf1 -all"]\n}\n';
    const a = analyzeZone(text, 'main.tf');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['example.com', 'v=spf1 +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:d@example.com'],
      ['s1._domainkey.example.com', 'v=DKIM1; k=rsa; p='],
      ['s2._domainkey.example.com', 'v=DKIM1; k=rsa; p='],
      // Two non-empty choices: which keys is not known, and the name is not guessed.
      [undefined, 'v=spf1 -all'],
    ]);
    assert.equal(covered(text, a.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
  });

  it('a for_each over a map of objects: each.value.name, .type and .value are the entry\'s attributes, checked where the map writes them', () => {
    const text = [
      'resource "cloudflare_zone" "z" {\n  zone = "example.com"\n}',
      'locals {\n  records = {\n    spf = {\n      name  = "@"\n      type  = "TXT"\n      value = "v=spf1 include:_spf.google.com +all"\n    }\n    dmarc = { name = "_dmarc", type = "TXT", value = "v=DMARC1; p=none; rua=mailto:d@example.com" }\n    www = {\n      name  = "www"\n      type  = "A"\n      value = "192.0.2.1"\n    }\n  }\n}',
      'resource "cloudflare_record" "r" {\n  for_each = local.records\n  zone_id  = cloudflare_zone.z.id\n  name     = each.value.name\n  type     = each.value.type\n  content  = each.value.value\n}',
      '',
    ].join('\n');
    const a = analyzeZone(text, 'main.tf');
    assert.deepEqual(a.sites.map((x) => [x.site.owner, x.site.value]), [
      ['example.com', 'v=spf1 include:_spf.google.com +all'],
      ['_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:d@example.com'],
    ]);
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'A').map((r) => [r.owner, r.rdata[0]]), [['www.example.com', '192.0.2.1']]);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(covered(text, plus), '+all');
    assert.equal(applyFix(text, plus.fixes![0]), text.replace('+all', '-all'));
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record' || f.rule === 'source/not-static'), JSON.stringify(a.findings.map((f) => f.message)));
    // A nested object in an entry: the map is not read (the literals are still checked).
    const nested = analyzeZone(text.replace('value = "192.0.2.1"', 'value = { ip = "192.0.2.1" }'), 'main.tf');
    assert.deepEqual(nested.sites.map((x) => x.site.owner), [undefined, undefined]);
    // Route 53: `records = each.value.records`, a list in each entry.
    const r53 = [
      'resource "aws_route53_zone" "z" {\n  name = "example.com"\n}',
      'variable "records" {\n  default = {\n    apex = {\n      name    = "example.com"\n      type    = "TXT"\n      records = ["v=spf1 -all", "google-site-verification=abc"]\n    }\n    mx = { name = "example.com", type = "MX", records = ["10 mx.example.net."] }\n  }\n}',
      'resource "aws_route53_record" "r" {\n  for_each = var.records\n  zone_id  = aws_route53_zone.z.zone_id\n  name     = each.value.name\n  type     = each.value.type\n  ttl      = 300\n  records  = each.value.records\n}',
      '',
    ].join('\n');
    const b = analyzeZone(r53, 'main.tf');
    assert.deepEqual(b.sites.map((x) => [x.site.owner, x.site.value]), [['example.com', 'v=spf1 -all'], ['example.com', 'google-site-verification=abc']]);
    assert.deepEqual(b.zone.records.filter((r) => r.type === 'MX').map((r) => [r.owner, r.rdata[0]]), [['example.com', '10 mx.example.net.']]);
    assert.equal(covered(r53, b.findings.find((f) => f.rule === 'dmarc/missing-record')!), 'name     = each.value.name');
    // A list of objects made a map with a `for` expression, keyed by an attribute.
    const list = [
      'locals {\n  records = [\n    { name = "@", type = "TXT", value = "v=spf1 +all" },\n    { name = "_dmarc", type = "TXT", value = "v=DMARC1; p=reject; rua=mailto:d@example.com" },\n  ]\n}',
      'resource "cloudflare_record" "r" {\n  for_each = { for r in local.records : "${r.name}-${r.type}" => r }\n  zone_id  = cloudflare_zone.z.id\n  name     = each.value.name\n  type     = each.value.type\n  content  = each.value.value\n}',
      'resource "cloudflare_zone" "z" {\n  zone = "example.org"\n}',
      '',
    ].join('\n');
    const c = analyzeZone(list, 'main.tf');
    assert.deepEqual(c.sites.map((x) => x.site.owner), ['example.org', '_dmarc.example.org']);
    assert.equal(covered(list, c.findings.find((f) => f.rule === 'spf/plus-all')!), '+all');
    assert.ok(!c.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });

  it('makes one record per entry of a literal map or set, names from each.key, values checked where the map writes them', () => {
    const t = [
      'locals {',
      '  txt = {',
      '    "_dmarc" = "v=DMARC1; p=none; rua=mailto:d@fe.example"',
      '    "@"      = "v=spf1 +all"',
      '  }',
      '}',
      'resource "aws_route53_record" "txt" {',
      '  for_each = local.txt',
      '  zone_id  = "Z1"',
      '  name     = each.key == "@" ? "fe.example." : "${each.key}.fe.example."',
      '  type     = "TXT"',
      '  records  = [each.value]',
      '}',
      'resource "aws_route53_record" "subs" {',
      '  for_each = toset(["a", "b"])',
      '  zone_id  = "Z1"',
      '  name     = "${each.key}.fe.example."',
      '  type     = "TXT"',
      '  records  = ["v=spf1 -all"]',
      '}',
      'resource "aws_route53_record" "inline" {',
      '  for_each = { news = "v=spf1 ?all" }',
      '  zone_id  = "Z1"',
      '  name     = "${each.key}.fe.example."',
      '  type     = "TXT"',
      '  records  = [each.value]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'fe.tf');
    assert.deepEqual(a.sites.map((s) => s.site.owner).sort(), ['_dmarc.fe.example', 'a.fe.example', 'b.fe.example', 'fe.example', 'news.fe.example']);
    const plus = a.findings.find((f) => f.rule === 'spf/plus-all')!;
    assert.equal(t.slice(plus.range.start, plus.range.end), '+all');
    assert.equal(t.slice(0, plus.range.start).split('\n').length, 4, 'on the line of the map that writes it');
    assert.ok(a.findings.some((f) => f.rule === 'spf/neutral-all'));
    assert.ok(!a.findings.some((f) => f.rule === 'source/not-static' || f.rule === 'dmarc/missing-record'), JSON.stringify(a.findings.map((f) => f.rule)));
  });

  it('expands a for_each over a map written in another file of the module: names known, values checked where they are written', () => {
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-tf-foreach-'));
    fs.writeFileSync(path.join(dir, 'locals.tf'), 'locals {\n  txt = {\n    "_dmarc" = "v=DMARC1; p=none; rua=mailto:d@fe2.example"\n    "mail"   = "v=spf1 +all"\n  }\n}\n');
    const records = 'resource "aws_route53_record" "txt" {\n  for_each = local.txt\n  zone_id  = "Z1"\n  name     = "${each.key}.fe2.example."\n  type     = "TXT"\n  records  = [each.value]\n}\nresource "aws_route53_record" "mx" {\n  zone_id  = "Z1"\n  name     = "fe2.example."\n  type     = "MX"\n  records  = ["10 mx.fe2.example."]\n}\n';
    fs.writeFileSync(path.join(dir, 'records.tf'), records);
    const a = analyzeZone(records, path.join(dir, 'records.tf'));
    // Records of unknown value at the names the map gives: the _dmarc one covers the MX domain.
    assert.deepEqual(a.zone.records.filter((r) => r.type === 'TXT').map((r) => r.owner).sort(), ['_dmarc.fe2.example', 'mail.fe2.example']);
    assert.deepEqual(a.findings.map((f) => f.rule), []);
    // The values are checked in the file that writes them.
    assert.ok(analyzeZone(fs.readFileSync(path.join(dir, 'locals.tf'), 'utf8'), path.join(dir, 'locals.tf')).findings.some((f) => f.rule === 'spf/plus-all'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stays quiet about missing DMARC where the file has a DMARC record of unknown name, and evaluates != too', () => {
    const t = [
      'resource "cloudflare_record" "d" {',
      '  zone_id = var.zone',
      '  name    = var.dmarc_name',
      '  type    = "TXT"',
      '  content = "v=DMARC1; p=reject; rua=mailto:d@q.example"',
      '}',
      'resource "aws_route53_record" "spf" {',
      '  for_each = toset(["x"])',
      '  zone_id  = "Z1"',
      '  name     = each.key != "x" ? "other.example." : "q.example."',
      '  type     = "TXT"',
      '  records  = ["v=spf1 -all"]',
      '}',
      '',
    ].join('\n');
    const a = analyzeZone(t, 'q.tf');
    assert.deepEqual(a.sites.filter((s) => s.kind === 'spf').map((s) => s.site.owner), ['q.example']);
    assert.ok(!a.findings.some((f) => f.rule === 'dmarc/missing-record'));
  });
});
